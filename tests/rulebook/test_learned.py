import pytest

from screen.errors import RulebookError
from screen.model import LearnedSettings
from screen.rulebook import parse_rulebook
from tests.conftest import MINIMAL

SHA = "ab" * 32


def with_learned(section: str) -> bytes:
    return MINIMAL.read_bytes() + b"\nlearned:\n" + section.encode()


def messages(section: str) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(with_learned(section), "r.yaml")
    return [str(p) for p in caught.value.problems]


def test_section_is_optional_and_read_with_defaults() -> None:
    assert parse_rulebook(MINIMAL.read_bytes(), "r.yaml").learned is None
    book = parse_rulebook(with_learned(f"  model: m.json\n  sha256: {SHA}\n"), "r.yaml")
    assert book.learned == LearnedSettings("m.json", SHA, 0.7, ())


def test_settings_are_read() -> None:
    section = f"  model: m.json\n  sha256: {SHA}\n  threshold: 0.85\n  skip: [wages-withheld]\n"
    book = parse_rulebook(with_learned(section), "r.yaml")
    assert book.learned == LearnedSettings("m.json", SHA, 0.85, ("wages-withheld",))


@pytest.mark.parametrize(
    ("section", "says"),
    [
        (f"  model: ../m.json\n  sha256: {SHA}\n", "file name beside the rulebook"),
        (f"  model: /etc/m.json\n  sha256: {SHA}\n", "file name beside the rulebook"),
        ("  model: m.json\n  sha256: 12ab\n", "64 lower-case hex digits"),
        (f"  model: m.json\n  sha256: {SHA}\n  threshold: 1.5\n", "below 1"),
        (f"  model: m.json\n  sha256: {SHA}\n  skip: [no-such]\n", "'no-such', which is not"),
        (f"  model: m.json\n  sha256: {SHA}\n  thresold: 0.8\n", "unknown key 'thresold'"),
        ("  model: m.json\n", "missing the required key 'sha256'"),
    ],
)
def test_mistakes_are_located_and_explained(section: str, says: str) -> None:
    found = messages(section)
    assert any(says in m for m in found), found
    assert all(m.startswith("r.yaml:") and " — " in m for m in found)
