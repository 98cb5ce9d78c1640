"""Distributed screening gives exactly the one-machine results (local Dask cluster, 2 workers).

Skipped when dask/distributed/pandas are not installed (pip install '.[dask]').
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from screen.app import workers  # noqa: E402
from screen.app.cli import main  # noqa: E402
from screen.app.cluster import LocalFiles  # noqa: E402
from screen.app.distributed import (  # noqa: E402
    RESULT_COLUMNS,
    RulebookSpec,
    ScreenOptions,
    screen_frame,
    screen_partition,
    screen_texts,
)
from screen.app.inputs import ReadOptions, walk  # noqa: E402
from screen.app.partitions import first_parts  # noqa: E402
from screen.app.rulebooks import load_rulebook  # noqa: E402
from tests.conftest import DATA, ROOT, SHIPPED  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two single-thread worker processes on this machine, shared by the module's tests."""
    cache = tmp_path_factory.mktemp("worker-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HTSCREEN_CACHE", str(cache))
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as local,
            distributed.Client(local) as client,
        ):
            yield client


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A frozen copy of the shipped rulebook, so both engines surely use the same bytes."""
    path = tmp_path_factory.mktemp("rules") / "indicators.yaml"
    shutil.copyfile(SHIPPED, path)
    shutil.copyfile(
        SHIPPED.parent / "indicators.learned.json", path.parent / "indicators.learned.json"
    )
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated notes plus awkward JSONL: no ids, blank lines, CRLF, no final newline."""
    folder = tmp_path_factory.mktemp("corpus")
    jsonl, _ = generate(folder, 0.2)
    odd = folder / "odd.jsonl"
    odd.write_bytes(
        b'{"text": "V said boss keeps her passport"}\n\n'
        b'{"id": "", "narrative": "no id here"}\r\n'
        b"not json\n[1, 2]\n"
        b'{"id": 7, "text": "juv 15 y/o in rm 214", "date": "2024-02-03"}\n'
        b'{"text": "V owes $4,000 for the trip"}'
    )
    notes = folder / "notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "a.txt").write_text("V not allowed to leave the house without the boyfriend.")
    (notes / "sub" / "b.txt").write_text("Scene cleared, no issues.")
    (notes / ".hidden").write_text("ignored")
    (notes / "bad.txt").write_bytes(b"\xff\xfe broken")
    assert jsonl.stat().st_size > 150_000
    return folder


def _single(rules: Path, paths: list[str], out: Path, *extra: str) -> tuple[int, bytes]:
    code = main(
        ["batch", *paths, "--rules", str(rules), "--format", "jsonl", "-o", str(out), *extra]
    )
    return code, out.read_bytes()


def _dask(
    rules: Path, paths: list[str], out: Path, *extra: str, scheduler: str | None
) -> tuple[int, bytes]:
    where = ["--scheduler", scheduler] if scheduler else []
    code = main(
        [
            "batch",
            *paths,
            "--rules",
            str(rules),
            "--format",
            "jsonl",
            "-o",
            str(out),
            *extra,
            "--engine",
            "dask",
            *where,
        ]
    )
    parts = sorted(out.glob("part-*.jsonl"))
    return code, b"".join(p.read_bytes() for p in parts)


def _inputs(corpus: Path) -> list[str]:
    return [
        str(corpus / "notes-0.2mb.jsonl"),
        str(corpus / "odd.jsonl"),
        str(DATA / "inputs" / "mixed.jsonl"),
        str(DATA / "inputs" / "small.csv"),
        str(ROOT / "examples" / "incident-notes.csv"),
        str(corpus / "notes"),
    ]


def test_same_output_as_one_machine(
    cluster: Any, rules: Path, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTSCREEN_PARTITION_MB", "0.05")
    paths = _inputs(corpus)
    one = _single(rules, paths, tmp_path / "single.jsonl")
    many = _dask(rules, paths, tmp_path / "parts", scheduler=cluster.scheduler.address)
    assert many == one
    assert one[0] == 4  # the awkward records are error records, on both engines
    assert len(list((tmp_path / "parts").glob("part-*.jsonl"))) > 8
    lines = one[1].decode().splitlines()
    assert len(lines) > 200
    assert {json.loads(line)["level"] for line in lines} >= {"L1", "L3", "L5", None}


def test_each_worker_compiles_once(
    cluster: Any, rules: Path, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTSCREEN_PARTITION_MB", "0.02")
    paths = [str(corpus / "notes-0.2mb.jsonl")]
    _dask(rules, paths, tmp_path / "parts", scheduler=cluster.scheduler.address)

    def compiled() -> list[str]:
        return workers.compiled_hashes()

    per_worker = cluster.run(compiled)
    assert len(per_worker) == 2
    assert all(shas == [RulebookSpec.from_path(rules).sha256] for shas in per_worker.values())


def test_options_and_exit_codes_match(
    cluster: Any, rules: Path, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTSCREEN_PARTITION_MB", "0.1")
    paths = [str(corpus / "notes-0.2mb.jsonl")]
    extra = ("--redact", "--min-level", "L3", "--fail-on", "L3", "--jurisdiction", "palermo")
    one = _single(rules, paths, tmp_path / "single.jsonl", *extra)
    many = _dask(rules, paths, tmp_path / "parts", *extra, scheduler=cluster.scheduler.address)
    assert many == one
    assert one[0] == 1
    assert b"snippet" not in many[1]


def test_default_local_cluster(rules: Path, corpus: Path, tmp_path: Path) -> None:
    paths = [str(DATA / "inputs" / "mixed.jsonl"), str(corpus / "odd.jsonl")]
    one = _single(rules, paths, tmp_path / "single.jsonl")
    many = _dask(rules, paths, tmp_path / "parts", scheduler=None)
    assert many == one


def test_bag_and_dataframe_recipes(cluster: Any, rules: Path, corpus: Path) -> None:
    import dask.bag as db
    import dask.dataframe as dd

    source = corpus / "notes-0.2mb.jsonl"
    rows = [json.loads(line) for line in source.read_text().splitlines()][:300]
    expected = list(screen_texts([(r["id"], r["text"]) for r in rows], load_rulebook(rules)))
    spec = cluster.scatter(RulebookSpec.from_path(rules), broadcast=True)
    texts_only = [{"id": r["id"], "text": r["text"]} for r in rows]

    bag = db.from_sequence(texts_only, npartitions=4)
    assert bag.map_partitions(screen_partition, spec).compute() == expected

    frame = dd.from_pandas(pd.DataFrame(texts_only), npartitions=3)
    meta = pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS})
    out = frame.map_partitions(screen_frame, spec, meta=meta).compute()
    assert [json.loads(r) for r in out["record"]] == [
        {**e, "rulebook": RulebookSpec.from_path(rules).sha256[:12]} for e in expected
    ]
    assert list(out["level"]) == [e["level"] for e in expected]


def test_partition_function_in_process() -> None:
    spec = RulebookSpec.from_path(SHIPPED, embed=False)
    frame = pd.DataFrame(
        {
            "narrative": ["mgr has her ppt and she owes $3k", None],
            "reported": ["2024-01-02", "2024-01-03"],
        }
    )
    results = screen_partition(
        frame,
        spec,
        ReadOptions(text_field="narrative"),
        ScreenOptions(redact=True),
        source="batch7",
    )
    assert [r["id"] for r in results] == ["batch7:1", "batch7:2"]
    assert results[0]["level"] in ("L2", "L3") and results[1]["error"]
    assert all("snippet" not in i for i in results[0]["indicators"])


def test_planning_cuts_jsonl_at_line_ends(corpus: Path) -> None:
    path = str(corpus / "notes-0.2mb.jsonl")
    read = ReadOptions()
    parts = first_parts(list(walk([path], read)), 20_000, LocalFiles(read), 100)
    assert len(parts) > 5 and [p.number for p in parts] == list(range(len(parts)))
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    lines = Path(path).read_bytes().count(b"\n")
    assert parts[-1].first + Path(path).read_bytes()[parts[-1].start :].count(b"\n") == lines + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask"], "--format jsonl --output DIR"),
        (["--engine", "spark", "--format", "jsonl", "-o", "x"], "mapInPandas"),
        (["--scheduler", "tcp://127.0.0.1:1", "--format", "jsonl", "-o", "x"], "--engine dask"),
        (["--engine", "dask", "--format", "jsonl", "-o", "x", "--jobs", "2"], "drop --jobs"),
        (["--engine", "dask", "-f", "jsonl", "-o", "x", "--scheduler", "tls://127.0.0.1:1"], "tls"),
        (["--engine", "dask", "-f", "jsonl", "-o", "x", "--scheduler", "bogus://h:1"], "bogus"),
    ],
)
def test_usage_errors(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["batch", str(DATA / "inputs" / "mixed.jsonl"), *args]) == 2
    assert message in capsys.readouterr().err


def test_refuses_folder_with_old_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "part-00000.jsonl").write_text("")
    code = main(
        [
            "batch",
            str(DATA / "inputs" / "mixed.jsonl"),
            "--format",
            "jsonl",
            "-o",
            str(tmp_path),
            "--engine",
            "dask",
        ]
    )
    assert code == 2 and "earlier run" in capsys.readouterr().err


def _spark_ready() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


def test_spark_map_in_pandas(rules: Path) -> None:
    pytest.importorskip("pyspark")
    if not _spark_ready():
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    from screen.app.distributed import SPARK_SCHEMA

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("htscreen-test")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        rows = [
            {"id": f"S{i}", "text": t}
            for i, t in enumerate(["mgr has her ppt", "nothing here", "juv 15 y/o in rm 214"])
        ]
        spec = RulebookSpec.from_path(rules)

        def screen(frames: Iterator[Any]) -> Iterator[Any]:
            for frame in frames:
                yield screen_frame(frame, spec)

        out = spark.createDataFrame(pd.DataFrame(rows)).mapInPandas(screen, SPARK_SCHEMA)
        got = sorted(json.loads(r["record"])["level"] for r in out.collect())
        want = sorted(
            r["level"]
            for r in screen_texts([(r["id"], r["text"]) for r in rows], load_rulebook(rules))
        )
        assert got == want
    finally:
        spark.stop()


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "lots"])
def test_a_bad_partition_size_is_a_clear_config_error(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTSCREEN_PARTITION_MB", value)
    args = ["--engine", "dask", "-f", "jsonl", "-o", str(tmp_path / "out")]
    assert main(["batch", str(DATA / "inputs" / "mixed.jsonl"), *args]) == 2
    assert "HTSCREEN_PARTITION_MB must be a positive number" in capsys.readouterr().err
