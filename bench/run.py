"""Benchmark htscreen against its previous engine, the spaCy peer, grep and the I/O floor.

    python bench/run.py                    # 10 MB and 50 MB corpora
    python bench/run.py --sizes 10,100,1000
    python bench/run.py --sizes 1000 --skip prev,peer,grep,pair,naive,startup  # memory at 1 GB

In the same run, on the same corpus, one after the other: htscreen ``--jobs 1``
and ``--jobs 2``; the previous engine (commit d377874, the last before matching
engine v4) installed in a venv of its own (bench/envs.py) and run with its own
Python, on the rulebook it shipped (today's rulebook does not validate there: it
uses keys that engine did not know), plus today's engine on that same old
rulebook file, so the engines are also compared on one rulebook; the spaCy +
negspacy peer (bench/peer.py, in its own venv); grep on the exported
expressions; and the Python I/O floor (bench/bound.py) on that corpus. Every
input is streamed; nothing holds a corpus in memory.

Corpora are generated deterministically into a temporary folder (never
committed). Prints MB/s, notes/s, peak memory and the ratios, and writes
bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bound import engine_bounds, io_floor  # noqa: E402
from envs import PREVIOUS, peer_python, previous_engine  # noqa: E402
from generate import generate  # noqa: E402

SKIPPABLE = ("prev", "peer", "grep", "pair", "naive", "startup", "bounds")

EXE = [sys.executable, "-m", "screen"]


def timed(
    cmd: list[str], env: dict[str, str] | None = None, stdout: int | None = subprocess.DEVNULL
) -> tuple[float, int]:
    """Run ``cmd``; return (seconds, peak RSS in MB of it and its children)."""
    wrapper = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    done = subprocess.run(
        wrapper + cmd, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1, 4):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    peak = 0
    if wrapper:
        last = done.stderr.strip().splitlines()[-1]
        peak = int(last) // 1024 if last.isdigit() else 0
    return seconds, peak


def pair_seconds(cmds: list[list[str]], env: dict[str, str]) -> float:
    """Wall time of running ``cmds`` side by side (independent processes)."""
    start = time.perf_counter()
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for cmd in cmds
    ]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def naive_loop(path: Path, patterns: list[str], limit: int) -> float:
    """MB/s of the loop a user would write: every pattern, re.search, on every note."""
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    size = 0
    start = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            size += len(line.encode("utf-8"))
            for pattern in compiled:
                pattern.search(text)
            if size >= limit:
                break
    return size / (time.perf_counter() - start) / 1e6


def startup(env: dict[str, str], answers: Path) -> dict[str, float]:
    """Median wall times of start-up commands over several runs, in ms."""
    checks = {
        "help": [*EXE, "--help"],
        "rules validate (fresh)": [*EXE, "rules", "validate"],
        "interview --answers": [
            *EXE,
            "interview",
            "--offence",
            "labour_dispute",
            "--answers",
            str(answers),
        ],
    }
    result = {}
    for name, cmd in checks.items():
        runs = [timed(cmd, env)[0] for _ in range(5)]
        result[name] = round(statistics.median(runs) * 1000)
    first = first_question_ms(env)
    if first is not None:
        result["interview: start to first question, in a terminal"] = first
    cached = [*EXE, "rules", "list", "--format", "json"]
    result["load cached rulebook (rules list)"] = round(
        statistics.median(timed(cached, env)[0] for _ in range(5)) * 1000
    )
    return result


def first_question_ms(env: dict[str, str], runs: int = 7) -> float | None:
    """Median ms from starting an interview in a pseudo-terminal to its first question."""
    try:
        import pexpect
    except ImportError:
        return None
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            args = [
                *EXE[1:],
                "interview",
                "--offence",
                "labour_dispute",
                "--plain",
                "--case-ref",
                "B",
                "--save",
                str(Path(folder) / f"s{run}.json"),
            ]
            start = time.perf_counter()
            child = pexpect.spawn(
                EXE[0],
                args,
                env={**env, "TERM": "xterm"},
                timeout=30,
                encoding="utf-8",
                dimensions=(40, 100),
            )
            child.expect("danger")
            times.append((time.perf_counter() - start) * 1000)
            child.terminate(force=True)
    return round(statistics.median(times))


def same_bytes(first: Path, second: Path, block: int = 1 << 20) -> bool:
    """Whether two files hold the same bytes (compared block by block, never whole)."""
    with first.open("rb") as one, second.open("rb") as two:
        while True:
            a, b = one.read(block), two.read(block)
            if a != b:
                return False
            if not a:
                return True


def prepare_others(work: Path, env: dict[str, str], skip: set[str]) -> dict[str, object]:
    """Build (once) and warm up the previous engine and the peer; say which rulebook is used."""
    others: dict[str, object] = {}
    if "prev" not in skip:
        python, shipped = previous_engine()
        # Its console script, not ``python -m screen``: run from this checkout, that
        # would import today's package from the current folder.
        prev_exe = [str(python.parent / "htscreen")]
        prev_env = {**env, "HTSCREEN_CACHE": str(work / "cache-prev")}
        today = HERE.parent / "indicators.yaml"
        check = subprocess.run(
            [*prev_exe, "rules", "validate", str(today)],
            env=prev_env,
            capture_output=True,
            text=True,
            check=False,
        )
        same = check.returncode == 0
        rulebook = today if same else shipped
        others["prev"] = (prev_exe, prev_env, rulebook)
        others["prev_rulebook_note"] = (
            "today's indicators.yaml (it validates there)"
            if same
            else f"its own shipped indicators.yaml (today's does not validate there: "
            f"{check.stderr.strip().splitlines()[-1][:160] if check.stderr.strip() else ''})"
        )
        warmup = ["batch", str(HERE / "warmup.jsonl"), "-f", "jsonl", "--rules", str(rulebook)]
        for cmd, run_env in ((prev_exe, prev_env), (EXE, env)):
            subprocess.run(  # compile and cache both engines' data for that rulebook
                [*cmd, *warmup],
                env=run_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
    if "peer" not in skip:
        others["peer"] = peer_python()
    return others


def measure_others(
    others: dict[str, object], jsonl: Path, megabytes: float, work: Path, jobs1: float
) -> dict[str, object]:
    """MB/s of the previous engine and of the peer on ``jsonl``, and htscreen's ratios to them."""
    row: dict[str, object] = {}
    if "prev" in others:
        cmd, prev_env, rulebook = others["prev"]  # type: ignore[misc]
        args = ["batch", str(jsonl), "-f", "jsonl", "--jobs", "1", "--rules", str(rulebook)]
        seconds, peak = timed([*cmd, *args, "-o", str(work / "out-prev.jsonl")], prev_env)
        row["prev_engine_mb_s"] = round(megabytes / seconds, 2)
        row["prev_engine_peak_mb"] = peak
        row["jobs1_over_prev_engine"] = round(jobs1 / row["prev_engine_mb_s"], 2)
        # Today's engine on the very same (old) rulebook file: the engines alone compared.
        env = {**os.environ, "HTSCREEN_CACHE": str(work / "cache")}
        seconds, _ = timed([*EXE, *args, "-o", str(work / "out-same-rulebook.jsonl")], env)
        row["jobs1_on_prev_rulebook_mb_s"] = round(megabytes / seconds, 2)
        row["same_rulebook_over_prev_engine"] = round(
            float(row["jobs1_on_prev_rulebook_mb_s"]) / float(row["prev_engine_mb_s"]), 2
        )
    if "peer" in others:
        peer = str(others["peer"])
        seconds, peak = timed([peer, str(HERE / "peer.py"), str(jsonl), str(work / "peer.jsonl")])
        row["peer_mb_s"] = round(megabytes / seconds, 2)
        row["peer_peak_mb"] = peak
        row["jobs1_over_peer"] = round(jobs1 / row["peer_mb_s"], 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,50", help="corpus sizes in MB")
    parser.add_argument("--keep", type=Path, help="keep corpora in this folder")
    parser.add_argument("--skip", default="", help=f"leave out some of: {','.join(SKIPPABLE)}")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = args.keep or Path(tempfile.mkdtemp(prefix="htscreen-bench-"))
    env = {**os.environ, "HTSCREEN_CACHE": str(work / "cache")}
    others = prepare_others(work, env, skip)
    patterns_file = work / "patterns.txt"
    patterns_file.write_text(
        subprocess.run(
            [*EXE, "rules", "export"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    subprocess.run(
        [*EXE, "batch", str(HERE / "warmup.jsonl"), "-f", "jsonl"],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        jsonl, _ = generate(work, size)
        megabytes = jsonl.stat().st_size / 1e6
        notes = sum(1 for _ in jsonl.open("rb"))
        row: dict[str, object] = {"size_mb": round(megabytes, 1), "notes": notes}
        for jobs in (1, 2):
            out = work / f"out-{jobs}.jsonl"
            seconds, peak = timed(
                [*EXE, "batch", str(jsonl), "-f", "jsonl", "-o", str(out), "--jobs", str(jobs)], env
            )
            row[f"jobs{jobs}_mb_s"] = round(megabytes / seconds, 2)
            row[f"jobs{jobs}_notes_s"] = round(notes / seconds)
            row[f"jobs{jobs}_peak_mb"] = peak
        row.update(measure_others(others, jsonl, megabytes, work, float(row["jobs1_mb_s"])))
        if "pair" not in skip:
            # What two cores give at best: two independent --jobs 1 runs side by side.
            pair = pair_seconds(
                [
                    [*EXE, "batch", str(jsonl), "-f", "jsonl", "-o", str(work / f"pair-{n}.jsonl")]
                    for n in (1, 2)
                ],
                env,
            )
            row["two_independent_runs_over_one"] = round(
                2 * megabytes / pair / float(row["jobs1_mb_s"]), 2
            )
        row["jobs_outputs_identical"] = same_bytes(work / "out-1.jsonl", work / "out-2.jsonl")
        if "bounds" not in skip:
            row["io_floor_mb_s"] = round(io_floor(jsonl), 1)
            row["jobs1_over_io_floor"] = round(float(row["jobs1_mb_s"]) / row["io_floor_mb_s"], 3)
        if shutil.which("grep") and "grep" not in skip:
            # Capture the output: GNU grep stops at the first match when stdout is /dev/null.
            seconds, _ = timed(
                ["grep", "-E", "-i", "-c", "-f", str(patterns_file), str(jsonl)],
                stdout=subprocess.PIPE,
            )
            row["grep_mb_s"] = round(megabytes / seconds, 2)
            row["grep_over_jobs1"] = round(float(row["grep_mb_s"]) / float(row["jobs1_mb_s"]), 2)
        row["jobs2_over_jobs1"] = round(float(row["jobs2_mb_s"]) / float(row["jobs1_mb_s"]), 2)
        rows.append(row)
        print(json.dumps(row))
    first = generate(work, float(args.sizes.split(",")[0]))[0]
    results: dict[str, object] = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "previous_engine": {
            "commit": PREVIOUS,
            "rulebook": others.get("prev_rulebook_note", "skipped"),
        },
        "batch": rows,
    }
    if "naive" not in skip:
        from screen.app.rulebooks import load_rulebook
        from screen.matching.plan import build_plan

        plan = build_plan(load_rulebook())
        patterns = sorted({p for rule in plan.rules for p in rule.parts})
        results["naive_python_re_mb_s"] = round(naive_loop(first, patterns, 1_000_000), 3)
    if "bounds" not in skip:
        results["bounds"] = {"io_floor_mb_s": round(io_floor(first), 1), **engine_bounds(first)}
    if "startup" not in skip:
        results["startup_ms"] = startup(env, HERE / "answers.yaml")
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
