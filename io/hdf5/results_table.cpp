#include "io/hdf5/results_table.hpp"

#include "engine/core/error.hpp"
#include "io/hdf5/handle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace zorgsim::io {
namespace {

// h5::handle throws output_error; reading a results file is input, so check the id first.
h5::handle opened(hid_t id, herr_t (*close)(hid_t), const std::filesystem::path& file,
                  const std::string& what) {
    if (id < 0)
        throw input_error(fmt::format("{}: could not {}", file.string(), what));
    return h5::handle(id, close, what);
}

} // namespace

struct results_table_reader::open_file {
    h5::handle id;
};

std::size_t stored_values::size() const {
    switch (type) {
    case kind::int64:
        return ints.size();
    case kind::uint64:
        return uints.size();
    case kind::float64:
        return reals.size();
    case kind::text:
        return texts.size();
    }
    return 0;
}

results_table_reader::results_table_reader(const std::filesystem::path& file) : path_(file) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!std::filesystem::exists(file))
        throw input_error(fmt::format("{}: no such file", file.string()));
    const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0)
        throw input_error(fmt::format("{}: not an HDF5 results file", file.string()));
    file_ = std::make_unique<open_file>(open_file{h5::handle(id, H5Fclose, "open the file")});
}

results_table_reader::~results_table_reader() = default;

bool results_table_reader::has_dataset(const std::string& path) const {
    // H5Lexists needs every intermediate group to exist, so walk the path.
    std::size_t at = 0;
    while (true) {
        const auto slash = path.find('/', at);
        const auto part = path.substr(0, slash);
        if (H5Lexists(file_->id, part.c_str(), H5P_DEFAULT) <= 0)
            return false;
        if (slash == std::string::npos)
            break;
        at = slash + 1;
    }
    H5O_info_t info;
    if (H5Oget_info_by_name(file_->id, path.c_str(), &info, H5P_DEFAULT) < 0)
        return false;
    return info.type == H5O_TYPE_DATASET;
}

std::string results_table_reader::string_attribute(const std::string& path,
                                                   const std::string& name) const {
    if (H5Aexists_by_name(file_->id, path.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
        return "";
    const auto a =
        opened(H5Aopen_by_name(file_->id, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, path_, fmt::format("open attribute '{}' of '{}'", name, path));
    const auto type = opened(H5Aget_type(a), H5Tclose, path_, "get an attribute type");
    if (H5Tget_class(type) != H5T_STRING)
        return "";
    if (H5Tis_variable_str(type) > 0) {
        char* s = nullptr;
        const auto mem = opened(H5Tcopy(type), H5Tclose, path_, "copy a string type");
        if (H5Aread(a, mem, &s) < 0)
            return "";
        std::string out = s ? s : "";
        H5free_memory(s);
        return out;
    }
    std::string out(H5Tget_size(type), '\0');
    if (H5Aread(a, type, out.data()) < 0)
        return "";
    return out.substr(0, out.find('\0'));
}

std::optional<std::int64_t> results_table_reader::int_attribute(const std::string& path,
                                                                const std::string& name) const {
    if (H5Aexists_by_name(file_->id, path.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
        return std::nullopt;
    const auto a =
        opened(H5Aopen_by_name(file_->id, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, path_, fmt::format("open attribute '{}' of '{}'", name, path));
    const auto type = opened(H5Aget_type(a), H5Tclose, path_, "get an attribute type");
    std::int64_t value = 0;
    if (H5Tget_class(type) != H5T_INTEGER || H5Aread(a, H5T_NATIVE_INT64, &value) < 0)
        return std::nullopt;
    return value;
}

std::vector<std::uint64_t> results_table_reader::shape(const std::string& path) const {
    const auto ds = opened(H5Dopen2(file_->id, path.c_str(), H5P_DEFAULT), H5Dclose, path_,
                           fmt::format("open dataset '{}'", path));
    const auto space = opened(H5Dget_space(ds), H5Sclose, path_, "get a dataspace");
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return {dims.begin(), dims.end()};
}

stored_values results_table_reader::read(const std::string& path) const {
    stored_values out;
    read_block(path, {}, out);
    return out;
}

void results_table_reader::read_block(const std::string& path,
                                      std::span<const std::uint64_t> leading,
                                      stored_values& out) const {
    const auto what = [&](std::string_view verb) {
        return fmt::format("{} dataset '{}'", verb, path);
    };
    const auto ds =
        opened(H5Dopen2(file_->id, path.c_str(), H5P_DEFAULT), H5Dclose, path_, what("open"));
    const auto space = opened(H5Dget_space(ds), H5Sclose, path_, "get a dataspace");
    const auto type = opened(H5Dget_type(ds), H5Tclose, path_, "get a type");
    const int rank = std::max(H5Sget_simple_extent_ndims(space), 0);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    if (leading.size() > dims.size())
        throw input_error(fmt::format("{}: dataset '{}' has {} axes, not {}", path_.string(), path,
                                      dims.size(), leading.size()));
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    for (std::size_t axis = 0; axis < leading.size(); ++axis) {
        if (leading[axis] >= dims[axis])
            throw input_error(fmt::format("{}: index {} is outside axis {} (length {}) of '{}'",
                                          path_.string(), leading[axis], axis, dims[axis], path));
        start[axis] = leading[axis];
        count[axis] = 1;
    }
    hsize_t n = 1;
    for (const auto c : count)
        n *= c;
    h5::handle mem_space;
    if (rank > 0) {
        if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                nullptr) < 0)
            throw input_error(
                fmt::format("{}: could not select a block of '{}'", path_.string(), path));
        mem_space = opened(H5Screate_simple(1, &n, nullptr), H5Sclose, path_, "create a dataspace");
    } else {
        mem_space = opened(H5Screate(H5S_SCALAR), H5Sclose, path_, "create a dataspace");
    }
    const auto read_into = [&](hid_t mem_type, void* buffer) {
        if (n > 0 && H5Dread(ds, mem_type, mem_space, space, H5P_DEFAULT, buffer) < 0)
            throw input_error(fmt::format("{}: could not {}", path_.string(), what("read")));
    };
    out.ints.clear();
    out.uints.clear();
    out.reals.clear();
    out.texts.clear();
    switch (H5Tget_class(type)) {
    case H5T_INTEGER:
        if (H5Tget_sign(type) == H5T_SGN_NONE) {
            out.type = stored_values::kind::uint64;
            out.uints.resize(n);
            read_into(H5T_NATIVE_UINT64, out.uints.data());
        } else {
            out.type = stored_values::kind::int64;
            out.ints.resize(n);
            read_into(H5T_NATIVE_INT64, out.ints.data());
        }
        return;
    case H5T_FLOAT:
        out.type = stored_values::kind::float64;
        out.reals.resize(n);
        read_into(H5T_NATIVE_DOUBLE, out.reals.data());
        return;
    case H5T_STRING: {
        out.type = stored_values::kind::text;
        const auto mem_type = opened(H5Tcopy(type), H5Tclose, path_, "copy a string type");
        if (H5Tis_variable_str(type) > 0) {
            std::vector<char*> ptrs(n, nullptr);
            read_into(mem_type, ptrs.data());
            out.texts.reserve(n);
            for (auto* s : ptrs) {
                out.texts.emplace_back(s ? s : "");
                H5free_memory(s);
            }
        } else {
            const auto size = H5Tget_size(type);
            std::string buffer(n * size, '\0');
            read_into(mem_type, buffer.data());
            out.texts.reserve(n);
            for (hsize_t i = 0; i < n; ++i) {
                const auto s = std::string_view(buffer).substr(i * size, size);
                out.texts.emplace_back(s.substr(0, s.find('\0')));
            }
        }
        return;
    }
    default:
        throw input_error(
            fmt::format("{}: dataset '{}' is neither a number nor a string", path_.string(), path));
    }
}

} // namespace zorgsim::io
