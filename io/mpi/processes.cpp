#include "io/mpi/processes.hpp"

#include "engine/core/error.hpp"

#include <cstdlib>
#include <vector>

#ifdef ZORGSIM_MPI
#include <mpi.h>
#endif

namespace zorgsim::io::mpi {

#ifdef ZORGSIM_MPI

namespace {
// Read once at start, so that any thread may ask (worker threads must not call MPI).
int this_rank = 0, rank_count = 1;
bool started = false;
} // namespace

session::session(int& argc, char**& argv) {
    // Funneled: only the main thread calls MPI and HDF5; the engine's threads hand their results
    // to it (run() replays them on the calling thread).
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    started = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &this_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &rank_count);
}

session::~session() {
    if (started)
        MPI_Finalize();
}

int rank() {
    return this_rank;
}

int ranks() {
    return rank_count;
}

namespace {
// Collective: the lowest rank for which `holds` is true, or ranks() when it holds on none.
int lowest_rank_where(bool holds) {
    int mine = holds ? rank() : ranks(), lowest = mine;
    if (ranks() > 1)
        MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return lowest;
}
} // namespace

void agree(const std::exception_ptr& failed) {
    const int first = lowest_rank_where(failed != nullptr);
    if (first == ranks())
        return;
    int code = rank() == first ? exit_code_of(failed) : 0;
    if (ranks() > 1)
        MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD);
    if (rank() == first)
        std::rethrow_exception(failed);
    throw failed_on_another_rank(first, code);
}

std::string broadcast(const std::string& value) {
    if (ranks() == 1)
        return value;
    unsigned long long size = value.size();
    MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::vector<char> bytes(value.begin(), value.end());
    bytes.resize(size);
    MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
    return {bytes.begin(), bytes.end()};
}

void abort_all(int exit_code) {
    if (ranks() > 1)
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::exit(exit_code);
}

#else

session::session(int&, char**&) {}
session::~session() = default;
int rank() {
    return 0;
}
int ranks() {
    return 1;
}
std::string broadcast(const std::string& value) {
    return value;
}
void agree(const std::exception_ptr& failed) {
    if (failed)
        std::rethrow_exception(failed);
}
void abort_all(int exit_code) {
    std::exit(exit_code);
}

#endif

} // namespace zorgsim::io::mpi
