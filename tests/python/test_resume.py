#!/usr/bin/python3
"""`zorgsim run --resume`: a run stopped after some complete units keeps OUT.h5.partial, and
resuming it gives a file whose every dataset equals an uninterrupted run's. A partial file of a
different run (other seed) is refused with exit 2 and left as it was.

Usage: test_resume.py ZORGSIM SCENARIO WORKDIR
"""
import hashlib
import os
import shutil
import subprocess
import sys

import h5py

from same_results import differences


def main(zorgsim, scenario, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    resumed = os.path.join(work, "resumed.h5")
    whole = os.path.join(work, "whole.h5")
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    stopped = subprocess.run([zorgsim, "run", scenario, "-q", "-o", resumed, "--stop-after-units", "2"],
                             capture_output=True, text=True)
    check(stopped.returncode == 130, f"a run stopped after 2 units exits 130 (got {stopped.returncode})")
    check("--resume" in stopped.stderr and "2 of 4 units" in stopped.stderr,
          "the message says how many units are complete and how to continue")
    check(os.path.exists(resumed + ".partial") and not os.path.exists(resumed),
          "the partial file is kept, no results file is written")
    with h5py.File(resumed + ".partial", "r") as f:
        check(f["unit_complete"][...].sum() == 2, "the partial file records 2 complete units")

    # Another seed must not continue this file.
    partial_hash = hashlib.sha256(open(resumed + ".partial", "rb").read()).hexdigest()
    other = subprocess.run([zorgsim, "run", scenario, "-q", "-o", resumed, "--resume", "--seed", "7"],
                           capture_output=True, text=True)
    check(other.returncode == 2 and "cannot resume" in other.stderr,
          f"resuming with another seed exits 2 with 'cannot resume' (got {other.returncode})")
    check(hashlib.sha256(open(resumed + ".partial", "rb").read()).hexdigest() == partial_hash,
          "the refused partial file is left as it was")

    done = subprocess.run([zorgsim, "run", scenario, "-q", "-o", resumed, "--resume"],
                          capture_output=True, text=True)
    check(done.returncode == 0, f"--resume completes the run (exit {done.returncode}) {done.stderr}")
    check(os.path.exists(resumed) and not os.path.exists(resumed + ".partial"),
          "the results file is in place and the partial file gone")
    subprocess.run([zorgsim, "run", scenario, "-q", "-o", whole], check=True)

    differ = differences(resumed, whole)
    check(not differ, f"every dataset and attribute equals the uninterrupted run's, apart from session "
                      f"times and threads (differ: {differ})")
    with h5py.File(resumed, "r") as a:
        check(a["unit_complete"][...].all(), "every unit complete")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
