"""The learned part of classification: a text model trained on the shipped corpus ranks the categories.

The model is scikit-learn (TF-IDF over jieba words and word pairs, plus character 1-3-grams, into a
logistic regression), trained by ``python -m tools.train_classifier`` from
``services/intake/classifier/corpus/<category>.tsv`` and versioned as
``services/intake/classifier/model.joblib`` with its metadata beside it. It reads the same matching text
the keyword rules read (Simplified, folded, lower case), so Traditional input needs no examples of its
own to be understood, though the corpus has some.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CLASSIFIER_DIR = Path(__file__).resolve().parents[1] / "classifier"
CORPUS_DIR = CLASSIFIER_DIR / "corpus"
MODEL_FILE = CLASSIFIER_DIR / "model.joblib"
METADATA_FILE = CLASSIFIER_DIR / "model.json"
HELD_OUT_SHARE = 5   # one example in five (by a hash of its text) is held out for evaluation


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba's own dictionary only: policy words must not change what the model sees."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def words(matching_text: str) -> list[str]:
    """The model's word features: jieba words without punctuation, and adjacent pairs ("信号|差").
    Module level so the pickled model refers to it by name."""
    tokens = [token for token in _jieba().lcut(matching_text) if any(ch.isalnum() for ch in token)]
    return tokens + [f"{first}|{second}" for first, second in zip(tokens, tokens[1:])]


@dataclass(frozen=True)
class Example:
    category: str
    channel: str
    text: str

    @property
    def held_out(self) -> bool:
        """Stable under additions: an example's side of the split depends on its own text only."""
        return int(hashlib.sha256(self.text.encode("utf-8")).hexdigest(), 16) % HELD_OUT_SHARE == 0


def read_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every ``<category>.tsv`` (``CHANNEL<TAB>text`` per line; ``#`` lines are comments)."""
    examples = []
    for path in sorted(directory.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            channel, separator, text = line.partition("\t")
            if not separator or not text.strip():
                raise ValueError(f"{path.name}:{number}: expected CHANNEL<TAB>text")
            examples.append(Example(path.stem, channel.strip(), text.strip()))
    return examples


def corpus_digest(examples: Iterable[Example]) -> str:
    """What the model was trained on, to tell a stale model from a current one."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.category}\t{example.channel}\t{example.text}\n".encode("utf-8"))
    return digest.hexdigest()


class CategoryModel:
    """Ranks categories for a matching text; probabilities sum to 1 over the categories it knows."""

    def __init__(self, pipeline: Any, metadata: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.metadata = metadata
        self.categories: tuple[str, ...] = tuple(str(name) for name in pipeline.classes_)

    def similarity(self, first: str, second: str) -> float:
        """Cosine of two matching texts in the model's own features (words and characters), 0..1:
        the same problem in other words shares characters and words the model found telling."""
        vectors = self.pipeline.named_steps["features"].transform([first, second])
        one, other = vectors[0], vectors[1]
        norms = (one.multiply(one).sum() * other.multiply(other).sum()) ** 0.5
        return round(float(one.multiply(other).sum() / norms), 4) if norms else 0.0

    def rank(self, matching_text: str, top: int = 3) -> tuple[tuple[str, float], ...]:
        probabilities = self.pipeline.predict_proba([matching_text])[0]
        order = sorted(range(len(probabilities)), key=lambda index: -probabilities[index])[:top]
        return tuple((self.categories[index], round(float(probabilities[index]), 4)) for index in order)


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> CategoryModel:
    """The versioned model (loaded once per process, at start). A file from this repository only:
    joblib files are pickles and run code when loaded."""
    import joblib

    metadata_file = path.with_suffix(".json")
    metadata = json.loads(metadata_file.read_text(encoding="utf-8")) if metadata_file.exists() else {}
    return CategoryModel(joblib.load(path), metadata)
