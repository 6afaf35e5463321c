#!/usr/bin/python3
"""The results file opened as users open it: xarray (netcdf4 engine, and h5netcdf when installed)
and netCDF4, with no glue code. Named dimensions, coordinates, decoded time, selection by name.

Usage: test_results_xarray.py ZORGSIM SCENARIO WORKDIR
"""
import importlib.util
import os
import subprocess
import sys

import netCDF4
import numpy as np
import xarray as xr


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "small-xarray.h5")
    if os.path.exists(out):
        os.remove(out)
    subprocess.run([zorgsim, "run", scenario, "--force", "-o", out, "-q"], check=True)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    engines = ["netcdf4"] + (["h5netcdf"] if importlib.util.find_spec("h5netcdf") else [])
    for engine in engines:
        with xr.open_dataset(out, engine=engine) as ds:
            check(ds["contacts"].dims == ("variant", "replicate", "time", "neighbourhood", "setting"),
                  f"{engine}: contacts has named dimensions")
            check(np.issubdtype(ds["time"].dtype, np.datetime64), f"{engine}: time decodes to dates")
            check(str(ds["time"].values[0])[:10] == "2025-01-01", f"{engine}: time starts on the start date")
            name = str(ds["neighbourhood"].values[0])
            gp = ds["contacts"].sel(setting="gp", neighbourhood=name).isel(variant=0, replicate=0)
            check(gp.dims == ("time",) and int(gp.sum()) > 0, f"{engine}: .sel(setting='gp', neighbourhood='{name}')")
            check("neighbourhood_municipality" in ds.coords, f"{engine}: municipality is a coordinate")
            check(ds["cost_eur"].attrs.get("units") == "EUR", f"{engine}: units kept")
            pop = ds["population"].isel(variant=0, replicate=0).astype("int64").sum(("age_band", "sex"))
            flows = (ds["births"] + ds["immigrants"]).astype("int64") - (ds["deaths"] + ds["emigrants"]).astype("int64")
            flows = flows.isel(variant=0, replicate=0)
            start = int(ds["residents"].isel(variant=0, replicate=0, time=0).sum())
            expected = start + np.cumsum(flows.values)
            check(np.array_equal(pop.values, expected), f"{engine}: population(year) = start + births + in - deaths - out")

    with netCDF4.Dataset(out) as nc:
        check(nc.variables["demand"].dimensions == ("variant", "replicate", "time", "neighbourhood", "setting"),
              "netCDF4: demand has named dimensions")
        check(not any(d.startswith("phony_dim") for d in nc.dimensions), "netCDF4: no phony dimensions")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
