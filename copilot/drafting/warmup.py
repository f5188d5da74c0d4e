"""Load the grounded engine's models when the process starts, not on the first draft."""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Load the sentence vectors, the section and salience models and spaCy's parser, and run each
    once; returns the seconds it took. Raises what a missing model raises (OSError)."""
    started = time.perf_counter()
    from .classifier import get_classifier
    from .interventions import catalogue
    from .propositions import fuse, is_fragment
    from .salience import get_salience
    from .vectors import embed_sentences

    get_classifier()
    get_salience()
    catalogue()
    embed_sentences(["warm up"])
    fuse("Do you have any allergies?", "No.")
    is_fragment("Low.")
    seconds = time.perf_counter() - started
    logger.info("drafting models loaded in %.1f s", seconds)
    return seconds


def forget_texts() -> None:
    """Empty the per-text caches (tidied sentences, risk findings, spaCy parses and
    tags), so the next draft costs what a new transcript costs (bench/draft.py)."""
    from . import propositions, risk, text

    text.tidy.cache_clear()
    risk.find_in_text_cached.cache_clear()
    propositions.forget_parses()


def warm_up_in_background() -> threading.Thread:
    """`warm_up` on a daemon thread, so the server listens while the models load; a
    draft that arrives meanwhile waits for them."""
    thread = threading.Thread(target=_safe_warm_up, name="drafting-warm-up", daemon=True)
    thread.start()
    return thread


def _safe_warm_up() -> None:
    try:
        warm_up()
    except Exception:  # the first draft will raise it where the clinician sees a message
        logger.exception("drafting models could not be loaded at start")
