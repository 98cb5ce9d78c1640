"""Reading notes: normalisation before matching."""

import pytest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he keeps 'my' passport", 'he keeps "my" passport'),
        ("she said 'I don't know' and left", 'she said "i don\'t know" and left'),
        ("they call them 'clientes' there", 'they call them "clientes" there'),
        ("the girls' room and the boys' room", "the girls' room and the boys' room"),
        ("'cause he said so", "'cause he said so"),
        ("won't, can't, o'brien", "won't, can't, o'brien"),
    ],
)
def test_single_quotation_marks_read_as_quotes_and_apostrophes_stay(text, expected) -> None:
    from screen.patterns.syntax import normalise_note

    assert normalise_note(text) == expected
    assert len(normalise_note(text)) == len(text)
