"""The annotated corpus through `evaluate`: the figures recorded in the README are current."""

from __future__ import annotations

import json

from .conftest import DATA, ROOT, run_cli


def test_readme_records_the_measured_figures() -> None:
    result = run_cli("evaluate", str(DATA / "notes" / "corpus.jsonl"), "--format", "json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    overall = data["overall"]
    row = (
        f"| all {data['notes_with_level']} | {overall['sensitivity'] * 100:.1f}% | "
        f"{overall['specificity'] * 100:.1f}% | {overall['ppv'] * 100:.1f}% | "
        f"{data['exact_level']} of {data['notes_with_level']} |"
    )
    print(row)
    assert row in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_look_alike_reaches_likely_trafficking() -> None:
    result = run_cli("evaluate", str(DATA / "notes" / "corpus.jsonl"), "--format", "json")
    alarms = json.loads(result.stdout)["false_alarms"]
    assert not [a for a in alarms if a["got"] == "L2"], alarms


def test_batch_over_the_corpus_gives_one_record_per_note() -> None:
    result = run_cli("batch", str(DATA / "notes" / "corpus.jsonl"), "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    source = [json.loads(line)["id"] for line in (DATA / "notes" / "corpus.jsonl").open()]
    assert [r["id"] for r in rows] == source
