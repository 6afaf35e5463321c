#!/usr/bin/python3
"""`zorgsim export OUT.h5 --csv DIR` read back as Excel and Power BI users read it, through pandas:
one tidy CSV per set of dimensions, rows = product of the dimensions, every value equal to the
HDF5 file's (round-trip digits), ISO dates, UTF-8 with BOM, and the same numbers through a reader
set up for a Dutch locale. A hand-made HDF5 file checks quoting, inf/NaN as empty fields, and that
variables the code has never seen are exported.

Usage: test_export_csv.py ZORGSIM SCENARIO WORKDIR
"""
import csv
import datetime
import locale
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "small.h5")
    csv_dir = os.path.join(work, "csv")
    for path in (out, csv_dir):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", out, "-q"], check=True)
    subprocess.run([zorgsim, "export", out, "--csv", csv_dir], check=True)

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    def read(name):
        return read_at(csv_dir, name)

    files = sorted(os.listdir(csv_dir))
    for name in ["neighbourhood_setting.csv", "provider.csv", "neighbourhood_need.csv",
                 "neighbourhood.csv", "year.csv", "year_age_band_sex.csv", "year_condition.csv",
                 "network_neighbourhood_provider_type.csv", "network_provider.csv"]:
        check(name in files, f"{name} written")
    check(not any(f.endswith(".partial") for f in files), "no .partial file left behind")

    with h5py.File(out, "r") as f:
        coordinates = set()
        f.visititems(lambda _, o: coordinates.update(str(o.attrs.get("coordinates", "")).split()))
        start = datetime.date.fromisoformat(f["time"].attrs["units"].split("since ")[1][:10])
        dates = [start + datetime.timedelta(days=int(d)) for d in f["time"][:]]
        for name in files:
            with open(os.path.join(csv_dir, name), "rb") as raw:
                body = raw.read()
            check(body.startswith(b"\xef\xbb\xbf"), f"{name} starts with the UTF-8 BOM")
            table = read(name)
            groups = [g for g in f if isinstance(f[g], h5py.Group) and name.startswith(g + "_")]
            group = groups[0] + "/" if groups else ""
            variables = [c for c in table.columns if group + c in f and f[group + c].ndim > 0
                         and "CLASS" not in f[group + c].attrs and c not in coordinates]
            check(len(variables) > 0, f"{name} holds variables ({', '.join(variables)})")
            for v in variables:
                ds = f[group + v]
                check(len(table) == ds.size,
                      f"{name}: {len(table)} rows = product of {v}'s dimensions {ds.shape}")
                dims = [ds.dims[i][0].name.lstrip("/") for i in range(ds.ndim)]
                expected_columns = ["date" if d == "time" else d for d in dims]
                check(all(c in table.columns for c in expected_columns),
                      f"{name}: a column per dimension of {v}")
                h5 = ds[...].ravel().astype(np.float64)
                got = table[v].to_numpy(dtype=np.float64)
                finite = np.isfinite(h5)
                check(np.array_equal(got[finite], h5[finite]) and np.isnan(got[~finite]).all(),
                      f"{name}: {v} equals the HDF5 values exactly, in order (inf -> empty)")
            if "date" in table.columns:
                parsed = pd.to_datetime(table["date"], format="%Y-%m-%d")
                check(sorted(set(parsed.dt.date)) == dates, f"{name}: ISO dates = start + time")

        ns = read("neighbourhood_setting.csv")
        check(list(ns.columns) == ["variant", "replicate", "date", "neighbourhood",
                                   "neighbourhood_code", "municipality", "setting", "demand",
                                   "contacts", "escalated", "unmet", "cost_eur", "wait_weeks_sum"],
              "neighbourhood_setting.csv has the documented columns")
        check(ns["contacts"].sum() == f["contacts"][...].astype(np.int64).sum(),
              f"sum of contacts {ns['contacts'].sum()} = the HDF5 sum")
        check(np.isclose(ns["cost_eur"].sum(), f["cost_eur"][...].sum(), rtol=1e-12, atol=0),
              f"sum of cost_eur {ns['cost_eur'].sum():.2f} = the HDF5 sum")
        check(sorted(ns["replicate"].unique()) == [0, 1], "both replicates exported")
        check(set(ns["neighbourhood"]) == set(text(f["neighbourhood"][:])), "neighbourhood names")
        check(set(ns["municipality"]) == set(text(f["neighbourhood_municipality"][:])),
              "municipality labels")
        check(read("provider.csv").columns[:6].tolist() ==
              ["variant", "replicate", "date", "provider", "provider_code", "provider_kind"],
              "provider.csv starts with variant, replicate, date, provider, code, kind")
        access = read("network_neighbourhood_provider_type.csv")
        check(access["access_min"].isna().sum() == np.isinf(f["network/access_min"][...]).sum(),
              "network access: inf written as empty")

    # A reader set up for the Netherlands (decimal comma in the locale) is told the file's format.
    try:
        used = locale.setlocale(locale.LC_ALL, "nl_NL.UTF-8")
    except locale.Error:
        used = locale.setlocale(locale.LC_ALL, "")
    english = read("neighbourhood_setting.csv")
    dutch = pd.read_csv(os.path.join(csv_dir, "neighbourhood_setting.csv"), sep=",", decimal=".",
                        encoding="utf-8-sig")
    check(list(dutch.columns) == list(english.columns) and len(dutch) == len(english),
          f"sep=',' decimal='.' under locale {used}: the same columns and rows")
    for column in ["contacts", "cost_eur", "wait_weeks_sum"]:
        check(np.allclose(dutch[column], english[column], rtol=1e-15, atol=0),
              f"sep=',' decimal='.' under locale {used}: the same {column}")
    with open(os.path.join(csv_dir, "provider.csv"), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    util = rows[0].index("utilisation")
    check(all(len(r) == len(rows[0]) for r in rows), "csv module: every row has every column")
    check(np.allclose([float(r[util]) for r in rows[1:]], read("provider.csv")["utilisation"],
                      rtol=0, atol=0), "csv module + float(): the same utilisation values")
    locale.setlocale(locale.LC_ALL, "C")

    # --variables limits the export; an unknown name is invalid input (exit 2).
    only = os.path.join(work, "only")
    shutil.rmtree(only, ignore_errors=True)
    subprocess.run([zorgsim, "export", out, "--csv", only, "--variables", "contacts,access_min"],
                   check=True, stdout=subprocess.DEVNULL)
    check(sorted(os.listdir(only)) == ["neighbourhood_setting.csv",
                                       "network_neighbourhood_provider_type.csv"],
          "--variables contacts,access_min: two files")
    check(read_at(only, "neighbourhood_setting.csv").columns[-1] == "contacts",
          "--variables: only the chosen variable as a column")
    rc = subprocess.run([zorgsim, "export", out, "--csv", only, "--variables", "contcts"],
                        capture_output=True, text=True)
    check(rc.returncode == 2 and "contcts" in rc.stderr, "--variables with an unknown name: exit 2")

    # A file with names that need quoting, inf and NaN, and variables zorgsim does not write.
    odd = os.path.join(work, "odd.h5")
    names = ['Ährenveld, Noord', 'de "Kern"', 'Line\nbreak', 'plain']
    with h5py.File(odd, "w", track_order=True) as f:
        place = f.create_dataset("place", data=names, dtype=h5py.string_dtype())
        place.make_scale("place")
        t = f.create_dataset("time", data=np.array([0.0, 7.0, 366.0]))
        t.attrs["units"] = "days since 2023-12-31"
        t.make_scale("time")
        score = f.create_dataset("score", data=np.array([[0.1, np.inf, -np.inf, np.nan],
                                                         [1e300, 5e-324, -0.0, 2.0 / 3.0],
                                                         [1.0, 2.0, 3.0, 4.0]]))
        count = f.create_dataset("count", data=np.arange(12, dtype=np.int64).reshape(3, 4) - 6)
        for ds in (score, count):
            ds.dims[0].attach_scale(t)
            ds.dims[1].attach_scale(place)
        extra = f.create_group("extra").create_dataset("note", data=["a,b", "", "x", "y"],
                                                       dtype=h5py.string_dtype())
        extra.dims[0].attach_scale(place)
        # More values than the export reads at once (2^20): written a block of (run) at a time.
        run = f.create_dataset("run", data=np.array([10, 20, 30], dtype=np.int32))
        run.make_scale("run")
        big = f.create_group("blocks").create_dataset(
            "big", data=(np.arange(3 * 400 * 1000) % 251).astype(np.uint8).reshape(3, 400, 1000))
        big.dims[0].attach_scale(run)  # axes 1 and 2 have no scale: written as their index
    odd_dir = os.path.join(work, "odd")
    shutil.rmtree(odd_dir, ignore_errors=True)
    subprocess.run([zorgsim, "export", odd, "--csv", odd_dir], check=True, stdout=subprocess.DEVNULL)
    check(sorted(os.listdir(odd_dir)) == ["blocks_run_axis1_axis2.csv", "extra_place.csv", "place.csv"],
          "unknown variables grouped by their dimensions: place.csv, extra_place.csv, ...")
    big = read_at(odd_dir, "blocks_run_axis1_axis2.csv")
    check(len(big) == 1_200_000 and list(big.columns) == ["run", "axis1", "axis2", "big"],
          "a variable larger than one block: every row, axes without a scale as axis1, axis2")
    check(np.array_equal(big["big"].to_numpy(), np.arange(1_200_000) % 251)
          and np.array_equal(big["run"].to_numpy(), np.repeat([10, 20, 30], 400_000))
          and np.array_equal(big["axis2"].to_numpy(), np.tile(np.arange(1000), 1200)),
          "a variable larger than one block: values and coordinates in order")
    table = read_at(odd_dir, "place.csv")
    check(list(table.columns) == ["date", "place", "score", "count"], "columns date, place, score, count")
    check(table["place"].tolist()[:4] == names, "names with comma, quote and line break round-trip")
    check(table["date"].tolist()[::4] == ["2023-12-31", "2024-01-07", "2024-12-31"],
          "dates across a year end and a leap day")
    with h5py.File(odd, "r") as f:
        h5 = f["score"][...].ravel()
    got = table["score"].to_numpy()
    check(np.array_equal(got[np.isfinite(h5)], h5[np.isfinite(h5)]),
          "doubles round-trip exactly (1e300, 5e-324, 2/3)")
    check(np.isnan(got[~np.isfinite(h5)]).all(), "inf, -inf and NaN written as empty")
    check(table["count"].tolist() == list(range(-6, 6)), "signed integers")
    check(read_at(odd_dir, "extra_place.csv")["note"].fillna("").tolist() == ["a,b", "", "x", "y"],
          "string variables quoted where needed")

    # A file that is not HDF5: exit 2, nothing written.
    bogus = os.path.join(work, "bogus.h5")
    with open(bogus, "w") as fh:
        fh.write("not hdf5\n")
    rc = subprocess.run([zorgsim, "export", bogus, "--csv", os.path.join(work, "bogus")],
                        capture_output=True, text=True)
    check(rc.returncode == 2 and not os.path.exists(os.path.join(work, "bogus")),
          "a non-HDF5 input: exit 2, no directory created")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


def read_at(directory, name):
    """What the export promises: UTF-8 with BOM, only empty fields missing, round-trip numbers."""
    return pd.read_csv(os.path.join(directory, name), encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""], float_precision="round_trip")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
