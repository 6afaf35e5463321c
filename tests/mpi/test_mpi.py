#!/usr/bin/python3
"""zorgsim under MPI: `mpirun -np N zorgsim run` writes the very file the serial build writes
(np 1, 2, 3 oversubscribed, and the MPI binary started alone; with and without gzip), and
faults end every rank with one message: an input error exits 2, a rank failing mid-run leaves
only OUT.h5.partial which --resume completes (at another rank count), and Ctrl-C ends all ranks
within seconds keeping the complete units.

Usage: test_mpi.py --mpirun MPIRUN --zorgsim MPI_BINARY --serial SERIAL_BINARY --scenario TOML --work DIR
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from same_results import differences  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    for name in ("mpirun", "zorgsim", "serial", "scenario", "work"):
        ap.add_argument("--" + name, required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    w = lambda name: os.path.join(a.work, name)  # noqa: E731
    # As root (CI containers) OpenMPI refuses to start without these two.
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")

    def mpirun(np_, *args, **kw):
        return subprocess.run([a.mpirun, "-np", str(np_), a.zorgsim, *args], env=env,
                              capture_output=True, text=True, **kw)

    gzip = w("gzip.toml")
    with open(gzip, "w") as f:
        # Six years: 313 weekly steps, so the last year-block holds one step.
        f.write(f'extends = "{os.path.abspath(a.scenario)}"\n[time]\nyears = 6\n[output]\ncompression = 4\n')

    for scenario, label in ((a.scenario, "plain"), (gzip, "gzip")):
        serial = w(f"serial-{label}.h5")
        subprocess.run([a.serial, "run", scenario, "-q", "-o", serial], check=True)
        runs = [(n, mpirun(n, "run", scenario, "-q", "--threads", "1", "-o", w(f"np{n}-{label}.h5")))
                for n in (1, 2, 3)]
        runs.append((0, subprocess.run([a.zorgsim, "run", scenario, "-q", "-o", w(f"alone-{label}.h5")],
                                       env=env, capture_output=True, text=True)))
        for n, r in runs:
            name = f"np {n}" if n else "the MPI binary without mpirun"
            out = w(f"np{n}-{label}.h5") if n else w(f"alone-{label}.h5")
            check(r.returncode == 0, f"{label}: {name} exits 0 (got {r.returncode}) {r.stderr[-400:]}")
            if r.returncode != 0:
                continue
            differ = differences(serial, out)
            check(not differ, f"{label}: {name} writes the serial build's results (differ: {differ})")
            with h5py.File(out, "r") as f:
                check(int(f.attrs["mpi_ranks"]) == max(n, 1), f"{label}: {name}: mpi_ranks = {max(n, 1)}")
                if label == "gzip":
                    check(f["contacts"].compression == "gzip", f"{label}: {name}: datasets are compressed")
        check(sum(r.stdout.count("results:") for _, r in runs[:3]) == 3,
              f"{label}: one 'results:' line per mpirun, not one per rank")

    # An input error: exit 2, the message once, nothing written.
    bad = w("bad.toml")
    with open(bad, "w") as f:
        f.write('title = "bad"\n[region]\nbuiltin = "amstelland"\n[time]\nyears = -1\n')
    r = mpirun(2, "run", bad, "-o", w("bad.h5"))
    check(r.returncode == 2, f"an input error at np 2 exits 2 (got {r.returncode})")
    check(r.stderr.count("time.years: -1 is out of range") == 1,
          f"... and the message is printed once, not once per rank:\n{r.stderr[:600]}")
    check(not any(n.startswith("bad.h5") for n in os.listdir(a.work)), "... and nothing is written")

    # A rank failing mid-run: no results file, the partial file with the complete units; --resume at
    # another rank count completes it.
    failed = w("failed.h5")
    r = mpirun(2, "run", a.scenario, "-q", "--threads", "1", "-o", failed, "--fail-after-units", "1")
    check(r.returncode == 1, f"a rank failing mid-run ends the run with its exit code 1 (got {r.returncode})")
    check(r.stderr.count("failure injected by --fail-after-units") == 1, "... and says why once")
    check(not os.path.exists(failed) and os.path.exists(failed + ".partial"),
          "... leaving no results file, only the partial one")
    with h5py.File(failed + ".partial", "r") as f:
        done = int(f["unit_complete"][...].sum())
    check(0 < done < 4, f"... which holds some complete units ({done} of 4)")
    r = mpirun(3, "run", a.scenario, "-q", "--threads", "1", "-o", failed, "--resume")
    check(r.returncode == 0, f"--resume at np 3 completes it (exit {r.returncode}) {r.stderr[-400:]}")
    if r.returncode == 0:
        differ = differences(w("serial-plain.h5"), failed)
        check(not differ, f"... into the serial build's results (differ: {differ})")

    # A partial file started without MPI holds storage only for the units written: resuming it under
    # mpirun is refused (exit 2, the file left as it is); without mpirun it completes.
    serial_partial = w("serial-partial.h5")
    r = subprocess.run([a.serial, "run", a.scenario, "-q", "-o", serial_partial, "--stop-after-units", "2"],
                       capture_output=True, text=True)
    check(r.returncode == 130 and os.path.exists(serial_partial + ".partial"),
          f"a serial run stopped after 2 units keeps its partial file (exit {r.returncode})")
    before = open(serial_partial + ".partial", "rb").read()
    r = mpirun(2, "run", a.scenario, "-q", "--threads", "1", "-o", serial_partial, "--resume")
    check(r.returncode == 2 and r.stderr.count("started without MPI") == 1,
          f"resuming it at np 2 is refused with one message (exit {r.returncode}) {r.stderr[-300:]}")
    check(open(serial_partial + ".partial", "rb").read() == before, "... and the partial file is left as it was")
    r = subprocess.run([a.zorgsim, "run", a.scenario, "-q", "-o", serial_partial, "--resume"], env=env,
                       capture_output=True, text=True)
    check(r.returncode == 0 and not differences(w("serial-plain.h5"), serial_partial),
          f"resuming it with the MPI binary without mpirun completes it (exit {r.returncode})")

    # Ctrl-C: mpirun receives SIGINT and sends the ranks SIGTERM; a scheduler (srun, scancel) signals
    # the ranks themselves. Both end every rank within seconds; the units complete so far stay.
    for target in ("mpirun", "ranks"):
        out = w(f"stopped-{target}.h5")
        p = subprocess.Popen([a.mpirun, "-np", "2", a.zorgsim, "run", a.scenario, "-q", "--threads", "1",
                              "--replicates", "12", "-o", out], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None:
            if os.path.exists(out + ".partial"):
                try:
                    with h5py.File(out + ".partial", "r") as f:
                        if f["unit_complete"][...].sum() >= 2:
                            break
                except (OSError, KeyError):
                    pass
            time.sleep(0.2)
        if p.poll() is not None:
            check(False, f"Ctrl-C ({target}): the run ended before it could be interrupted")
            continue
        t0 = time.time()
        if target == "mpirun":
            p.send_signal(signal.SIGINT)
        else:
            for pid in children(p.pid):
                os.kill(pid, signal.SIGINT)
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        took = time.time() - t0
        check(took < 5, f"Ctrl-C ({target}): every rank ends within 5 s (took {took:.1f} s)")
        check("errorcode 130" in err or p.returncode == 130,
              f"Ctrl-C ({target}): the ranks end with exit code 130:\n{err[-1500:]}")
        if target == "ranks":
            check(p.returncode == 130, f"Ctrl-C (ranks): mpirun exits 130 (got {p.returncode})")
        else:
            # OpenMPI's mpirun sets its own status (1) as soon as it is interrupted.
            check(p.returncode != 0, f"Ctrl-C (mpirun): mpirun exits non-zero (got {p.returncode})")
        check(not os.path.exists(out) and os.path.exists(out + ".partial"),
              f"Ctrl-C ({target}): no results file; the partial file with complete units stays")
        check(err.count("--resume` continues the run") == 1,
              f"Ctrl-C ({target}): one message says how many units are complete and how to continue")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


def children(pid):
    """The rank processes: zorgsim processes whose parent is mpirun."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/comm") as f:
                    comm = f.read().strip()
            except OSError:
                continue
            if int(fields[1]) == pid and comm == "zorgsim":
                out.append(int(entry))
    return out


if __name__ == "__main__":
    sys.exit(main())
