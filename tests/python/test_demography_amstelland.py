#!/usr/bin/python3
"""The built-in Amstelland region under the `mid` projection for ten years: 75+ residents grow
within DOMAIN §1.3's range to 2035 (+35..+55%), and the population by 0.3-1.2% a year (§8.1).

Usage: test_demography_amstelland.py ZORGSIM SCENARIO WORKDIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "amstelland-demography.h5")
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", out, "-q"], check=True)
    with h5py.File(out, "r") as f:
        years = f["year"][:]
        bands = [b.decode() if isinstance(b, bytes) else b for b in f["age_band"][:]]
        old = [bands.index("75-84"), bands.index("85+")]
        start = f["population_initial"][...].astype(np.int64)
        end = f["population"][0, 0, -1].astype(np.int64)
    growth_old = end[old].sum() / start[old].sum() - 1
    growth_year = (end.sum() / start.sum()) ** (1 / len(years)) - 1
    print(f"75+: {start[old].sum()} -> {end[old].sum()} by 1 January {years[-1] + 1} ({100 * growth_old:+.1f}%)")
    print(f"residents: {start.sum()} -> {end.sum()} ({100 * growth_year:.2f}% a year)")
    ok = 0.35 <= growth_old <= 0.55 and 0.003 <= growth_year <= 0.012
    print("0 failed" if ok else "1 failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
