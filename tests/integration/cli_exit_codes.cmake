# The command line as a planner meets it: exit codes (ARCHITECTURE §4), messages that name the
# place of the mistake, and no results file left behind by a failed run.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

function(expect code)
  cmake_parse_arguments(ARG "" "STDERR;STDOUT" "ARGS" ${ARGN})
  execute_process(COMMAND ${ZORGSIM} ${ARG_ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${code}")
    message(FATAL_ERROR "zorgsim ${ARG_ARGS}: exit ${rc}, expected ${code}\nstdout: ${out}\nstderr: ${err}")
  endif()
  if(ARG_STDERR AND NOT err MATCHES "${ARG_STDERR}")
    message(FATAL_ERROR "zorgsim ${ARG_ARGS}: stderr does not match '${ARG_STDERR}':\n${err}")
  endif()
  if(ARG_STDOUT AND NOT out MATCHES "${ARG_STDOUT}")
    message(FATAL_ERROR "zorgsim ${ARG_ARGS}: stdout does not match '${ARG_STDOUT}':\n${out}")
  endif()
  message(STATUS "ok: zorgsim ${ARG_ARGS} -> ${rc}")
endfunction()

expect(0 ARGS --version STDOUT "zorgsim [0-9]+\\.[0-9]+\\.[0-9]+")
expect(0 ARGS validate ${SRC}/scenarios/amstelland-baseline.toml STDOUT "valid")
expect(0 ARGS validate ${SRC}/scenarios/amstelland-diabetes-substitution.toml STDOUT "1 lever")
expect(2 ARGS)
expect(2 ARGS run)
expect(2 ARGS run ${WORK}/does-not-exist.toml)
expect(2 ARGS frobnicate)

# A scenario with mistakes: every one is reported, with file:line:column.
file(WRITE ${WORK}/bad.toml "[region]\nbuiltin = \"amstelland\"\n[time]\nyeers = 10\n[run]\nreplicates = -1\n")
expect(2 ARGS run ${WORK}/bad.toml -o ${WORK}/bad.h5
       STDERR "bad.toml:4:[0-9]+: time.yeers: unknown key \\(did you mean 'years'\\?\\).*bad.toml:6:[0-9]+: run.replicates")
if(EXISTS ${WORK}/bad.h5 OR EXISTS ${WORK}/bad.h5.partial)
  message(FATAL_ERROR "a failed run left a results file behind")
endif()

# Broken region data: file, line, column and the accepted range; nothing written.
file(COPY ${SRC}/scenarios/regions/amstelland/ DESTINATION ${WORK}/region)
file(READ ${WORK}/region/providers.csv providers)
string(REPLACE ",8.0,0,0.0" ",-8.0,0,0.0" providers "${providers}")
file(WRITE ${WORK}/region/providers.csv "${providers}")
file(WRITE ${WORK}/own-region.toml "[region]\ndata = \"region\"\n[parameters]\ndir = \"${SRC}/scenarios/parameters\"\n")
expect(2 ARGS run ${WORK}/own-region.toml -o ${WORK}/own.h5
       STDERR "providers.csv:[0-9]+: column 'staff_fte': -8.0 is out of range; accepted: 0 to 100000")
if(EXISTS ${WORK}/own.h5)
  message(FATAL_ERROR "a run on invalid data wrote a results file")
endif()

# Output that cannot be written: exit 3.
expect(3 ARGS run ${SRC}/tests/integration/small.toml -q -o /proc/zorgsim-cannot-write/x.h5
       STDERR "could not write results")

# Ctrl-C (SIGINT) or SIGTERM during a run: exit 130, and neither a results file nor a partial one is
# left behind. The bound on the time after the signal is generous so a loaded CI machine does not flake;
# it catches a run that ignores the signal (the full run takes far longer).
foreach(sig INT TERM)
  string(TIMESTAMP t0 "%s" UTC)
  execute_process(COMMAND timeout --preserve-status -s ${sig} 1 ${ZORGSIM} run
                          ${SRC}/scenarios/amstelland-baseline.toml --replicates 50 -q -o ${WORK}/interrupted.h5
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  string(TIMESTAMP t1 "%s" UTC)
  math(EXPR seconds "${t1} - ${t0}")
  if(NOT rc STREQUAL "130" OR NOT err MATCHES "interrupted")
    message(FATAL_ERROR "SIG${sig} during a run: exit ${rc}, expected 130\n${err}")
  endif()
  if(seconds GREATER 10)
    message(FATAL_ERROR "SIG${sig} during a run: the run took ${seconds} s to stop after a 1 s timeout")
  endif()
  if(EXISTS ${WORK}/interrupted.h5 OR EXISTS ${WORK}/interrupted.h5.partial)
    message(FATAL_ERROR "a run stopped by SIG${sig} left a results file behind")
  endif()
  message(STATUS "ok: SIG${sig} -> 130 after ${seconds} s, nothing left behind")
endforeach()

# zorgsim network: a summary and a GraphML file; bad input 2, unwritable output 3.
expect(0 ARGS network ${SRC}/scenarios/amstelland-baseline.toml -o ${WORK}/net.graphml
       STDOUT "unregistered.*referral network.*graphml: ")
if(NOT EXISTS ${WORK}/net.graphml OR EXISTS ${WORK}/net.graphml.partial)
  message(FATAL_ERROR "zorgsim network left no complete GraphML file")
endif()
expect(2 ARGS network)
expect(2 ARGS network ${WORK}/bad.toml -o ${WORK}/bad.graphml STDERR "time.yeers")
expect(3 ARGS network ${SRC}/scenarios/amstelland-baseline.toml -o /proc/zorgsim-cannot-write/x.graphml
       STDERR "could not write results")

# zorgsim export: CSV tables from a results file; not HDF5 or missing 2, unwritable directory 3.
file(WRITE ${WORK}/one-year.toml "[region]\nbuiltin = \"amstelland\"\n[time]\nyears = 1\n")
expect(0 ARGS run ${WORK}/one-year.toml -q -o ${WORK}/one-year.h5)
# An existing results file is kept, byte for byte, unless --force is given.
file(SHA256 ${WORK}/one-year.h5 before)
expect(2 ARGS run ${WORK}/one-year.toml -q -o ${WORK}/one-year.h5
       STDERR "one-year.h5: results file exists; give --force to overwrite it")
file(SHA256 ${WORK}/one-year.h5 after)
if(NOT before STREQUAL after OR EXISTS ${WORK}/one-year.h5.partial)
  message(FATAL_ERROR "a run without --force changed an existing results file")
endif()
expect(0 ARGS run ${WORK}/one-year.toml -q --force -o ${WORK}/one-year.h5)
expect(0 ARGS export ${WORK}/one-year.h5 --csv ${WORK}/csv STDOUT "neighbourhood_setting.csv: [0-9]+ rows")
if(NOT EXISTS ${WORK}/csv/neighbourhood_setting.csv OR EXISTS ${WORK}/csv/neighbourhood_setting.csv.partial)
  message(FATAL_ERROR "zorgsim export left no complete neighbourhood_setting.csv")
endif()
expect(2 ARGS export ${WORK}/bad.toml --csv ${WORK}/csv-bad STDERR "bad.toml: not an HDF5 results file")
expect(2 ARGS export ${WORK}/does-not-exist.h5 --csv ${WORK}/csv-bad STDERR "does-not-exist.h5: no such file")
expect(2 ARGS export ${WORK}/one-year.h5)
if(EXISTS ${WORK}/csv-bad)
  message(FATAL_ERROR "zorgsim export on bad input created its directory")
endif()
expect(3 ARGS export ${WORK}/one-year.h5 --csv /proc/zorgsim-cannot-write/csv
       STDERR "could not write results: /proc/zorgsim-cannot-write/csv")
file(WRITE ${WORK}/csv-is-a-file "")
expect(3 ARGS export ${WORK}/one-year.h5 --csv ${WORK}/csv-is-a-file STDERR "csv-is-a-file")
