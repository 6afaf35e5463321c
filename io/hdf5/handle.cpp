#include "io/hdf5/handle.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

namespace zorgsim::io::h5 {

handle::handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0)
        throw output_error(fmt::format("HDF5: could not {}", what));
}

handle& handle::operator=(handle&& o) noexcept {
    if (this != &o) {
        reset();
        id_ = std::exchange(o.id_, H5I_INVALID_HID);
        close_ = o.close_;
    }
    return *this;
}

void handle::reset() {
    if (id_ >= 0 && close_)
        close_(id_);
    id_ = H5I_INVALID_HID;
}

void check(herr_t status, const std::string& what) {
    if (status < 0)
        throw output_error(fmt::format("HDF5: could not {}", what));
}

handle create_file(const std::string& path) {
    handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create a file property list");
    // Readers then list variables in the order written, not alphabetically.
    check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "track link creation order");
    check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "track attribute creation order");
    return handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), H5Fclose,
                  fmt::format("create '{}'", path));
}

handle open_file(const std::string& path, bool all_ranks) {
    handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create a file access property list");
    if (all_ranks) {
#ifdef ZORGSIM_MPI
        check(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL), "use MPI-IO");
#else
        throw output_error("HDF5: opening a file from several processes needs a ZORGSIM_MPI build");
#endif
    }
    return handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), H5Fclose,
                  fmt::format("open '{}' for writing", path));
}

handle transfer_list(bool collective) {
    handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create a transfer property list");
#ifdef ZORGSIM_MPI
    if (collective)
        check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "use collective MPI-IO");
#else
    (void)collective;
#endif
    return dxpl;
}

handle dataspace(std::span<const hsize_t> dims) {
    return handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                  "create a dataspace");
}

handle utf8_string_type() {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    check(H5Tset_size(t, H5T_VARIABLE), "make a variable-length string type");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "set UTF-8");
    return t;
}

void attribute(hid_t obj, const std::string& name, const std::string& value) {
    const auto type = utf8_string_type();
    handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
    handle a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
             fmt::format("create attribute '{}'", name));
    const char* p = value.c_str();
    check(H5Awrite(a, type, &p), fmt::format("write attribute '{}'", name));
}

template <typename T>
static void numeric_attribute(hid_t obj, const std::string& name, T value) {
    handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
    handle a(H5Acreate2(obj, name.c_str(), native_type<T>(), space, H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose, fmt::format("create attribute '{}'", name));
    check(H5Awrite(a, native_type<T>(), &value), fmt::format("write attribute '{}'", name));
}

void attribute(hid_t obj, const std::string& name, double value) {
    numeric_attribute(obj, name, value);
}
void attribute(hid_t obj, const std::string& name, std::int64_t value) {
    numeric_attribute(obj, name, value);
}

handle string_dataset(hid_t parent, const std::string& name,
                      const std::vector<std::string>& values) {
    const auto type = utf8_string_type();
    const hsize_t n = values.size();
    const auto space = dataspace(std::span<const hsize_t>(&n, 1));
    handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, fmt::format("create dataset '{}'", name));
    std::vector<const char*> ptrs;
    for (const auto& v : values)
        ptrs.push_back(v.c_str());
    if (n > 0)
        check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
              fmt::format("write dataset '{}'", name));
    return ds;
}

template <>
hid_t native_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
    return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::uint32_t>() {
    return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::uint64_t>() {
    return H5T_NATIVE_UINT64;
}

template <typename T>
handle numeric_dataset(hid_t parent, const std::string& name, std::span<const hsize_t> dims,
                       std::span<const T> values) {
    const auto space = dataspace(dims);
    handle ds(H5Dcreate2(parent, name.c_str(), native_type<T>(), space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Dclose, fmt::format("create dataset '{}'", name));
    if (!values.empty())
        check(H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              fmt::format("write dataset '{}'", name));
    return ds;
}

template handle numeric_dataset<double>(hid_t, const std::string&, std::span<const hsize_t>,
                                        std::span<const double>);
template handle numeric_dataset<std::int32_t>(hid_t, const std::string&, std::span<const hsize_t>,
                                              std::span<const std::int32_t>);
template handle numeric_dataset<std::uint8_t>(hid_t, const std::string&, std::span<const hsize_t>,
                                              std::span<const std::uint8_t>);
template handle numeric_dataset<std::uint32_t>(hid_t, const std::string&, std::span<const hsize_t>,
                                               std::span<const std::uint32_t>);

} // namespace zorgsim::io::h5
