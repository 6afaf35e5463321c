"""Whether two zorgsim results files hold the same results: the same datasets with the same
dtype, shape, chunking, filters, values and attributes, and the same root attributes, apart from
the attributes that describe the session (times, threads, MPI ranks)."""
import h5py
import numpy as np

SESSION_ATTRIBUTES = {"run_started", "run_finished", "history", "threads", "mpi_ranks"}
# Object references (dimension scales): addresses in the file, not comparable between files; the
# scales themselves are datasets and are compared as such.
REFERENCE_ATTRIBUTES = {"DIMENSION_LIST", "REFERENCE_LIST"}


def datasets(f):
    out = []
    f.visititems(lambda name, obj: out.append(name) if isinstance(obj, h5py.Dataset) else None)
    return sorted(out)


def _attributes_differ(a, b, skip):
    names = {k for k in set(a.attrs) | set(b.attrs) if k not in skip}
    return sorted(k for k in names if k not in a.attrs or k not in b.attrs
                  or not np.array_equal(np.asarray(a.attrs[k]), np.asarray(b.attrs[k])))


def differences(path_a, path_b, session=SESSION_ATTRIBUTES):
    """A list of what differs between the two files (empty when they hold the same results)."""
    out = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        names_a, names_b = datasets(a), datasets(b)
        if names_a != names_b:
            out.append(f"datasets only in one file: {sorted(set(names_a) ^ set(names_b))}")
        for n in sorted(set(names_a) & set(names_b)):
            x, y = a[n], b[n]
            lx = (x.dtype, x.shape, x.chunks, x.compression, x.compression_opts, x.shuffle)
            ly = (y.dtype, y.shape, y.chunks, y.compression, y.compression_opts, y.shuffle)
            if lx != ly:
                out.append(f"{n}: layout {lx} vs {ly}")
            elif not np.array_equal(x[...], y[...]):
                out.append(f"{n}: values differ")
            differ = _attributes_differ(x, y, REFERENCE_ATTRIBUTES)
            if differ:
                out.append(f"{n}: attributes differ: {differ}")
        differ = _attributes_differ(a, b, session)
        if differ:
            out.append(f"root attributes differ: {differ}")
    return out
