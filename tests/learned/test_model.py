import json

import numpy as np
import pytest

from screen.learned.model import FORMAT, LearnedModel, ModelError, digest, dumps, loads


def tiny() -> LearnedModel:
    vocabulary = {"locked": 0, "door": 1, "paid": 2}
    weights = np.array([[4.0, 0.0], [2.0, 0.0], [0.0, 5.0]], dtype=np.float32)
    return LearnedModel(
        ("locked-in", "wages-withheld"),
        vocabulary,
        np.ones(3, dtype=np.float32),
        weights,
        np.array([-2.0, -2.0], dtype=np.float32),
        {"texts": 3},
    )


def test_scores_and_hits_name_the_sentence() -> None:
    text = "Nothing here. The door is locked. He was paid."
    hits = tiny().hits(text, 0.7)
    assert [(h.indicator, text[h.span[0] : h.span[1]]) for h in hits] == [
        ("locked-in", "The door is locked."),
        ("wages-withheld", "He was paid."),
    ]
    assert all(0.7 <= h.probability < 1 for h in hits)
    assert [h.indicator for h in tiny().hits(text, 0.7, frozenset({"locked-in"}))] == [
        "wages-withheld"
    ]


def test_round_trip_keeps_every_score() -> None:
    model = tiny()
    again = loads(dumps(model))
    text = "the door was locked; paid"
    assert np.array_equal(model.sentence_scores(text)[1], again.sentence_scores(text)[1])
    assert again.indicators == model.indicators and again.trained_on == {"texts": 3}
    assert digest(dumps(model)) == digest(dumps(again))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda b: b.update(format="other/1"), "not an htscreen learned model"),
        (lambda b: b.update(features=99), "train it again"),
        (lambda b: b.pop("idf"), "damaged"),
        (lambda b: b["bias"].update(shape=[3]), "damaged"),
        (lambda b: b["weights"].update(rows="!!!"), "damaged"),
        (lambda b: b["weights"].update(shape=[1, 2]), "damaged"),
    ],
)
def test_damaged_or_foreign_files_are_refused(change, says) -> None:
    body = json.loads(dumps(tiny()))
    assert body["format"] == FORMAT
    change(body)
    with pytest.raises(ModelError, match=says):
        loads(json.dumps(body).encode())


def test_not_json_is_refused() -> None:
    with pytest.raises(ModelError, match="damaged"):
        loads(b"\x00not json")
