#!/usr/bin/python3
"""scenarios/README.md shows the current values of every parameter file in a table. This check
fails when a table and its CSV disagree: the value cells (in CSV column order, leaving out
`source`) and the last cell (the CSV's source text) must match row by row.

Usage: check_parameter_tables.py REPO_ROOT [--fix]    (--fix rewrites the tables from the CSVs)
"""
import csv
import os
import re
import sys

TABLES = ["needs.csv", "pathways.csv", "capacity.csv", "prevalence.csv", "demography.csv", "projection.csv",
          "funding.csv", "calibration_targets.csv", "propensity.csv", "standard_population.csv"]


def read_csv(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    return rows[0], rows[1:]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def same(a, b):
    a, b = a.strip("`"), b.strip("`")
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def main(root, fix):
    readme_path = os.path.join(root, "scenarios", "README.md")
    lines = open(readme_path).read().split("\n")
    failures = 0
    for name in TABLES:
        before = failures
        header, rows = read_csv(os.path.join(root, "scenarios", "parameters", name))
        values = [i for i, h in enumerate(header) if h != "source"]
        source = header.index("source")
        # The table follows the section heading that names the file and a "Current values" line.
        heading = next(i for i, l in enumerate(lines) if l.startswith("### ") and f"`{name}`" in l)
        start = next(i for i in range(heading, len(lines)) if lines[i].startswith("Current values"))
        first = next(i for i in range(start, len(lines)) if lines[i].startswith("|")) + 2
        last = first
        while last < len(lines) and lines[last].startswith("|"):
            last += 1
        table = [cells(l) for l in lines[first:last]]
        if len(table) != len(rows):
            print(f"FAIL {name}: README has {len(table)} rows, the CSV {len(rows)}")
            failures += 1
        for k, (t, r) in enumerate(zip(table, rows)):
            ok = all(same(t[j], r[i]) for j, i in enumerate(values)) and t[-1] == r[source]
            if not ok:
                print(f"FAIL {name} row {k + 1}: README {t[:len(values)]} / {t[-1]!r}\n"
                      f"                 CSV    {[r[i] for i in values]} / {r[source]!r}")
                failures += 1
            if fix:
                for j, i in enumerate(values):
                    t[j] = f"`{r[i]}`" if t[j].startswith("`") else r[i]
                t[-1] = r[source]
                lines[first + k] = "| " + " | ".join(t) + " |"
        if failures == before:
            print(f"ok   {name}: {len(rows)} rows checked")
    if fix:
        open(readme_path, "w").write("\n".join(lines))
    print(f"{0 if fix else failures} failed")
    return 0 if fix or failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--fix" in sys.argv))
