"""The ledger entry of each audited action, built from the objects the services hold.

Each function returns an `Event` for `copilot.audit.ledger.record`; the calling
service records it inside its own transaction. `meta` stays free of PHI (ids,
engine, model, prompt version, FHIR references, latency); `content` holds the rest.
"""

from __future__ import annotations

import difflib
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
            "origin": draft.origin,
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


def approved(draft, note_text: str, *, routed: str) -> Event:
    """The author's Approve: `routed` "ehr" (to the outbox) or "cosign" (to the
    supervisor's queue)."""
    return Event(
        kind=Kind.APPROVAL,
        client_id=draft.client_id,
        meta={"draft": str(draft.id), "routed": routed, **_engine(draft)},
        content={"note": note_text},
    )


def section_decided(section, *, previous_text: str) -> Event:
    """Accept / edit / reject of one section; an edit carries its unified diff against
    the text before it (the AI text, or an earlier edit)."""
    diff = "".join(
        difflib.unified_diff(
            previous_text.splitlines(keepends=True),
            section.final_text.splitlines(keepends=True),
            "before",
            "after",
        )
    )
    return Event(
        kind=Kind.SECTION_DECISION,
        client_id=section.draft.client_id,
        meta={"draft": str(section.draft_id), "section": section.key, "decision": section.decision},
        content={"diff": diff} if section.decision == "edited" else {},
    )


def flag_acknowledged(flag) -> Event:
    return Event(
        kind=Kind.FLAG_ACKNOWLEDGED,
        client_id=flag.draft.client_id,
        meta={"draft": str(flag.draft_id), "flag": flag.pk, "risk": flag.kind},
        content={"quote": flag.quote},
    )


def ehr_written(write_back, references: list[str]) -> Event:
    """The note landed in the EHR: `references` are the created resources with their
    versions ("DocumentReference/abc/_history/1")."""
    draft = write_back.approval.draft
    return Event(
        kind=Kind.EHR_WRITE,
        client_id=draft.client_id,
        meta={"draft": str(draft.id), "attempts": write_back.attempts, "references": references},
    )


def codes_suggested(draft, suggestions) -> Event:
    """One coding-suggestion run for an approved note (copilot.coding): the codes with
    their evidence sources; nothing is submitted anywhere."""
    codes = [f"{s.system} {s.code}" for s in (*suggestions.cpt, *suggestions.icd10)]
    return Event(
        kind=Kind.AI_SUGGESTION,
        client_id=draft.client_id,
        meta={"purpose": "coding suggestions", "draft": str(draft.id), "codes": codes},
        content={
            "minutes": suggestions.minutes,
            "evidence": {
                f"{s.system} {s.code}": [e.text for e in s.evidence]
                for s in (*suggestions.cpt, *suggestions.icd10)
            },
            "missing": list(suggestions.missing),
        },
    )


def _plan_engine(review) -> dict[str, str]:
    return {
        "engine": review.engine_name,
        "engine_version": review.engine_version,
        "model": review.engine_model,
    }


def plan_drafted(
    review, *, outcome: str, evidence: Any = None, references=(), sent: Any = None, detail=""
) -> Event:
    """One treatment-plan review drafted (copilot.plans): the evidence it was drafted
    from, the payload an external model received (None: nothing left), each goal's
    output; `references` are the CarePlan and the evidence's FHIR references."""
    goals = list(
        review.goals.order_by("position").values(
            "goal_id", "ai_summary", "ai_status", "ai_reason", "ai_revised"
        )
    )
    return Event(
        kind=Kind.AI_DRAFT,
        client_id=review.client_id,
        outcome=outcome,
        meta={
            "purpose": "treatment-plan review",
            "plan_review": str(review.id),
            **_plan_engine(review),
            "latency_ms": round((timezone.now() - review.created_at).total_seconds() * 1000),
            "goals": len(goals),
            "references": list(references),
        },
        content={"evidence": evidence, "sent": sent, "output": goals, "detail": detail},
    )


def plan_goal_decided(section, *, previous: dict[str, str]) -> Event:
    """Accept / edit / reject of one goal of a plan review; an edit carries what changed
    (status, wording, summary) against the values before it."""
    now = {
        "status": section.final_status,
        "description": section.final_description,
        "summary": section.final_summary,
    }
    changed = {k: {"before": previous[k], "after": v} for k, v in now.items() if previous[k] != v}
    return Event(
        kind=Kind.SECTION_DECISION,
        client_id=section.review.client_id,
        meta={
            "plan_review": str(section.review_id),
            "goal": f"Goal/{section.goal_id}",
            "decision": section.decision,
        },
        content={"changed": changed} if section.decision == "edited" else {},
    )


def plan_approved(review, review_note: str, *, routed: str = "ehr") -> Event:
    """The author's Approve of a plan review: `routed` "ehr" (written to the EHR) or
    "cosign" (to the supervisor's co-signature queue)."""
    return Event(
        kind=Kind.APPROVAL,
        client_id=review.client_id,
        meta={"plan_review": str(review.id), "routed": routed, **_plan_engine(review)},
        content={"review": review_note},
    )


def plan_cosign_decided(request, content: dict[str, Any]) -> Event:
    """The supervisor's decision on a plan review sent for co-signature
    (copilot.plans.cosign): `review.cosign` (content: the review note as co-signed) or
    `review.return` (content: the comment), by the request's status."""
    kind = Kind.COSIGN if request.status == "cosigned" else Kind.RETURN
    return Event(
        kind=kind,
        client_id=request.review.client_id,
        meta={
            "plan_review": str(request.review_id),
            "cosign_request": str(request.pk),
            "author": request.submitted_by_id,
            "approval": request.approval_id,
        },
        content=content,
    )


def plan_written(approval, references: list[str], *, error: str = "") -> Event:
    """The plan review landed in the EHR (`references`: Goals, CarePlan and Provenance with
    versions), or failed for good (`error`)."""
    return Event(
        kind=Kind.EHR_WRITE,
        client_id=approval.review.client_id,
        outcome=Outcome.ERROR if error else Outcome.OK,
        meta={
            "plan_review": str(approval.review_id),
            "attempts": approval.attempts,
            "references": references,
        },
        content={"error": error} if error else {},
    )


# --- Secure messages (copilot.inbox) ---------------------------------------------------


def message_triaged(triage) -> Event:
    """One client message sorted (copilot.inbox.triage): the category, the urgent cue
    families and the words that decided (content)."""
    return Event(
        kind=Kind.AI_TRIAGE,
        client_id=triage.client_id,
        meta={
            "communication": f"Communication/{triage.communication_id}",
            "category": triage.category,
            "families": list(triage.families),
            "model": "triage.npz + lexicon",
        },
        content={"reasons": triage.reasons},
    )


def message_drafted(message) -> Event:
    """A message drafted for a client from a practice template (copilot.inbox.replies)."""
    return Event(
        kind=Kind.AI_MESSAGE,
        client_id=message.client_id,
        meta=_message_meta(message),
        content={"text": message.ai_text, "sources": message.sources},
    )


def message_decided(message, *, previous_text: str) -> Event:
    diff = "\n".join(
        difflib.unified_diff(previous_text.splitlines(), message.text.splitlines(), lineterm="")
    )
    return Event(
        kind=Kind.MESSAGE_DECISION,
        client_id=message.client_id,
        meta={**_message_meta(message), "decision": message.decision},
        content={"final_text": message.final_text, "diff": diff},
    )


def message_approved(message) -> Event:
    """Approved by its clinician, or by the practice's rule (INBOX_AUTO_SEND)."""
    return Event(
        kind=Kind.MESSAGE_APPROVAL,
        client_id=message.client_id,
        meta={**_message_meta(message), "by_rule": message.approved_by_rule},
        content={"text": message.text},
    )


def message_acknowledged(triage) -> Event:
    return Event(
        kind=Kind.MESSAGE_ACKNOWLEDGED,
        client_id=triage.client_id,
        meta={"communication": f"Communication/{triage.communication_id}"},
    )


def message_escalated(triage, supervisors: list[int], minutes: float) -> Event:
    """An urgent message left unacknowledged `minutes` went to these supervisors (user ids)."""
    return Event(
        kind=Kind.MESSAGE_ESCALATED,
        client_id=triage.client_id,
        meta={
            "communication": f"Communication/{triage.communication_id}",
            "supervisors": supervisors,
            "unacknowledged_minutes": round(minutes, 1),
        },
    )


def message_written(message, references: list[str], *, error: str = "") -> Event:
    """The message landed in the EHR as a Communication (or failed for good: `error`)."""
    return Event(
        kind=Kind.EHR_MESSAGE,
        client_id=message.client_id,
        outcome=Outcome.ERROR if error else Outcome.OK,
        meta={**_message_meta(message), "attempts": message.attempts, "references": references},
        content={"error": error} if error else {},
    )


def _message_meta(message) -> dict[str, Any]:
    meta = {"message": str(message.id), "kind": message.kind, "template": message.template_key}
    if message.in_response_to:
        meta["in_response_to"] = f"Communication/{message.in_response_to}"
    if message.appointment_id:
        meta["appointment"] = f"Appointment/{message.appointment_id}"
    return meta


# --- Claims and prior authorization (copilot.claims) ------------------------------------


def claim_drafted(record) -> Event:
    """A claim or prior-authorization request drafted: the Claim, its findings, the
    narrative if any."""
    return Event(
        kind=Kind.AI_CLAIM,
        client_id=record.client_id,
        meta={
            "claim": str(record.id),
            "use": record.use,
            "draft": str(record.draft_id) if record.draft_id else "",
            "findings": [f["rule"] for f in record.findings],
        },
        content={"resource": record.resource, "sentences": record.sentences},
    )


def claim_approved(record) -> Event:
    return Event(
        kind=Kind.CLAIM_APPROVAL,
        client_id=record.client_id,
        meta={"claim": str(record.id), "use": record.use},
        content={"resource": record.resource},
    )


def claim_written(record, references: list[str], *, error: str = "") -> Event:
    return Event(
        kind=Kind.EHR_CLAIM,
        client_id=record.client_id,
        outcome=Outcome.ERROR if error else Outcome.OK,
        meta={"claim": str(record.id), "attempts": record.attempts, "references": references},
        content={"error": error} if error else {},
    )
