"""What a drafting engine produces: sections of sentences, each tied to its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from copilot.chart import ChartContext

from .templates import NoteTemplate

InputKind = Literal["notes", "transcript"]


@dataclass(frozen=True)
class Source:
    """Where a drafted sentence comes from.

    Either a character span [start, end) of the clinician's input text, or a FHIR
    reference of a chart entry ("Observation/abc"). Exactly one of the two is set.
    """

    start: int | None = None
    end: int | None = None
    reference: str | None = None

    @classmethod
    def span(cls, start: int, end: int) -> Source:
        return cls(start=start, end=end)

    @classmethod
    def chart(cls, reference: str) -> Source:
        return cls(reference=reference)

    def as_dict(self) -> dict:
        if self.reference is not None:
            return {"reference": self.reference}
        return {"start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        return cls(start=data.get("start"), end=data.get("end"), reference=data.get("reference"))


@dataclass(frozen=True)
class DraftSentence:
    """One sentence of a drafted section.

    `placeholder`: an explicit "[clinician to complete: …]" where the input said
    nothing the section needs. `supported`: False when no source in the input or the
    chart supports the sentence (only generated text can be unsupported); the sidebar
    flags those.
    """

    text: str
    sources: tuple[Source, ...] = ()
    placeholder: bool = False
    supported: bool = True

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "sources": [s.as_dict() for s in self.sources],
            "placeholder": self.placeholder,
            "supported": self.supported,
        }

    @classmethod
    def from_dict(cls, data: dict) -> DraftSentence:
        return cls(
            text=data["text"],
            sources=tuple(Source.from_dict(s) for s in data.get("sources", [])),
            placeholder=data.get("placeholder", False),
            supported=data.get("supported", True),
        )


@dataclass(frozen=True)
class DraftedSection:
    """A finished section of a note: template key and title, its sentences in order."""

    key: str
    title: str
    sentences: tuple[DraftSentence, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


@dataclass(frozen=True)
class DraftRequest:
    """Everything an engine needs: the template, the clinician's text or transcript, the
    chart, and the clinician's display name (seeds de-identification; may be None)."""

    template: NoteTemplate
    text: str
    chart: ChartContext
    kind: InputKind = "notes"
    clinician: str | None = None


@dataclass(frozen=True)
class SectionStarted:
    key: str
    title: str


@dataclass(frozen=True)
class SectionToken:
    """A piece of generated text for a section, as the model streams it."""

    key: str
    text: str


@dataclass(frozen=True)
class SectionCompleted:
    section: DraftedSection


EngineEvent = SectionStarted | SectionToken | SectionCompleted


@dataclass(frozen=True)
class EngineInfo:
    """Name, version and model of the engine that wrote a draft (for Provenance)."""

    name: str
    version: str
    model: str | None = None
    extra: dict = field(default_factory=dict)
