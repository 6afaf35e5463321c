#!/usr/bin/python3
"""The dashboard companion io/plot/zorgsim-plot on a real results file: it writes a valid, non-blank
PNG of at least 1200x900 px and a tidy summary.csv with rows for panels 1-4 (and 6: population);
a file without `population` and without the `network` group still gets a dashboard.

Usage: test_plot.py ZORGSIM SCENARIO WORKDIR PLOT_SCRIPT
"""
import csv
import os
import struct
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """Width and height from the IHDR chunk, or None if the file is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main(zorgsim, scenario, work, plot):
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "small-plot.h5")
    for f in (out, os.path.join(work, "dashboard", "dashboard.png"), os.path.join(work, "dashboard", "summary.csv")):
        if os.path.exists(f):
            os.remove(f)
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", out, "--replicates", "3", "-q"], check=True)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    def dashboard(inputs, outdir, label):
        r = subprocess.run([sys.executable, plot, *inputs, "-o", outdir], capture_output=True, text=True)
        check(r.returncode == 0, f"{label}: zorgsim-plot exits 0" + (f" (exit {r.returncode}: {r.stderr.strip()[-300:]})"
                                                                   if r.returncode else ""))
        png = os.path.join(outdir, "dashboard.png")
        check(os.path.isfile(png), f"{label}: dashboard.png written")
        if not os.path.isfile(png):
            return None
        size = png_size(png)
        check(size is not None, f"{label}: dashboard.png has a PNG signature and IHDR header")
        if size:
            check(size[0] >= 1200 and size[1] >= 900, f"{label}: dashboard is {size[0]}x{size[1]} px (>= 1200x900)")
        pixels = mpimg.imread(png)[..., :3]
        check(float(np.var(pixels)) > 0.005, f"{label}: dashboard is not blank (pixel variance {np.var(pixels):.4f})")
        summary = os.path.join(outdir, "summary.csv")
        check(os.path.isfile(summary), f"{label}: summary.csv written")
        if not os.path.isfile(summary):
            return None
        with open(summary, newline="") as f:
            return list(csv.DictReader(f))

    rows = dashboard([out], os.path.join(work, "dashboard"), "3 replicates")
    if rows is not None:
        panels = {r["panel"] for r in rows}
        for p in ("1", "2", "3", "4", "6"):
            check(p in panels, f"summary.csv has rows for panel {p}")
        check(all(r["replicates"] == "3" for r in rows), "summary.csv records 3 replicates")
        years = {r["period"] for r in rows if r["panel"] == "4"}
        check(years == {"2025", "2026"}, f"panel 4 has one row per year and line ({sorted(years)})")
        # Amstelland's first line (practices, physiotherapy, district nursing) costs about EUR 80 million a
        # year; the second line, with admissions, about EUR 280 million (DOMAIN 8.7 hospital spend: 270-300
        # per 180k).
        first = [float(r["mean"]) for r in rows if r["panel"] == "4" and r["series"] == "cost:first_line"]
        second = [float(r["mean"]) for r in rows if r["panel"] == "4" and r["series"] == "cost:second_line"]
        check(first and all(10 < c < 200 for c in first), "panel 4: first-line cost is EUR 10-200 million a year")
        check(second and all(200 < c < 400 for c in second), "panel 4: second-line cost is EUR 200-400 million a year")
        waits = [r for r in rows if r["panel"] == "1"]
        check(all(r["p5"] and r["p95"] and float(r["p5"]) <= float(r["mean"]) + 1e-9 <= float(r["p95"]) + 2e-9
                  for r in waits), "panel 1: p5 <= mean <= p95")
        util = [float(r["mean"]) for r in rows if r["series"] == "gp_practice_utilisation:all_practices"]
        check(util and all(0 < u <= 1.0 + 1e-9 for u in util), "panel 2: GP-practice utilisation in (0, 1]")

    # A file without `population` and without the network group (and one replicate): still a dashboard.
    stripped = os.path.join(work, "stripped.nc")
    if os.path.exists(stripped):
        os.remove(stripped)
    with xr.open_dataset(out) as ds:
        ds.isel(replicate=[0]).drop_vars(["population", "population_initial"]).to_netcdf(stripped)
    rows = dashboard([stripped], os.path.join(work, "dashboard-stripped"), "no population, no network, 1 replicate")
    if rows is not None:
        panels = {r["panel"] for r in rows}
        check({"1", "2", "3", "4"} <= panels and "6" not in panels, "stripped file: panels 1-4 in summary.csv, no panel 6")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:5]))
