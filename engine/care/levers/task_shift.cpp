#include "engine/care/levers/task_shift.hpp"

namespace zorgsim {

double shifted_share(const task_shift_lever& lever, double year) {
    return lever.share * ramp(lever.when, year);
}

} // namespace zorgsim
