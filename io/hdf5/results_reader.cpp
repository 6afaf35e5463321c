#include "io/hdf5/results_reader.hpp"

#include "engine/core/error.hpp"
#include "io/hdf5/handle.hpp"

#include <hdf5_hl.h>

#include <fmt/format.h>

namespace zorgsim::io {
namespace {

std::string read_string_attribute(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0)
        return "";
    h5::handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose,
                 fmt::format("open attribute '{}'", name));
    h5::handle type(H5Aget_type(a), H5Tclose, "get an attribute type");
    if (H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
            char* s = nullptr;
            const auto mem = h5::utf8_string_type();
            if (H5Aread(a, mem, &s) < 0)
                return "";
            std::string out = s ? s : "";
            H5free_memory(s);
            return out;
        }
        std::string out(H5Tget_size(type), '\0');
        H5Aread(a, type, out.data());
        return out.substr(0, out.find('\0'));
    }
    if (H5Tget_class(type) == H5T_INTEGER) {
        long long v = 0;
        H5Aread(a, H5T_NATIVE_LLONG, &v);
        return std::to_string(v);
    }
    if (H5Tget_class(type) == H5T_FLOAT) {
        double v = 0;
        H5Aread(a, H5T_NATIVE_DOUBLE, &v);
        return fmt::format("{}", v);
    }
    return "";
}

std::string dtype_name(hid_t type) {
    const auto size = H5Tget_size(type);
    switch (H5Tget_class(type)) {
    case H5T_INTEGER:
        return fmt::format("{}int{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", size * 8);
    case H5T_FLOAT:
        return fmt::format("float{}", size * 8);
    case H5T_STRING:
        return "string";
    default:
        return "other";
    }
}

struct visit_state {
    results_contents* out;
};

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* data) {
    if (info->type != H5O_TYPE_DATASET || std::string(name) == ".")
        return 0;
    auto& out = *static_cast<visit_state*>(data)->out;
    h5::handle ds(H5Dopen2(root, name, H5P_DEFAULT), H5Dclose, fmt::format("open '{}'", name));
    h5::handle space(H5Dget_space(ds), H5Sclose, "get a dataspace");
    h5::handle type(H5Dget_type(ds), H5Tclose, "get a type");
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> shape(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, shape.data(), nullptr);
    if (H5DSis_scale(ds) > 0) {
        out.dimensions.emplace_back(name, shape.empty() ? 0 : shape[0]);
        return 0;
    }
    stored_variable v;
    v.path = name;
    v.shape.assign(shape.begin(), shape.end());
    v.dtype = dtype_name(type);
    v.units = read_string_attribute(ds, "units");
    v.long_name = read_string_attribute(ds, "long_name");
    for (int axis = 0; axis < rank; ++axis) {
        std::string dim;
        H5DSiterate_scales(
            ds, static_cast<unsigned>(axis), nullptr,
            [](hid_t, unsigned, hid_t scale, void* d) -> herr_t {
                char buf[256] = {};
                H5Iget_name(scale, buf, sizeof buf);
                std::string n = buf;
                *static_cast<std::string*>(d) = n.substr(n.rfind('/') + 1);
                return 1;
            },
            &dim);
        v.dims.push_back(dim.empty() ? fmt::format("axis{}", axis) : dim);
    }
    out.variables.push_back(std::move(v));
    return 0;
}

} // namespace

results_contents read_contents(const std::filesystem::path& file) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!std::filesystem::exists(file))
        throw input_error(fmt::format("{}: no such file", file.string()));
    const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0)
        throw input_error(fmt::format("{}: not an HDF5 results file", file.string()));
    h5::handle f(id, H5Fclose, "open the file");
    results_contents out;
    H5Aiterate2(
        f, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t obj, const char* name, const H5A_info_t*, void* d) -> herr_t {
            (*static_cast<std::map<std::string, std::string>*>(d))[name] =
                read_string_attribute(obj, name);
            return 0;
        },
        &out.attributes);
    visit_state st{&out};
    H5Ovisit(f, H5_INDEX_CRT_ORDER, H5_ITER_INC, visit, &st);
    if (H5Lexists(f, "variant", H5P_DEFAULT) > 0) {
        h5::handle ds(H5Dopen2(f, "variant", H5P_DEFAULT), H5Dclose, "open 'variant'");
        h5::handle space(H5Dget_space(ds), H5Sclose, "get a dataspace");
        hsize_t n = 0;
        H5Sget_simple_extent_dims(space, &n, nullptr);
        std::vector<char*> names(n);
        const auto type = h5::utf8_string_type();
        if (n > 0 && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, names.data()) >= 0)
            for (auto* s : names) {
                out.variants.emplace_back(s ? s : "");
                H5free_memory(s);
            }
    }
    return out;
}

} // namespace zorgsim::io
