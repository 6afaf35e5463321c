#!/usr/bin/python3
"""`zorgsim calibrate` on the Amstelland baseline: the printed table is consistent (per 180k =
simulated x 180,000 / residents; "inside" agrees with target and tolerance from
calibration_targets.csv; the "N of M" line counts the rows), GP-practice contacts, ED visits and
referrals lie inside their DOMAIN §8.7 tolerance, and --strict exits 4 exactly when a row is outside.

Usage: test_calibration.py ZORGSIM SCENARIO PARAMETER_DIR
"""
import csv
import re
import subprocess
import sys


def number(text):
    return float(text.replace(",", ""))


def main(zorgsim, scenario, parameters):
    targets = {r["indicator"]: r for r in csv.DictReader(
        l for l in open(f"{parameters}/calibration_targets.csv") if not l.startswith("#"))}
    run = subprocess.run([zorgsim, "calibrate", scenario], capture_output=True, text=True)
    print(run.stdout)
    assert run.returncode == 0, f"exit code {run.returncode}: {run.stderr}"
    residents = number(re.search(r"^residents: ([\d,]+)", run.stdout, re.M).group(1))
    rows, shares, not_modelled = {}, {}, set()
    for line in run.stdout.splitlines():
        key = line.split(" ")[0]
        if key not in targets:
            continue
        if "not modelled:" in line:
            not_modelled.add(key)
            continue
        f = line.replace(" (EUR mln)", "").split()
        if targets[key]["unit"] == "share":
            # indicator, simulated %, -, target %, tolerance "±3 pp", inside, (difference pp)
            shares[key] = {"sim": float(f[1].rstrip("%")) / 100, "inside": f[6]}
            continue
        rows[key] = {"sim": number(f[1]), "per": number(f[2]), "target": f[3], "inside": f[5],
                     "eur": "(EUR mln)" in line}
    assert set(rows) | set(shares) | not_modelled == set(targets), "every target has a row"
    failures = 0
    for key, r in shares.items():
        t = targets[key]
        inside = abs(r["sim"] - float(t["target"])) <= float(t["tolerance"]) + 1e-9
        if (r["inside"] == "yes") != inside:
            print(f"FAIL {key}: printed '{r['inside']}' but {r['sim']:.3f} vs {t['target']}")
            failures += 1
    # Residents differ in how often they need care (propensity.csv): the share with a GP-practice
    # need must be near Nivel's 77-78%, not the ~98% that equal Poisson rates would give.
    if not shares or not shares.get("share_with_gp_contact", {}).get("inside") == "yes":
        print(f"FAIL share_with_gp_contact not inside its tolerance: {shares}")
        failures += 1
    for key, r in rows.items():
        t = targets[key]
        scale = 1e6 if r["eur"] else 1.0
        per, sim = r["per"] * scale, r["sim"] * scale
        target, tolerance = float(t["target"]), float(t["tolerance"])
        # Caseloads use the start population, the rest the year's mean; both are within 1%.
        expected_per = sim * 180000 / residents
        if abs(per - expected_per) > 0.01 * expected_per + (0.06e6 if r["eur"] else 1):
            print(f"FAIL {key}: per 180k {per} but simulated x 180000 / residents = {expected_per}")
            failures += 1
        inside = abs(per - target) <= tolerance * target
        # The printed values are rounded; a row right at the edge may round either way.
        at_edge = abs(abs(per - target) - tolerance * target) <= (0.05e6 if r["eur"] else 0.5)
        if (r["inside"] == "yes") != inside and not at_edge:
            print(f"FAIL {key}: printed '{r['inside']}' but {per} vs {target} ±{tolerance:.0%}")
            failures += 1
    for key in ("gp_practice_contacts", "ed_visits", "specialist_referrals"):
        r, t = rows[key], targets[key]
        low = float(t["target"]) * (1 - float(t["tolerance"]))
        high = float(t["target"]) * (1 + float(t["tolerance"]))
        if not low <= r["per"] <= high:
            print(f"FAIL {key}: {r['per']:.0f} per 180k outside {low:.0f}..{high:.0f}")
            failures += 1
        else:
            print(f"ok   {key}: {r['per']:.0f} per 180k within {low:.0f}..{high:.0f}")
    inside = sum(r["inside"] == "yes" for r in list(rows.values()) + list(shares.values()))
    modelled = len(rows) + len(shares)
    m = re.search(r"^(\d+) of (\d+) modelled indicators inside tolerance", run.stdout, re.M)
    if not m or (int(m.group(1)), int(m.group(2))) != (inside, modelled):
        print(f"FAIL summary line: expected {inside} of {modelled}")
        failures += 1
    strict = subprocess.run([zorgsim, "calibrate", "--strict", scenario], capture_output=True)
    expected = 0 if inside == modelled else 4
    if strict.returncode != expected:
        print(f"FAIL --strict exited {strict.returncode}, expected {expected}")
        failures += 1
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
