"""The drafting engine's static sentence vectors (copilot.drafting.vectors)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from copilot.drafting.vectors import DIMENSIONS, MODEL_DIR, embed_sentences

SENTENCES = [
    "Client reports sleeping about five hours a night.",
    "Wakes at four in the morning and cannot fall back asleep.",
    "Homework: one thought record a day.",
    "Denies suicidal ideation.",
]


def test_the_vectors_ship_with_the_code_in_float16():
    assert (MODEL_DIR / "model.safetensors").stat().st_size < 20_000_000
    assert '"embedding_dtype": "float16"' in (MODEL_DIR / "config.json").read_text()


def test_sentences_become_unit_vectors_of_the_shipped_width():
    vectors = embed_sentences(SENTENCES)
    assert vectors.shape == (4, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert embed_sentences([]).shape == (0, DIMENSIONS)


def test_sentences_on_one_topic_are_closer_than_unrelated_ones():
    sleep, waking, homework, _ = embed_sentences(SENTENCES)
    assert sleep @ waking > sleep @ homework


def test_drafts_on_many_threads_get_the_same_vectors_as_one_at_a_time():
    expected = embed_sentences(SENTENCES)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: embed_sentences(SENTENCES), range(32)))
    for vectors in results:
        assert np.array_equal(vectors, expected)
