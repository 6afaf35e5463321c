// `zorgsim inspect OUT.h5`: what a results file holds, in a few lines.
#include "io/cli/commands.hpp"
#include "io/hdf5/results_reader.hpp"

#include <fmt/format.h>

namespace zorgsim::io {

std::string describe_results(const std::filesystem::path& file) {
    const auto c = read_contents(file);
    const auto attr = [&](const std::string& k) {
        const auto it = c.attributes.find(k);
        return it == c.attributes.end() ? std::string("?") : it->second;
    };
    std::uint64_t steps = 0;
    std::string dims;
    for (const auto& [name, length] : c.dimensions) {
        dims += fmt::format("{}{} {}", dims.empty() ? "" : ", ", name, length);
        if (name == "time")
            steps = length;
    }
    std::string out;
    out +=
        fmt::format("{}: \"{}\", region {}, written by zorgsim {} ({})\n", file.string(),
                    attr("title"), attr("region"), attr("zorgsim_version"), attr("git_revision"));
    out += fmt::format("scenario: {}; seed {}, {} replicate(s), {} thread(s)\n",
                       attr("scenario_file"), attr("seed"), attr("replicates"), attr("threads"));
    // Numbered, because sweep labels hold commas of their own ("lever[0].share=0.1, ...").
    std::vector<std::string> numbered;
    for (std::size_t v = 0; v < c.variants.size(); ++v)
        numbered.push_back(fmt::format("{}: {}", v, c.variants[v]));
    out += fmt::format("variants: {}\n", fmt::join(numbered, "; "));
    out += fmt::format("period: {} steps of {} days from {}\n", steps, attr("step_days"),
                       attr("start_date"));
    out += fmt::format("dimensions: {}\n", dims);
    out += "variables:\n";
    std::size_t width = 0;
    std::vector<std::string> heads;
    for (const auto& v : c.variables) {
        heads.push_back(fmt::format("{}({})", v.path, fmt::join(v.dims, ", ")));
        width = std::max(width, heads.back().size());
    }
    for (std::size_t i = 0; i < c.variables.size(); ++i) {
        const auto& v = c.variables[i];
        out += fmt::format("  {:<{}}  {:<8} {:<9} {}\n", heads[i], width, v.dtype,
                           v.units.empty() ? "-" : v.units, v.long_name);
    }
    return out;
}

int inspect_command(const std::filesystem::path& file) {
    fmt::print("{}", describe_results(file));
    return ok;
}

} // namespace zorgsim::io
