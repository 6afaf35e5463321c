// The processes of one run: MPI ranks when zorgsim is built with ZORGSIM_MPI=ON and started by
// mpirun, otherwise one process. Every other part of zorgsim asks only these few questions, so
// the serial build and a binary started without mpirun behave exactly alike (rank 0 of 1).
#pragma once

#include <exception>
#include <string>

namespace zorgsim::io::mpi {

// MPI for the lifetime of the program (MPI_Init_thread / MPI_Finalize); nothing without MPI.
class session {
public:
    session(int& argc, char**& argv);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;
};

int rank();  // this process, 0 .. ranks()-1
int ranks(); // processes in the run

// Collective: when `failed` holds an error on any rank, the lowest such rank rethrows it and the
// others throw failed_on_another_rank with its exit code (so they stop quietly); else returns.
void agree(const std::exception_ptr& failed);
// Collective: rank 0's value, on every rank.
std::string broadcast(const std::string& value);
// End every rank of the run at once with this exit code (MPI_Abort: a rank that waits for this
// one in a collective call would otherwise wait for ever). Without MPI: std::exit.
[[noreturn]] void abort_all(int exit_code);

} // namespace zorgsim::io::mpi
