"""The learned layer from the command line: train, name it in the rulebook, screen with it."""

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from screen.app.rulebooks import compile_checked, load_rulebook
from tests.conftest import DATA, MINIMAL, run_cli

SUITE = DATA / "learned" / "suite.jsonl"
NEW_WORDING = "The owner never lets her go out of the house."


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the minimal rulebook with a model trained on the small suite."""
    folder = tmp_path_factory.mktemp("learned")
    rules = folder / "rules.yaml"
    shutil.copy(MINIMAL, rules)
    done = run_cli("rules", "train", str(rules), "--paraphrases", str(SUITE))
    assert done.code == 0, done.stderr
    assert (folder / "rules.learned.json").is_file()
    sha = re.search(r"sha256: ([0-9a-f]{64})", done.stdout)
    assert sha and "model: rules.learned.json" in done.stdout
    section = (
        f"\nlearned:\n  model: rules.learned.json\n  sha256: {sha.group(1)}\n  threshold: 0.6\n"
    )
    rules.write_text(rules.read_text(encoding="utf-8") + section, encoding="utf-8")
    return rules


def test_train_reports_what_it_learned_from(trained: Path) -> None:
    body = json.loads((trained.parent / "rules.learned.json").read_bytes())
    assert body["trained_on"]["says"] >= 21  # the suite's ways of saying, and the examples
    assert "not-free-to-leave" in body["indicators"]


def test_a_wording_no_rule_knows_is_found_and_explained(trained: Path) -> None:
    done = run_cli("explain", NEW_WORDING, "-f", "json", "--rules", str(trained))
    assert done.code == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    learned = [s for s in steps if s["pattern"] == "not-free-to-leave#learned"]
    assert learned and learned[0]["outcome"] == "suggested"
    assert learned[0]["snippet"] == NEW_WORDING
    assert "probability" in learned[0]["detail"]


def test_a_suggestion_never_counts_toward_the_level(trained: Path) -> None:
    done = run_cli("explain", NEW_WORDING, "-f", "json", "--rules", str(trained))
    body = json.loads(done.stdout)
    assert body["decision"]["level"] == "L5"
    table = run_cli("explain", NEW_WORDING, "--rules", str(trained)).stdout
    assert "suggested by the learned layer" in table
    assert table.index("fired (counts toward the level):\n  nothing") < table.index("suggested")


def test_the_rules_verdict_wins(trained: Path) -> None:
    matcher = compile_checked(load_rulebook(trained), None)
    found = matcher.scan("V not allowed to leave the house").evidence
    assert [e.pattern for e in found] == ["not-free-to-leave#1"]
    negated = matcher.scan("V can leave whenever she wants, nobody stops her").evidence
    assert not [e for e in negated if e.counts and e.indicator == "not-free-to-leave"]


def test_without_the_section_the_layer_is_off() -> None:
    matcher = compile_checked(load_rulebook(MINIMAL), None)
    assert matcher.learned is None
    assert matcher.scan(NEW_WORDING).evidence == ()


def test_batch_names_learned_evidence(trained: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "N1", "text": NEW_WORDING}) + "\n", encoding="utf-8")
    done = run_cli("batch", str(notes), "-f", "jsonl", "--suggest", "--rules", str(trained))
    assert done.code == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[0])
    [hit] = [i for i in record["indicators"] if i["pattern"] == "not-free-to-leave#learned"]
    assert hit["status"] == "suggested" and record["level"] == "L5"
    plain = run_cli("batch", str(notes), "-f", "jsonl", "--rules", str(trained))
    assert "#learned" not in plain.stdout, "batch suggests only when asked (--suggest)"


def test_a_missing_model_is_a_rulebook_error(trained: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    shutil.copy(trained, rules)
    done = run_cli("explain", NEW_WORDING, "--rules", str(rules))
    assert done.code == 3
    assert "cannot read the learned model" in done.stderr and "htscreen rules train" in done.stderr
    assert NEW_WORDING not in done.stderr


def test_a_changed_model_is_refused(trained: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    shutil.copy(trained, rules)
    model = (trained.parent / "rules.learned.json").read_bytes()
    (tmp_path / "rules.learned.json").write_bytes(model.replace(b'"texts":', b'"texts" :'))
    done = run_cli("explain", NEW_WORDING, "--rules", str(rules))
    assert done.code == 3 and "sha256 differs" in done.stderr


def test_train_learns_from_the_rulebooks_examples_alone(tmp_path: Path) -> None:
    suite = tmp_path / "other.jsonl"
    suite.write_text('{"indicator": "not-in-the-rulebook", "kind": "says", "text": "t"}\n')
    out = tmp_path / "m.json"
    done = run_cli("rules", "train", str(MINIMAL), "-p", str(suite), "-o", str(out))
    assert done.code == 0, done.stderr
    book = load_rulebook(MINIMAL)
    says = sum(len(i.match_examples) for i in book.indicators)
    texts = says + sum(len(i.no_match_examples) for i in book.indicators)
    trained = json.loads(out.read_bytes())["trained_on"]
    assert (trained["says"], trained["texts"]) == (says, texts)


def test_validate_reads_the_whole_model(trained: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    shutil.copy(trained, rules)
    model = json.loads((trained.parent / "rules.learned.json").read_bytes())
    model["indicators"][0] = "renamed-since"
    data = json.dumps(model).encode()
    (tmp_path / "rules.learned.json").write_bytes(data)
    text = rules.read_text(encoding="utf-8")
    sha = re.search(r"sha256: ([0-9a-f]{64})", text)
    assert sha
    rules.write_text(text.replace(sha.group(1), hashlib.sha256(data).hexdigest()))
    done = run_cli("rules", "validate", str(rules))
    assert done.code == 3
    assert "names indicators the rulebook lacks: renamed-since" in done.stderr
    assert run_cli("rules", "validate", str(trained)).code == 0
