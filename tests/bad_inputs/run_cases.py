#!/usr/bin/env python3
"""Runs the bad-input corpus (tests/bad_inputs/README.md) against a zorgsim binary.

usage: run_cases.py ZORGSIM WORK_DIR [CASE ...]      (no CASE: every case)

A case is a directory with scenario.toml and expected.txt. For a bad case, `zorgsim validate` and
`zorgsim run -o WORK/<case>/out.h5` must both exit 2 with stderr equal to expected.txt (after
normalisation), and the run must leave WORK/<case>/ empty: no results file, no .partial. A case
whose name starts with ok_ must pass `validate` with exit 0, stderr equal to expected.txt and
stdout equal to expected_stdout.txt.

Normalisation: the case's absolute directory becomes <case>, the corpus directory <corpus>.
UPDATE_GOLDEN=1 rewrites the golden files from what validate prints (the exit code and the other
checks still apply); read every changed message before committing it.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
TIMEOUT_S = 30


def normalise(text: str, case: Path) -> str:
    return text.replace(str(case), "<case>").replace(str(CORPUS), "<corpus>")


def zorgsim(exe, args, cwd):
    p = subprocess.run([exe] + args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    return p.returncode, p.stdout, p.stderr


def diff(expected: str, got: str) -> str:
    import difflib
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        "expected.txt", "stderr"))


def check_golden(case: Path, name: str, got: str, what: str, problems: list, update: bool):
    golden = case / name
    if update:
        if not golden.exists() or golden.read_text() != got:
            golden.write_text(got)
            print(f"     updated {case.name}/{name}")
        return
    expected = golden.read_text() if golden.exists() else None
    if expected is None:
        problems.append(f"{name} is missing; run with UPDATE_GOLDEN=1 and review it")
    elif got != expected:
        problems.append(f"{what} differs from {name}:\n{diff(expected, got)}")


def run_case(exe: str, work: Path, case: Path, update: bool) -> list:
    problems = []
    scenario = case / "scenario.toml"
    out_dir = work / case.name
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)

    code, out, err = zorgsim(exe, ["validate", str(scenario)], out_dir)
    err = normalise(err, case)
    if case.name.startswith("ok_"):
        if code != 0:
            problems.append(f"validate exited {code}, expected 0; stderr:\n{err}")
        check_golden(case, "expected.txt", err, "validate stderr", problems, update)
        check_golden(case, "expected_stdout.txt", normalise(out, case), "validate stdout",
                     problems, update)
        return problems

    if code != 2:
        problems.append(f"validate exited {code}, expected 2")
    if out:
        problems.append(f"validate wrote to stdout:\n{out}")
    check_golden(case, "expected.txt", err, "validate stderr", problems, update)

    results = out_dir / "out.h5"
    code, out, run_err = zorgsim(exe, ["run", "-q", str(scenario), "-o", str(results)], out_dir)
    run_err = normalise(run_err, case)
    if code != 2:
        problems.append(f"run exited {code}, expected 2")
    if run_err != err:
        problems.append(f"run stderr differs from validate stderr:\n{diff(err, run_err)}")
    left = sorted(p.name for p in out_dir.iterdir())
    if left:
        problems.append(f"run left files behind in {out_dir}: {', '.join(left)}")
    return problems


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    exe, work = sys.argv[1], Path(sys.argv[2]).resolve()
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    names = sys.argv[3:] or sorted(p.name for p in CORPUS.iterdir()
                                   if p.is_dir() and not p.name.startswith(("_", ".")))
    failed = []
    for name in names:
        case = CORPUS / name
        if not (case / "scenario.toml").is_file():
            print(f"FAIL {name}: no such case ({case}/scenario.toml)")
            failed.append(name)
            continue
        problems = run_case(exe, work, case, update)
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for p in problems:
            print("     " + p.replace("\n", "\n     "))
        if problems:
            failed.append(name)
    print(f"{len(names) - len(failed)} of {len(names)} cases pass"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
