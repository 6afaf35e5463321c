#!/usr/bin/python3
"""A results file read back by a real client (Debian's python3-h5py): named dimensions attached
as dimension scales, coordinate labels, units, the scenario text, and conservation in numpy.

Usage: test_results_h5py.py ZORGSIM SCENARIO WORKDIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "small.h5")
    if os.path.exists(out):
        os.remove(out)
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", out, "-q"], check=True)

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with h5py.File(out, "r") as f:
        expected_dims = {
            "residents": ("variant", "replicate", "time", "neighbourhood"),
            "demand": ("variant", "replicate", "time", "neighbourhood", "setting"),
            "contacts": ("variant", "replicate", "time", "neighbourhood", "setting"),
            "unmet": ("variant", "replicate", "time", "neighbourhood", "setting"),
            "cost_eur": ("variant", "replicate", "time", "neighbourhood", "setting"),
            "demand_by_need": ("variant", "replicate", "time", "neighbourhood", "need"),
            "backlog": ("variant", "replicate", "time", "provider"),
        }
        for name, dims in expected_dims.items():
            ds = f[name]
            attached = tuple(ds.dims[i][0].name.lstrip("/") for i in range(ds.ndim))
            check(attached == dims, f"{name} has dimensions {dims} (found {attached})")
            check("units" in ds.attrs, f"{name} has a units attribute")
            for i, dim in enumerate(dims):
                check(ds.shape[i] == f[dim].shape[0], f"{name} axis {i} matches the length of {dim}")

        settings = [s.decode() if isinstance(s, bytes) else s for s in f["setting"][:]]
        check(settings[:3] == ["gp", "poh_s", "poh_ggz"], "setting coordinate holds the setting names")
        check(f["time"].attrs["units"] == "days since 2025-01-01", "time is CF 'days since' the start")
        check(f["time"].shape[0] == 104, "two years of weekly steps")
        check(f["replicate"].shape[0] == 2, "two replicates")
        check(len(f["neighbourhood"]) >= 20, "at least 20 neighbourhoods")
        check(f.attrs["scenario"] == open(scenario).read(), "scenario text kept as a root attribute")

        demand = f["demand"][...].astype(np.int64)
        served = f["contacts"][...].astype(np.int64)
        unmet = f["unmet"][...].astype(np.int64)
        backlog = f["backlog"][...].astype(np.int64)
        drawn = demand.sum(axis=(3, 4)).cumsum(axis=2)
        gone = (served + unmet).sum(axis=(3, 4)).cumsum(axis=2)
        waiting = backlog.sum(axis=3)
        check(np.array_equal(drawn, gone + waiting), "sum demand = sum contacts + sum unmet + backlog, every step")
        residents = f["residents"][0, 0, 0, :].sum()
        gp = settings.index("gp")
        per_resident = served[0, 0, :52, :, gp:gp + 3].sum() * 365.25 / 364 / residents
        check(4.5 < per_resident < 6.0, f"GP-practice contacts per resident per year {per_resident:.2f}")

        # spend_eur: the contact lines add up to cost_eur; the fixed line is registered residents
        # x the yearly payments of funding.csv per step.
        lines = [x.decode() if isinstance(x, bytes) else str(x) for x in f["funding_line"][...]]
        spend = f["spend_eur"][...]
        contact_lines = [lines.index(n) for n in ("first_line", "out_of_hours", "second_line")]
        check(np.allclose(spend[..., contact_lines].sum(axis=3), f["cost_eur"][...].sum(axis=(3, 4))),
              "spend_eur contact lines = cost_eur summed over neighbourhoods and settings")
        fixed = spend[0, 0, 0, lines.index("first_line_fixed")]
        listed = f["listed"][0, 0, 0].sum()
        per_listed_year = fixed * 365.25 / 7 / listed
        check(100 < per_listed_year < 160, f"fixed first-line payments {per_listed_year:.1f} EUR per listed resident per year")
        # Per-provider queue flows: every need that joined a queue left it or is still waiting.
        arrivals = f["provider_arrivals"][...].astype(np.int64).sum(axis=2)
        left = (f["provider_contacts"][...].astype(np.int64) + f["provider_left_unserved"][...]).sum(axis=2)
        check(np.array_equal(arrivals, left + backlog[:, :, -1, :]), "provider arrivals = served + left unserved + still waiting")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
