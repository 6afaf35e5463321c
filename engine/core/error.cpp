#include "engine/core/error.hpp"

namespace zorgsim {

int exit_code_of(const std::exception_ptr& failure) noexcept {
    try {
        std::rethrow_exception(failure);
    } catch (const failed_on_another_rank& e) {
        return e.exit_code;
    } catch (const run_cancelled&) {
        return 130;
    } catch (const config_error&) {
        return 2;
    } catch (const input_error&) {
        return 2;
    } catch (const model_error&) {
        return 2;
    } catch (const output_error&) {
        return 3;
    } catch (...) {
        return 1;
    }
}

} // namespace zorgsim
