# Tests of the MPI build (included from tests/CMakeLists.txt when ZORGSIM_MPI=ON).
# The serial build to compare with: `make mpi` builds build/release first.
set(ZORGSIM_SERIAL_BINARY "${PROJECT_SOURCE_DIR}/build/release/bin/zorgsim" CACHE FILEPATH
    "serial zorgsim whose results the MPI runs must equal")
find_program(MPIEXEC_PROGRAM NAMES mpirun mpiexec REQUIRED)

# np 1, 2 and 3 (oversubscribed) give the serial build's file, with and without compression;
# faults: an input error, a failing rank with --resume after it, Ctrl-C under mpirun.
add_test(NAME mpi.identical_and_faults
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_mpi.py
                 --mpirun ${MPIEXEC_PROGRAM} --zorgsim $<TARGET_FILE:zorgsim>
                 --serial ${ZORGSIM_SERIAL_BINARY}
                 --scenario ${CMAKE_CURRENT_LIST_DIR}/../integration/small.toml
                 --work ${CMAKE_CURRENT_BINARY_DIR}/mpi)
set_tests_properties(mpi.identical_and_faults PROPERTIES TIMEOUT 900)
