import os
from pathlib import Path

import pytest

from screen.app.environment import current
from screen.app.rulebooks import default_rules_path, load_rulebook
from screen.errors import RulebookError
from screen.rulebook import parse_rulebook
from screen.rulebook.yaml_nodes import MAX_BYTES
from tests.conftest import DATA, MINIMAL

BROKEN = sorted((DATA / "rulebooks" / "broken").glob("*.yaml"))


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(path.read_bytes(), path.name)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_broken_rulebook_gives_its_located_messages(path: Path, golden) -> None:
    messages = problems_of(path)
    assert messages, "a broken rulebook must be refused"
    for message in messages:
        assert message.startswith(f"{path.name}:"), message
        assert " — " in message, "every message says how to fix it"
    golden.check(f"rulebooks/{path.stem}.txt", "\n".join(messages) + "\n")


def test_five_defects_give_five_messages_in_one_run() -> None:
    messages = problems_of(DATA / "rulebooks" / "broken" / "five_defects.yaml")
    assert len(messages) == 5
    lines = [int(m.split(":")[1]) for m in messages]
    assert lines == sorted(lines)


def test_minimal_rulebook_loads(minimal) -> None:
    assert minimal.version == "test-1"
    assert len(minimal.sha256) == 64 and minimal.short_hash == minimal.sha256[:12]
    assert minimal.indicator("documents-held").weight == "strong"
    assert minimal.question("who-holds-documents").indicators_set_by("employer") == (
        "documents-held",
    )


def test_hash_changes_with_content() -> None:
    data = MINIMAL.read_bytes()
    first = parse_rulebook(data, "a.yaml")
    second = parse_rulebook(data.replace(b'version: "test-1"', b'version: "test-2"'), "a.yaml")
    assert first.sha256 != second.sha256


def test_oversized_rulebook_is_refused_before_parsing() -> None:
    data = b"# " + b"x" * (MAX_BYTES + 10)
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(data, "big.yaml")
    assert "over the" in str(caught.value.problems[0])


def test_alias_bomb_is_refused() -> None:
    bomb = b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(bomb, "bomb.yaml")
    assert "aliases are not allowed" in str(caught.value.problems[0])


def test_yes_and_no_stay_text() -> None:
    rulebook = load_rulebook(MINIMAL)
    assert rulebook.question("safety-now").sets == (("yes", ("immediate-danger",)),)


def test_environment_variable_selects_rulebook(monkeypatch) -> None:
    monkeypatch.setenv("HTSCREEN_RULES", str(MINIMAL))
    assert default_rules_path(current()) == MINIMAL


def test_missing_file_is_an_input_error(tmp_path) -> None:
    from screen.errors import InputError

    with pytest.raises(InputError, match="no rulebook"):
        load_rulebook(tmp_path / "nope.yaml")


def test_fairness_descriptor_gives_a_warning() -> None:
    data = MINIMAL.read_bytes().replace(b"terms: [leave,", b"terms: [honduran, leave,")
    rulebook = parse_rulebook(data, "w.yaml")
    assert any("honduran" in w for w in rulebook.warnings)


def test_a_cached_rulebook_loads_without_the_validator(tmp_path: Path) -> None:
    """The interview starts from the cache: YAML, schema checks and Hyperscan stay unloaded."""
    import subprocess
    import sys

    probe = (
        "import sys; from screen.app.rulebooks import load_rulebook, store_of; "
        "from screen.app.environment import current; load_rulebook(store=store_of(current())); "
        "import screen.app.interview; "
        "print(sorted(m for m in ('yaml', 'screen.rulebook.references', "
        "'screen.rulebook.indicators', 'hyperscan') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "HTSCREEN_CACHE": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True)
    warm = subprocess.run(
        [sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True
    )
    assert warm.stdout.strip() == "[]"


def test_unclosed_quote_is_reported_where_it_opens() -> None:
    text = MINIMAL.read_text().replace('title: "Minimal test rulebook"', 'title: "Minimal test')
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text.encode(), "r.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 8)
    assert "not closed on its line" in problem.message and problem.hint


def test_unclosed_quote_in_a_long_rulebook_points_at_its_line(shipped_text: str) -> None:
    lines = shipped_text.splitlines(keepends=True)
    at = next(
        n
        for n, line in enumerate(lines)
        if lines[n - 1].strip() == "no_match:" and line.startswith("    - ") and '"' not in line
    )
    lines[at] = lines[at].replace("    - ", '    - "', 1)
    with pytest.raises(RulebookError) as caught:
        parse_rulebook("".join(lines).encode(), "indicators.yaml")
    (problem,) = caught.value.problems
    assert problem.line == at + 1, str(problem)
    assert "not closed on its line" in problem.message


@pytest.fixture(scope="module")
def shipped_text() -> str:
    from tests.conftest import SHIPPED

    return SHIPPED.read_text(encoding="utf-8")


def test_a_title_by_language_gives_each_language(minimal) -> None:
    held = minimal.indicator("documents-held")
    assert held.title == "Someone else holds the person's documents"
    assert held.title_in("es") == "Otra persona tiene los documentos de la persona"
    assert held.title_in("fr") == held.title, "a language not given falls back to English"
    hotline = minimal.decision.resource("nhth")
    assert hotline.name_in("es") == "Línea Nacional contra la Trata de Personas"
    assert hotline.contact_in("es").startswith("Llame al 1-888-373-7888")
    assert hotline.note_in("es") == hotline.note, "no Spanish note: the English one"
    tipline = minimal.decision.resource("hsi-tipline").in_language("es")
    assert tipline.note == "Investigaciones federales de trata, 24 horas."


def test_a_plain_title_stays_english_in_every_language() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "    title:\n      en: Not free to leave\n      es: No puede irse libremente\n",
        "    title: Not free to leave\n",
    )
    rulebook = parse_rulebook(text.encode(), "old.yaml")
    assert rulebook.indicator("not-free-to-leave").title_in("es") == "Not free to leave"
    assert rulebook.indicator("not-free-to-leave").titles == ()


def test_a_title_in_english_only_is_valid_and_falls_back() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "      en: Not free to leave\n      es: No puede irse libremente\n",
        "      en: Not free to leave\n",
    )
    rulebook = parse_rulebook(text.encode(), "en.yaml")
    assert rulebook.indicator("not-free-to-leave").title_in("es") == "Not free to leave"


def test_localised_titles_survive_the_cache(minimal) -> None:
    from screen import codec
    from screen.model import Rulebook

    again = codec.loads(codec.dumps(minimal), Rulebook)
    assert again.indicator("documents-held").titles == minimal.indicator("documents-held").titles
    assert again.decision.resource("nhth").names == minimal.decision.resource("nhth").names
