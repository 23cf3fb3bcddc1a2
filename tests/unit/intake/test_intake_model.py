"""The shipped category model: trained on the shipped corpus, good enough on the held-out split, and
retrainable to the same answers with one command."""

from __future__ import annotations

from pathlib import Path

from services.intake.domain.learned import corpus_digest, load_model, read_corpus
from services.intake.domain.vocabulary import CATEGORIES
from tools import train_classifier


def test_the_shipped_model_was_trained_on_the_shipped_corpus():
    assert load_model().metadata["corpus_sha256"] == corpus_digest(read_corpus()), \
        "the corpus changed since the model was trained: run `make classifier` and commit the model"


def test_every_category_has_at_least_80_examples_and_some_are_held_out():
    examples = read_corpus()
    for category in CATEGORIES:
        mine = [example for example in examples if example.category == category]
        assert len(mine) >= 80, category
        assert 0 < sum(example.held_out for example in mine) < len(mine), category


def test_held_out_accuracy_and_macro_f1_are_at_least_0_9(capsys):
    assert train_classifier.evaluate() == 0, capsys.readouterr().out + capsys.readouterr().err


def test_retraining_gives_the_same_answers(tmp_path: Path):
    retrained = tmp_path / "model.joblib"
    train_classifier.train(retrained)
    shipped, again = load_model(), load_model(retrained)
    texts = [train_classifier.matching_text(example) for example in read_corpus() if example.held_out]
    assert list(again.pipeline.predict(texts)) == list(shipped.pipeline.predict(texts))
    assert again.metadata["corpus_sha256"] == shipped.metadata["corpus_sha256"]
