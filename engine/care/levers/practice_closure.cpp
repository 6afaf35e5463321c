#include "engine/care/levers/practice_closure.hpp"

namespace zorgsim {

bool closed(const practice_closure_lever& lever, double year) {
    return year >= lever.year;
}

} // namespace zorgsim
