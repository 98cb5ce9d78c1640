from screen.learned.features import features, fold, sentences
from screen.rulebook.fairness import DESCRIPTORS


def test_fold_drops_accents_but_keeps_enye() -> None:
    assert fold("Él NO la dejó salir; año") == "el no la dejo salir; año"


def test_features_are_words_stems_and_pairs() -> None:
    found = features("Threatened workers")
    assert {"threatened", "workers", "~threa", "~worke", "threatened workers"} <= set(found)
    assert "~threa worke" in found
    assert "~no" not in features("no")  # short words have no stem feature


def test_protected_descriptors_never_become_features() -> None:
    for word in ("mexican", "muslim", "hispanic", "speaks spanish"):
        found = features(f"The {word} boss keeps her passport")
        assert not [f for f in found if word.split()[0] in f], (word, found)
        assert "passport" in found
    assert all(d not in DESCRIPTORS for d in features("The Albanian owner took his ID"))


def test_sentences_split_at_ends_and_line_breaks() -> None:
    text = "He took her ID. She cannot leave!\nNo pay; no rest?  Fin"
    spans = list(sentences(text))
    assert [text[s:e] for s, e in spans] == [
        "He took her ID.",
        "She cannot leave!",
        "No pay;",
        "no rest?",
        "Fin",
    ]


def test_sentences_of_blank_text() -> None:
    assert list(sentences("   \n\n ")) == []
