"""FHIR QuestionnaireResponse → an intake questionnaire's answers (types and parsing; no
HTTP here).

An intake is a completed (or amended) QuestionnaireResponse
(https://hl7.org/fhir/R4/questionnaireresponse.html) of one of the Questionnaires named
in INTAKE_QUESTIONNAIRES. Each answered item becomes an IntakeAnswer: its `linkId`, its
question (`item.text`), its answer as text and, for numbers and booleans, the value.
Nested items (groups, and items under an answer) are read depth-first.

Each answer gets a `topic` from its linkId or its question's words (first match wins,
in the order of TOPICS), so intakes built on other Questionnaires are read too:

- risk: suicide, ending one's life, self-harm, hurting oneself or others, violence,
  homicide, safety; PHQ-9 item 9 (LOINC 44260-8).
- phq9 / gad7: the totals (LOINC 44261-6, 70274-6, or a linkId "phq9-total" …) and items
  (their LOINC codes as linkIds, see copilot.measures.instruments).
- presenting: "presenting", "chief complaint", "what brings you", "reason for".
- history_substance, history_medical, history_family_social, history_psychiatric
  (prior counseling, psychiatric treatment, onset and course of the problem).
- other: anything else (kept, not summarized).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from copilot.measures import GAD7, PHQ9, PHQ9_ITEM9_LOINC

from .parsing import is_part2

INTAKE_STATUSES = frozenset({"completed", "amended"})

# (topic, pattern over "<linkId> <question>"), case-insensitive; first match wins.
TOPICS: tuple[tuple[str, str], ...] = (
    ("phq9_item9", rf"^{re.escape(PHQ9_ITEM9_LOINC)}\b|\bphq-?9[-_ ]?(?:item[-_ ]?)?9\b"),
    (
        "risk",
        r"suicid|self[-\s]?harm|\bsafety\b|end(?:ing)?\s+(?:your|my|their|one'?s)\s+(?:own\s+)?life"
        r"|kill(?:ing)?\s+(?:yourself|myself|someone|others)|hurt(?:ing)?\s+(?:yourself|myself"
        r"|someone|others|anyone)|harm(?:ing)?\s+(?:yourself|myself|someone|others|anyone)"
        r"|violen|homicid|better\s+off\s+dead",
    ),
    ("phq9_total", rf"^{re.escape(PHQ9.total_loinc)}\b|\bphq-?9[-_ ]?total"),
    ("gad7_total", rf"^{re.escape(GAD7.total_loinc)}\b|\bgad-?7[-_ ]?total"),
    ("phq9_item", "^(?:" + "|".join(re.escape(c) for c in PHQ9.item_loincs) + r")\b"),
    ("gad7_item", "^(?:" + "|".join(re.escape(c) for c in GAD7.item_loincs) + r")\b"),
    (
        "presenting",
        r"presenting|chief[-\s]complaint|brings?\s+you\s+in|reason\s+for\s+(?:visit|referral"
        r"|seeking)",
    ),
    ("history_substance", r"substance|alcohol|drug|tobacco|smok|cannabis|drink"),
    ("history_medical", r"medical|physical\s+health|allerg|medications?\b"),
    ("history_family_social", r"family|social|living|lives\s+with|relationship|employ"),
    (
        "history_psychiatric",
        r"psychiatr|counsel|therap|prior[-\s]treatment|hospitali|\bhistory\b|how\s+long",
    ),
)
_TOPIC_RES = tuple((topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in TOPICS)


@dataclass(frozen=True)
class IntakeAnswer:
    """One answered item: `link_id` (QuestionnaireResponse.item.linkId), `question`
    (item.text, or the linkId when the item has none), `text` (every answer value as
    text, "; "-joined), `number` (valueInteger, or a whole valueDecimal; else None),
    `boolean` (valueBoolean, else None) and `topic` (see the module docstring)."""

    link_id: str
    question: str
    text: str
    number: int | None
    boolean: bool | None
    topic: str


@dataclass(frozen=True)
class Intake:
    """A client's intake questionnaire. `source` is its FHIR reference
    ("QuestionnaireResponse/abc"); `authored` when it was completed; `restricted` when
    it is labeled 42 CFR Part 2 (meta.security 42CFRPart2): then no answer of it may be
    redisclosed without the client's written consent (42 CFR 2.32)."""

    id: str
    client_id: str
    questionnaire: str
    status: str
    authored: datetime | date | None
    answers: tuple[IntakeAnswer, ...]
    restricted: bool = False

    @property
    def source(self) -> str:
        return f"QuestionnaireResponse/{self.id}"

    def on(self, topic: str) -> list[IntakeAnswer]:
        """The answers of one topic, in questionnaire order."""
        return [answer for answer in self.answers if answer.topic == topic]


def topic_of(link_id: str, question: str) -> str:
    """The topic of an item, from its linkId and question text (see TOPICS)."""
    probe = f"{link_id} {question}"
    return next((topic for topic, regex in _TOPIC_RES if regex.search(probe)), "other")


def build_intake(resource: dict[str, Any]) -> Intake | None:
    """QuestionnaireResponse JSON → Intake; None when it is not completed or amended.
    Raises pydantic.ValidationError for an invalid resource (parsing.parse_all skips it)."""
    model = QuestionnaireResponse.model_validate(resource)
    if model.status not in INTAKE_STATUSES:
        return None
    subject = model.subject.reference if model.subject else ""
    return Intake(
        id=model.id or "",
        client_id=(subject or "").removeprefix("Patient/"),
        questionnaire=model.questionnaire or "",
        status=model.status,
        authored=model.authored,
        answers=tuple(a for item in model.item or [] for a in _answers(item)),
        restricted=is_part2(model),
    )


def _answers(item: Any) -> list[IntakeAnswer]:
    """The item's own answer (if answered), then those of its nested items, depth-first."""
    found: list[IntakeAnswer] = []
    values = [v for answer in item.answer or [] if (v := _value(answer)) is not None]
    if values:
        question = item.text or item.linkId
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        booleans = [v for v in values if isinstance(v, bool)]
        found.append(
            IntakeAnswer(
                link_id=item.linkId,
                question=question,
                text="; ".join(_as_text(v) for v in values),
                number=numbers[0] if numbers else None,
                boolean=booleans[0] if booleans else None,
                topic=topic_of(item.linkId, question),
            )
        )
    nested = [*(item.item or []), *(c for a in item.answer or [] for c in a.item or [])]
    return found + [a for child in nested for a in _answers(child)]


def _value(answer: Any) -> str | int | bool | None:
    if answer.valueBoolean is not None:
        return bool(answer.valueBoolean)
    if answer.valueInteger is not None:
        return int(answer.valueInteger)
    if answer.valueDecimal is not None:
        decimal = answer.valueDecimal
        return int(decimal) if decimal == int(decimal) else str(decimal)
    if answer.valueCoding is not None:
        return answer.valueCoding.display or answer.valueCoding.code
    for field in ("valueString", "valueDate", "valueDateTime", "valueTime"):
        value = getattr(answer, field, None)
        if value is not None:
            return str(value)
    return None


def _as_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
