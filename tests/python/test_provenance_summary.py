#!/usr/bin/python3
"""Provenance and uncertainty in the results file, checked with independent tools:
- summary/<var> equals numpy.quantile over replicates (p5, p50, p95), and summary/<var>_diff the
  quantiles of (variant - first variant), zero for the first variant;
- input_files carries each input's SHA-256 (checked with hashlib);
- re-running the resolved scenario (scenario_resolved) reproduces every dataset exactly.

Usage: test_provenance_summary.py ZORGSIM SCENARIO WORKDIR
"""
import hashlib
import os
import subprocess
import sys

import h5py
import numpy as np


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    first = os.path.join(work, "first.h5")
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", first, "-q", "--replicates", "5"], check=True)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with h5py.File(first, "r") as f:
        check(list(f["quantile"][:]) == [0.05, 0.5, 0.95], "quantile coordinate is p5, p50, p95")
        for name in ["contacts", "cost_eur", "backlog", "utilisation", "population"]:
            data = f[name][...].astype(np.float64)
            expected = np.moveaxis(np.quantile(data, [0.05, 0.5, 0.95], axis=1), 0, 1)
            got = f["summary/" + name][...]
            # Stored as float32: equal to numpy's float64 quantile rounded to float32.
            check(got.dtype == np.float32 and got.shape == expected.shape
                  and np.array_equal(got, expected.astype(np.float32)),
                  f"summary/{name} equals numpy.quantile over replicates (as float32)")
            check(np.all(f["summary/" + name + "_diff"][0] == 0), f"summary/{name}_diff is 0 for the first variant")
            dims = tuple(d[0].name.lstrip("/") for d in f["summary/" + name].dims)
            check(dims[:2] == ("variant", "quantile"), f"summary/{name} dims {dims}")
        for line in f.attrs["input_files"].splitlines():
            digest, path = line.split("  ", 1)
            check(hashlib.sha256(open(path, "rb").read()).hexdigest() == digest, f"sha256 of {os.path.basename(path)}")
        resolved = f.attrs["scenario_resolved"]
        check("run_started" in f.attrs and "run_finished" in f.attrs, "start and end time recorded")

    again_toml = os.path.join(work, "resolved.toml")
    open(again_toml, "w").write(resolved)
    again = os.path.join(work, "again.h5")
    subprocess.run([zorgsim, "run", again_toml, "--force", "-o", again, "-q"], check=True)
    with h5py.File(first, "r") as a, h5py.File(again, "r") as b:
        names = []
        a.visit(lambda n: names.append(n) if isinstance(a[n], h5py.Dataset) else None)
        same = [n for n in names if n in b and np.array_equal(a[n][...], b[n][...])]
        check(len(same) == len(names), f"resolved scenario reproduces all {len(names)} datasets ({len(same)} equal)")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
