"""The ledger entry of each audited action, built from the objects the services hold.

Each function returns an `Event` for `copilot.audit.ledger.record`; the calling
service records it inside its own transaction. `meta` stays free of PHI (ids,
engine, model, prompt version, FHIR references, latency); `content` holds the rest.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .ledger import Event
from .models import LedgerEntry

Kind, Outcome = LedgerEntry.Kind, LedgerEntry.Outcome


def _engine(draft) -> dict[str, str]:
    return {
        "engine": draft.engine_name,
        "engine_version": draft.engine_version,
        "model": draft.engine_model,
    }


def draft_generated(draft, *, outcome: str, sent: Any = None, detail: str = "") -> Event:
    """One run of a drafting engine. `sent` is the exact payload that left for an
    external model after de-identification (None: nothing left, e.g. `grounded`)."""
    sections = list(draft.sections.order_by("position").values("key", "ai_text"))
    return Event(
        kind=Kind.AI_DRAFT,
        client_id=draft.client_id,
        outcome=outcome,
        meta={
            "purpose": f"progress note ({draft.template_key})",
            "draft": str(draft.id),
            **_engine(draft),
            "latency_ms": round((timezone.now() - draft.created_at).total_seconds() * 1000),
            "sections": len(sections),
        },
        content={"input": draft.input_text, "sent": sent, "output": sections, "detail": detail},
    )


def chat_answered(
    turn, *, references: list[str], sent: Any = None, latency_ms: int | None
) -> Event:
    """One chart question answered (or not found). `references`: the chart entries
    retrieved or cited; `sent`: the payload an external model received, if any."""
    return Event(
        kind=Kind.AI_CHAT,
        client_id=turn.client_id,
        meta={
            "purpose": "chart question",
            "chat_turn": turn.pk,
            "mode": turn.mode,
            "answer_kind": turn.kind,
            "references": references,
            "latency_ms": latency_ms,
        },
        content={"question": turn.question, "sent": sent, "answer": turn.answer},
    )
