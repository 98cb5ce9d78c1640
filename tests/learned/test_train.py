import json

import numpy as np
import pytest

from screen.learned.model import dumps
from screen.learned.train import Example, Settings, train
from tests.conftest import DATA

SUITE = DATA / "learned" / "suite.jsonl"
INDICATORS = ("not-free-to-leave", "excessive-hours", "wages-withheld", "documents-held")


def examples() -> list[Example]:
    rows = [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines()]
    return [Example(r["text"], r["indicator"], r["kind"] == "says") for r in rows]


@pytest.fixture(scope="module")
def model():
    return train(examples(), INDICATORS, Settings(min_df=1, prune=0.0))


def best(model, text: str) -> dict[str, float]:
    return {h.indicator: h.probability for h in model.hits(text, 0.5)}


def test_new_wordings_of_a_sign_are_read(model) -> None:
    assert "not-free-to-leave" in best(model, "The owner never lets her go out of the house.")
    assert "excessive-hours" in best(model, "They work sixteen hours, every day of the week.")
    assert "wages-withheld" in best(model, "Desde hace meses no le pagan nada.")


def test_look_alikes_and_other_signs_are_not(model) -> None:
    assert "wages-withheld" not in best(model, "She is paid every week into her account.")
    assert best(model, "The weather was fine and the car was blue.") == {}


def test_an_indicator_without_texts_never_fires(model) -> None:
    spans, scores = model.sentence_scores("docs held by boss, boss keeps her passport")
    column = model.indicators.index("documents-held")
    assert (scores[:, column] < -20).all()


def test_training_is_deterministic() -> None:
    settings = Settings(min_df=1)
    assert dumps(train(examples(), INDICATORS, settings)) == dumps(
        train(examples(), INDICATORS, settings)
    )


def test_pruning_zeroes_small_weights() -> None:
    pruned = train(examples(), INDICATORS, Settings(min_df=1, prune=0.5))
    nonzero = pruned.weights[pruned.weights != 0]
    assert nonzero.size and (np.abs(nonzero) >= 0.5).all()
    assert pruned.trained_on["prune"] == 0.5


def test_scoring_reads_the_same_features_training_made(model) -> None:
    from screen.learned.features import features

    for text in [e.text for e in examples()] + ["Él NO la dejó salir; año", "Ñandú 3º grado"]:
        wanted = sorted(model.vocabulary[f] for f in features(text) if f in model.vocabulary)
        assert sorted(model.feature_ids(text)) == wanted, text
