// RAII over the HDF5 C API: one owning handle type per kind of id, and small helpers for the
// things the results writer does (string attributes, string and numeric coordinate datasets).
// Every failure throws output_error naming the file and the object.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace zorgsim::io::h5 {

class handle {
public:
    handle() = default;
    handle(hid_t id, herr_t (*close)(hid_t), const std::string& what);
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    handle(handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    handle& operator=(handle&& o) noexcept;
    ~handle() { reset(); }

    hid_t get() const { return id_; }
    operator hid_t() const { return id_; }
    void reset();

private:
    hid_t id_ = H5I_INVALID_HID;
    herr_t (*close_)(hid_t) = nullptr;
};

void check(herr_t status, const std::string& what);

handle create_file(const std::string& path);
// Open an existing file for writing; with all_ranks, every MPI rank opens it together through
// MPI-IO (a collective call; only in a ZORGSIM_MPI build).
handle open_file(const std::string& path, bool all_ranks = false);
// The data transfer list for writes: collective MPI-IO when every rank takes part in each write
// (needed for compressed datasets, and faster for the many small pieces of a unit), else default.
handle transfer_list(bool collective);
handle dataspace(std::span<const hsize_t> dims);
handle utf8_string_type();

void attribute(hid_t obj, const std::string& name, const std::string& value);
void attribute(hid_t obj, const std::string& name, double value);
void attribute(hid_t obj, const std::string& name, std::int64_t value);

// A 1-D dataset of UTF-8 strings.
handle string_dataset(hid_t parent, const std::string& name,
                      const std::vector<std::string>& values);

// A numeric dataset written whole; T is float, double, int32/64 or uint32/64.
template <typename T>
handle numeric_dataset(hid_t parent, const std::string& name, std::span<const hsize_t> dims,
                       std::span<const T> values);

template <typename T>
hid_t native_type();

} // namespace zorgsim::io::h5
