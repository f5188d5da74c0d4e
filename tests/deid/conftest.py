"""De-identification fixtures: a chart with every kind of identifier, and a fake chat
model that records exactly what it was sent (the outbound payload)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

from copilot.chart import ChartContext, Client, Note


class RecordingChatModel(FakeListChatModel):
    """FakeListChatModel that keeps the text of every prompt it receives."""

    sent: list[str] = Field(default_factory=list)

    def _record(self, messages) -> None:
        self.sent.append("\n".join(str(m.content) for m in messages))

    def _stream(self, messages, *args, **kwargs):
        self._record(messages)
        yield from super()._stream(messages, *args, **kwargs)

    async def _astream(self, messages, *args, **kwargs):
        self._record(messages)
        async for chunk in super()._astream(messages, *args, **kwargs):
            yield chunk


@pytest.fixture
def recording_llm(monkeypatch, settings):
    """Install a RecordingChatModel at the get_llm seam; returns a factory taking the
    model's reply."""
    settings.LLM_PROVIDER = "openai"

    def install(reply: str) -> RecordingChatModel:
        model = RecordingChatModel(responses=[reply])
        monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: model)
        return model

    return install


PSYCHOTHERAPY_TEXT = (
    "Process note. Countertransference: I felt protective of her when she described "
    "the argument with her landlord; raise this in supervision next week."
)


@pytest.fixture
def identified_chart() -> ChartContext:
    """A chart whose client has names, birth date, MRN, phone, email, address and a
    contact, with one psychotherapy note and one Part 2 note."""
    client = Client(
        id="deid-1",
        name="Maya Thompson",
        birth_date=date(1991, 3, 5),
        age=34,
        gender="female",
        pronouns="she/her",
        mrn="BH100237",
        other_names=("Maya J Thompson",),
        identifiers=("BH100237", "998-12-3456"),
        telecom=("555-010-1123", "maya.thompson@example.com"),
        addresses=("111 Maple Street", "01101"),
        contacts=("Dana Thompson",),
    )
    notes = (
        Note("Psychotherapy note", None, "Mei Chen", "final", PSYCHOTHERAPY_TEXT,
             "DocumentReference/psy-1", psychotherapy=True),
        Note("Progress note", None, "Mei Chen", "final",
             "Client discussed her drinking and attended two AA meetings this week.",
             "DocumentReference/p2-1", restricted=True),
    )  # fmt: skip
    return ChartContext(client=client, read_at=datetime(2026, 11, 22, tzinfo=UTC), notes=notes)
