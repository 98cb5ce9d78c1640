"""Batch speed of this checkout against an earlier commit, each on its own rulebook.

    python bench/before_after.py COMMIT [--mb 3] [--rounds 3]

Issue 15 asks that rule work does not slow the batch. This builds COMMIT's
package in a venv of its own (bench/envs.py, cached under bench/.envs/),
generates a corpus (bench/generate.py, deterministic, never committed), warms
both builds up on it (compile, cache), then runs ``htscreen batch --jobs 1``
with each in turn, alternating, and compares CPU time (user + system of the
child), which drifts less than wall time on a shared machine. Prints each
round's seconds and the ratio old / new (above 1: this checkout is faster),
and whether the two outputs give the same level for every note.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from envs import previous_engine  # noqa: E402
from generate import generate  # noqa: E402


def cpu_seconds(cmd: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds that ``cmd`` used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def levels(path: Path) -> list[str]:
    """The level of each output record, in order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line).get("level", "error") for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("commit")
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    python, old_rules = previous_engine(args.commit)
    work = Path(tempfile.mkdtemp(prefix="htscreen-before-after-"))
    jsonl, _ = generate(work / "corpus", args.mb)
    builds = {
        "old": ([str(python.parent / "htscreen")], old_rules, work / "cache-old"),
        "new": ([sys.executable, "-m", "screen"], HERE.parent / "indicators.yaml", work / "cache"),
    }

    def run(name: str) -> float:
        exe, rules, cache = builds[name]
        env = {**os.environ, "HTSCREEN_CACHE": str(cache)}
        out = work / f"out-{name}.jsonl"
        cmd = [*exe, "batch", str(jsonl), "-f", "jsonl", "--jobs", "1", "--rules", str(rules)]
        return cpu_seconds([*cmd, "-o", str(out)], env)

    for name in builds:
        print(f"warm-up {name}: {run(name):.1f} s", flush=True)
    for round_ in range(1, args.rounds + 1):
        old, new = run("old"), run("new")
        print(f"round {round_}: old {old:.2f} s, new {new:.2f} s, old/new {old / new:.2f}")
    old_levels, new_levels = levels(work / "out-old.jsonl"), levels(work / "out-new.jsonl")
    changed = sum(a != b for a, b in zip(old_levels, new_levels, strict=True))
    print(f"{len(new_levels)} notes; levels that differ between the two builds: {changed}")


if __name__ == "__main__":
    main()
