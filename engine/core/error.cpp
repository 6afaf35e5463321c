#include "engine/core/error.hpp"

namespace zorgsim {

int exit_code_of(const std::exception_ptr& failure) noexcept {
    try {
        std::rethrow_exception(failure);
    } catch (const failed_on_another_rank& e) {
        return e.exit_code;
    } catch (const run_cancelled&) {
        return interrupted;
    } catch (const config_error&) {
        return invalid_input;
    } catch (const input_error&) {
        return invalid_input;
    } catch (const model_error&) {
        return invalid_input;
    } catch (const output_error&) {
        return output_failed;
    } catch (...) {
        return internal;
    }
}

} // namespace zorgsim
