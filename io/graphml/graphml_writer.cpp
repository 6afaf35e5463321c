#include "io/graphml/graphml_writer.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <string>
#include <string_view>

namespace zorgsim::io {
namespace {

std::string escaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

struct key_def {
    std::string id;
    const char* domain; // node or edge
    const char* type;   // GraphML attr.type: string, double, int
};

std::vector<key_def> keys() {
    std::vector<key_def> k = {
        {"kind", "node", "string"},
        {"name", "node", "string"},
        {"code", "node", "string"},
        {"line", "node", "string"},
        {"municipality", "node", "string"},
        {"wsv", "node", "string"},
        {"lon", "node", "double"},
        {"lat", "node", "double"},
        {"places", "node", "int"},
        {"listed", "node", "int"},
        {"open_practice_access_min", "node", "double"},
        {"betweenness", "node", "double"},
        {"degree_centrality", "node", "double"},
        {"referral_partners", "node", "int"},
        {"edge_kind", "edge", "string"},
        {"travel_min", "edge", "double"},
        {"share", "edge", "double"},
    };
    for (auto t : provider_type_names)
        k.push_back({fmt::format("access_min_{}", t), "node", "double"});
    return k;
}

// Attribute values: doubles in the shortest form that reads back to the same value.
std::string data(std::string_view key, std::string_view value) {
    return fmt::format("<data key=\"{}\">{}</data>", key, escaped(value));
}
std::string data(std::string_view key, double value) {
    return fmt::format("<data key=\"{}\">{}</data>", key, value);
}
std::string data(std::string_view key, std::uint32_t value) {
    return fmt::format("<data key=\"{}\">{}</data>", key, value);
}

} // namespace

void write_graphml(const std::filesystem::path& out, const region& r, const provider_table& p,
                   const provider_network& net, const graphml_results& results) {
    if (out.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(out.parent_path(), ec);
        if (ec)
            throw output_error(fmt::format("{}: cannot create the directory: {}",
                                           out.parent_path().string(), ec.message()));
    }
    auto partial = out;
    partial += ".partial";
    {
        std::ofstream f(partial, std::ios::binary | std::ios::trunc);
        if (!f)
            throw output_error(fmt::format("{}: cannot open for writing", partial.string()));
        const auto* m = results.metrics;
        f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
             "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
        for (const auto& k : keys())
            f << fmt::format(
                "  <key id=\"{0}\" for=\"{1}\" attr.name=\"{0}\" attr.type=\"{2}\"/>\n", k.id,
                k.domain, k.type);
        f << fmt::format("  <graph id=\"{}\" edgedefault=\"directed\">\n", escaped(r.name));

        const auto& nb = r.neighbourhoods;
        for (std::uint32_t h = 0; h < nb.size(); ++h) {
            std::string line = fmt::format("    <node id=\"n{}\">", net.vertex_of_neighbourhood(h));
            line += data("kind", "neighbourhood");
            line += data("name", nb.name[h]);
            line += data("code", nb.code[h]);
            line += data("municipality", r.municipalities[nb.municipality[h]].code);
            line += data("wsv", r.wsv_names[nb.wsv[h]]);
            line += data("lon", nb.lon_deg[h]);
            line += data("lat", nb.lat_deg[h]);
            if (m) {
                for (std::size_t t = 0; t < provider_type_count; ++t)
                    if (std::isfinite(m->access_min[h][t])) // no provider of the type: left out
                        line += data(fmt::format("access_min_{}", provider_type_names[t]),
                                     m->access_min[h][t]);
                if (std::isfinite(m->open_practice_access_min[h]))
                    line += data("open_practice_access_min", m->open_practice_access_min[h]);
            }
            f << line << "</node>\n";
        }
        for (std::uint32_t q = 0; q < p.size(); ++q) {
            std::string line = fmt::format("    <node id=\"n{}\">", net.vertex_of_provider(q));
            line += data("kind", name_of(p.type[q]));
            line += data("name", p.name[q]);
            line += data("code", p.code[q]);
            line += data("line", line_of(p.type[q]) == care_line::first ? "first" : "second");
            line += data("municipality", p.municipality_code[q]);
            if (p.wsv[q] != no_wsv)
                line += data("wsv", r.wsv_names[static_cast<std::size_t>(p.wsv[q])]);
            line += data("lon", p.lon_deg[q]);
            line += data("lat", p.lat_deg[q]);
            if (p.type[q] == provider_type::gp_practice) {
                line += data("places", net.places(q));
                if (q < results.listed.size())
                    line += data("listed", results.listed[q]);
            }
            const bool in_referral_network =
                p.type[q] == provider_type::gp_practice || line_of(p.type[q]) == care_line::second;
            if (m && in_referral_network) {
                line += data("betweenness", m->betweenness[q]);
                line += data("degree_centrality", m->degree_centrality[q]);
                line += data("referral_partners", m->referral_partners[q]);
            }
            f << line << "</node>\n";
        }

        const auto& g = net.graph();
        std::size_t k = 0;
        for (const auto e : boost::make_iterator_range(boost::edges(g))) {
            const auto& ed = g[e];
            std::string line = fmt::format("    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\">",
                                           k++, boost::source(e, g), boost::target(e, g));
            line += data("edge_kind", edge_kind_names[static_cast<std::size_t>(ed.kind)]);
            if (ed.kind == edge_kind::travel)
                line += data("travel_min", ed.travel_min);
            if (ed.kind == edge_kind::referral)
                line += data("share", ed.share);
            f << line << "</edge>\n";
        }
        f << "  </graph>\n</graphml>\n";
        f.close();
        if (!f) {
            std::error_code ec;
            std::filesystem::remove(partial, ec);
            throw output_error(fmt::format("{}: writing the GraphML failed", partial.string()));
        }
    }
    std::error_code ec;
    std::filesystem::rename(partial, out, ec);
    if (ec) {
        const auto why = ec.message();
        std::filesystem::remove(partial, ec);
        throw output_error(
            fmt::format("{}: cannot move the finished GraphML into place: {}", out.string(), why));
    }
}

} // namespace zorgsim::io
