#!/usr/bin/python3
"""`zorgsim compare A.h5 B.h5 --csv OUT` checked against a hand computation in numpy from the same
files: person-years from the yearly populations, events per age band pooled over replicates,
crude rates and rates directly standardised to parameters/standard_population.csv. Amstelland
(older) and Amsterdam (younger) must move apart from crude to standardised in the expected way.

Usage: test_compare.py ZORGSIM SMALL_SCENARIO STANDARD_CSV WORKDIR
"""
import csv
import os
import subprocess
import sys

import h5py
import numpy as np

BANDS = ["0-14", "15-44", "45-64", "65-74", "75-84", "85+"]


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def standard_shares(path):
    shares = {}
    with open(path) as f:
        rows = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(rows):
        shares[row["age_band"]] = float(row["share"])
    w = np.array([shares[b] for b in BANDS])
    return w / w.sum()


def hand_rates(path, w):
    """{(column, indicator): (crude, standardised)} computed directly from the file."""
    out = {}
    with h5py.File(path, "r") as f:
        region = f.attrs["region"]
        region = region.decode() if isinstance(region, bytes) else str(region)
        settings = text(f["setting"][...])
        needs = text(f["need"][...])
        pop = f["population"][...].astype(float)  # variant, replicate, year, band, sex
        initial = f["population_initial"][...].astype(float)  # band, sex
        for v, label in enumerate(text(f["variant"][...])):
            years = np.zeros(len(BANDS))
            for r in range(pop.shape[1]):
                for y in range(pop.shape[2]):
                    start = initial if y == 0 else pop[v, r, y - 1]
                    years += ((start + pop[v, r, y]) / 2).sum(axis=1)

            def by_band(name):
                return f[name][v].astype(float).sum(axis=(0, 1))  # -> [item, band]

            contacts = by_band("contacts_by_age_band")
            s = {name: contacts[settings.index(name)] for name in settings}
            events = {
                "GP practice contacts (gp, poh_s, poh_ggz)": (s["gp"] + s["poh_s"] + s["poh_ggz"], years, 1000),
                "out-of-hours GP contacts": (s["out_of_hours_gp"], years, 1000),
                "referrals to a specialist (specialist_referral needs)": (
                    by_band("demand_by_age_band")[needs.index("specialist_referral")], years, 1000),
                "outpatient contacts": (s["hospital_outpatient"], years, 1000),
                "emergency department visits": (s["emergency_department"], years, 1000),
                "hospital admissions": (s["hospital_admission"], years, 1000),
                "spend on contacts (tariffs)": (by_band("cost_by_age_band_eur").sum(axis=0), years, 1),
                "unmet needs": (by_band("unmet_by_age_band").sum(axis=0), years, 1000),
                "mean wait of contacts served": (
                    by_band("wait_weeks_sum_by_age_band").sum(axis=0), contacts.sum(axis=0), 1),
            }
            for name, (e, d, per) in events.items():
                crude = e.sum() / d.sum() * per
                rate = np.divide(e, d, out=np.zeros_like(e), where=d > 0)
                out[(f"{region}: {label}", name)] = (crude, float((w * rate).sum() * per))
    return out


def main(zorgsim, small, standard, work):
    os.makedirs(work, exist_ok=True)
    amsterdam_toml = os.path.join(work, "amsterdam.toml")
    with open(amsterdam_toml, "w") as f:
        f.write('title = "compare: Amsterdam, one year"\n[region]\nbuiltin = "amsterdam"\n'
                "[time]\nstart = 2025-01-01\nyears = 1\n[run]\nseed = 7\n")
    a = os.path.join(work, "amstelland.h5")
    b = os.path.join(work, "amsterdam.h5")
    table = os.path.join(work, "compare.csv")
    subprocess.run([zorgsim, "run", small, "--force", "-o", a, "-q"], check=True)
    subprocess.run([zorgsim, "run", amsterdam_toml, "--force", "-o", b, "-q"], check=True)
    printed = subprocess.run([zorgsim, "compare", a, b, "--standard", standard, "--csv", table],
                             check=True, capture_output=True, text=True).stdout
    print(printed)

    w = standard_shares(standard)
    expected = {**hand_rates(a, w), **hand_rates(b, w)}
    failures = []
    with open(table) as f:
        rows = list(csv.DictReader(f))
    seen = set()
    for row in rows:
        key = (row["column"], row["indicator"])
        seen.add(key)
        if key not in expected:
            failures.append(f"unexpected row {key}")
            continue
        crude, std = expected[key]
        for got, want, what in ((float(row["crude"]), crude, "crude"),
                                (float(row["standardised"]), std, "standardised")):
            if not np.isclose(got, want, rtol=1e-9, atol=1e-9):
                failures.append(f"{key} {what}: zorgsim {got}, by hand {want}")
    missing = set(expected) - seen
    if missing:
        failures.append(f"rows missing from the CSV: {sorted(missing)}")
    if len(expected) != 3 * 9:
        failures.append(f"expected 3 columns x 9 indicators, got {len(expected)}")

    # Amstelland is older than the standard and Amsterdam younger: for GP contacts, which rise
    # with age, standardising lowers Amstelland's rate and raises Amsterdam's.
    gp = "GP practice contacts (gp, poh_s, poh_ggz)"
    ams = [v for k, v in expected.items() if k[1] == gp and k[0].startswith("amstelland")][0]
    adam = [v for k, v in expected.items() if k[1] == gp and k[0].startswith("amsterdam")][0]
    if not ams[1] < ams[0]:
        failures.append(f"Amstelland GP contacts: standardised {ams[1]} not below crude {ams[0]}")
    if not adam[1] > adam[0]:
        failures.append(f"Amsterdam GP contacts: standardised {adam[1]} not above crude {adam[0]}")
    for line in failures:
        print("FAIL", line)
    print(f"{len(rows)} rows checked against the hand computation; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
