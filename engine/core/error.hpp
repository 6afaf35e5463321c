// Error types of zorgsim. Library code throws these; they are caught once, in main, and turned
// into exit codes (config/input/model -> 2, output -> 3). Messages name the place and the range.
#pragma once

#include <stdexcept>
#include <string>

namespace zorgsim {

class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A scenario file is wrong (syntax, unknown key, value out of range).
class config_error : public error {
public:
    using error::error;
};

// Region or parameter data is wrong (a CSV row or column).
class input_error : public error {
public:
    using error::error;
};

// Inputs are individually valid but do not form a model (e.g. no GP practice with list capacity).
class model_error : public error {
public:
    using error::error;
};

// Results could not be written.
class output_error : public error {
public:
    using error::error;
};

} // namespace zorgsim
