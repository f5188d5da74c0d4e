"""Running an engine for a draft: risk flags first, then each section as it finishes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import aclosing

from asgiref.sync import sync_to_async

from copilot.drafting.engines import DraftEngine, EngineError
from copilot.drafting.risk import find_risk
from copilot.drafting.types import DraftRequest, EngineEvent, SectionCompleted

from . import services
from .models import Draft, RiskFlag

Emit = Callable[[EngineEvent], Awaitable[None]]


async def draft_flag_risks(
    *, draft: Draft, request: DraftRequest, engine: DraftEngine | None = None
) -> list[RiskFlag]:
    """Find risk statements in what the `engine` reads for this draft (its
    `risk_findings`, e.g. an intake's answers; first), the input and the chart, and
    store them on the draft, without repeats (same kind, negation and quote)."""
    found = await engine.risk_findings(request) if engine is not None else []
    found += await sync_to_async(find_risk, thread_sensitive=False)(request.text, request.chart)
    seen: set[tuple[str, bool, str]] = set()
    findings = []
    for finding in found:
        key = (finding.kind, finding.negated, " ".join(finding.quote.lower().split()))
        if key not in seen:
            seen.add(key)
            findings.append(finding)
    return await sync_to_async(services.draft_risk_flags_record)(draft=draft, findings=findings)


async def draft_run(
    *, draft: Draft, request: DraftRequest, engine: DraftEngine, emit: Emit
) -> Draft:
    """Stream the engine's events to `emit`, storing each finished section.

    Ends with the draft `complete`; or `incomplete` when the engine fails (EngineError,
    re-raised) or the run is cancelled (CancelledError, re-raised). Sections stored
    before the stop are kept.
    """
    position = 0
    try:
        async with aclosing(engine.stream(request)) as events:
            async for event in events:
                if isinstance(event, SectionCompleted):
                    await sync_to_async(services.draft_section_record)(
                        draft=draft, section=event.section, position=position
                    )
                    position += 1
                await emit(event)
    except asyncio.CancelledError:
        stop = _finish(draft, engine, complete=False, detail="cancelled by the clinician")
        await asyncio.shield(stop)
        raise
    except EngineError as error:
        await _finish(draft, engine, complete=False, detail=error.message, failed=True)
        raise
    return await _finish(draft, engine, complete=True)


async def draft_run_unattended(
    *, draft: Draft, request: DraftRequest, engine: DraftEngine
) -> Draft:
    """Flag risks and run the engine with nobody watching (a group member's note, a
    pre-draft): the events go nowhere, the sections are stored as they finish. An
    engine failure leaves the draft `incomplete` with the reason, shown in the
    sidebar, and is not raised."""
    await draft_flag_risks(draft=draft, request=request, engine=engine)
    try:
        return await draft_run(draft=draft, request=request, engine=engine, emit=_nowhere)
    except EngineError:
        return draft


async def _nowhere(_event: EngineEvent) -> None:
    return None


async def _finish(
    draft: Draft, engine: DraftEngine, *, complete: bool, detail: str = "", failed: bool = False
) -> Draft:
    """Record the end of the run; the ledger gets what the engine sent to a model (its
    `outbound`, copilot.deid.Outbound; the grounded engine sends nothing)."""
    outbound = getattr(engine, "outbound", None)
    return await sync_to_async(services.draft_finish)(
        draft=draft,
        complete=complete,
        detail=detail,
        cancelled=not complete and not failed,
        sent=outbound.as_dict() if outbound else None,
    )
