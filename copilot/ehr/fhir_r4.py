"""FHIR R4 backend of the chart gateway, on fhirpy's async client.

This module is the one place that makes HTTP calls to the EHR. The independent
searches of one chart run concurrently (one asyncio TaskGroup); every failure is
translated into an `EhrError` that says whether retrying can help.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from fhirpy import AsyncFHIRClient
from fhirpy.base.exceptions import (
    AuthorizationError,
    BaseFHIRError,
    ForbiddenError,
    OperationOutcome,
)

from copilot.chart import ChartContext, ClientSummary, Note, SourceBatch, SourceDocument
from copilot.measures import GAD7, LOINC_SYSTEM, PHQ9, MeasureSeries

from . import course, documents, groups, intake, messages, parsing, plans, sources
from .base import (
    ApprovedNote,
    ChartGateway,
    ClientNotFound,
    EhrError,
    EhrUnavailable,
    WrittenNote,
)
from .documents import IDENTIFIER_SYSTEM

logger = logging.getLogger(__name__)

T = TypeVar("T")

# OperationOutcome.issue.code values that mean "the server failed, try later"
# (FHIR R4 IssueType: https://hl7.org/fhir/R4/valueset-issue-type.html).
TRANSIENT_ISSUES = {"exception", "transient", "timeout", "throttled", "lock-error", "no-store"}
ACTIVE_GOAL_STATUSES = "proposed,planned,accepted,active,on-hold"
# Condition.clinicalStatus codes (condition-clinical) of a past diagnosis.
PAST_CLINICAL_STATUSES = "inactive,remission,resolved"
ID_BATCH = 50  # Patient ids per `_id=a,b,…` search, to keep URLs short
# A search of clients' messages: sent or finished ones (event-status), newest first.
MESSAGE_SEARCH = {"status": ",".join(messages.MESSAGE_STATUSES), "_sort": "-sent"}
THERAPY_GROUP = {"type": "person", "actual": "true"}


@dataclass(frozen=True)
class Search:
    """One FHIR search: `GET [base]/{resource_type}?{params}`; `pages` caps how many
    pages are read (None: follow every `next` link)."""

    resource_type: str
    params: dict[str, Any]
    pages: int | None = None


def chart_searches(client_id: str, *, now: datetime, notes_count: int) -> dict[str, Search]:
    """The independent FHIR searches that make up one client's chart, by purpose.

    Every search names the client as `subject=Patient/{id}` (or `_id` for the
    Patient), so each can run at the same time as the others. Past Conditions
    (resolved, inactive, in remission: the newest page of them) and stopped or
    completed MedicationStatements are read too, for questions about past diagnoses
    and medications; the chart keeps them apart from the active ones. The active
    CarePlan read is the one whose period started last (CarePlan `date` search).
    """
    stamp = now.isoformat(timespec="seconds")
    subject = {"subject": f"Patient/{client_id}"}
    measure_codes = ",".join(f"{LOINC_SYSTEM}|{i.total_loinc}" for i in (PHQ9, GAD7))
    return {
        "patient": Search("Patient", {"_id": client_id}, pages=1),
        "conditions": Search("Condition", {**subject, "clinical-status": "active"}),
        "past_conditions": Search(
            "Condition",
            {**subject, "clinical-status": PAST_CLINICAL_STATUSES, "_sort": "-recorded-date"},
            pages=1,
        ),
        "statements": Search(
            "MedicationStatement", {**subject, "status": "active,stopped,completed"}
        ),
        "requests": Search("MedicationRequest", {**subject, "status": "active"}),
        "goals": Search("Goal", {**subject, "lifecycle-status": ACTIVE_GOAL_STATUSES}),
        "care_team": Search("CareTeam", {**subject, "status": "active"}),
        "care_plan": Search(
            "CarePlan", {**subject, "status": "active", "_sort": "-date", "_count": 1}, pages=1
        ),
        "notes": Search(
            "DocumentReference", {**subject, "_sort": "-date", "_count": notes_count}, pages=1
        ),
        "measures": Search("Observation", {**subject, "code": measure_codes, "_sort": "date"}),
        "last_visit": Search(
            "Encounter", {**subject, "date": f"le{stamp}", "_sort": "-date", "_count": 1}, pages=1
        ),
        "next_visit": Search(
            "Encounter",
            {**subject, "date": f"gt{stamp}", "status": "planned", "_sort": "date", "_count": 1},
            pages=1,
        ),
    }


def course_searches(client_id: str) -> dict[str, Search]:
    """The searches of one client's whole course of care (every page of each), by
    purpose: Conditions of any clinical status, active medications, Goals of any
    lifecycle status, every note and Encounter, PHQ-9 / GAD-7 totals."""
    subject = {"subject": f"Patient/{client_id}"}
    measure_codes = ",".join(f"{LOINC_SYSTEM}|{i.total_loinc}" for i in (PHQ9, GAD7))
    return {
        "patient": Search("Patient", {"_id": client_id}, pages=1),
        "encounters": Search("Encounter", {**subject, "status": "finished", "_sort": "date"}),
        "conditions": Search("Condition", subject),
        "statements": Search("MedicationStatement", {**subject, "status": "active"}),
        "requests": Search("MedicationRequest", {**subject, "status": "active"}),
        "goals": Search("Goal", subject),
        "notes": Search("DocumentReference", {**subject, "_sort": "date"}),
        "measures": Search("Observation", {**subject, "code": measure_codes, "_sort": "date"}),
    }


INDEXED_TYPES = (
    "DocumentReference",
    "Condition",
    "MedicationStatement",
    "MedicationRequest",
    "Goal",
    "CarePlan",
    "CareTeam",
    "Observation",
    "QuestionnaireResponse",
)


def index_searches(
    client_id: str, *, since: datetime | None = None, types: tuple[str, ...] = INDEXED_TYPES
) -> dict[str, Search]:
    """One search per indexed resource type (every page), by resource type.

    With `since`, only resources whose `meta.lastUpdated` is at or after it
    (`_lastUpdated=ge…`: "ge", not "gt", so an update in the same millisecond is
    not lost; the caller skips versions it already holds). Observations are
    limited to PHQ-9 / GAD-7 totals.
    """
    measure_codes = ",".join(f"{LOINC_SYSTEM}|{i.total_loinc}" for i in (PHQ9, GAD7))
    extra = {"Observation": {"code": measure_codes}}
    changed = {"_lastUpdated": f"ge{since.isoformat()}"} if since else {}
    return {
        kind: Search(kind, {"subject": f"Patient/{client_id}", **extra.get(kind, {}), **changed})
        for kind in types
    }


def count_searches(client_id: str, *, types: tuple[str, ...] = INDEXED_TYPES) -> dict[str, Search]:
    """The same searches as `index_searches` without `since`, asking only for totals."""
    return {
        kind: Search(kind, {**search.params, "_summary": "count"}, pages=1)
        for kind, search in index_searches(client_id, types=types).items()
    }


class FhirR4Gateway(ChartGateway):
    """Chart gateway for any FHIR R4 server.

    `base_url` is the FHIR base (".../fhir/R4"); `bearer_token` is sent as
    `Authorization: Bearer …` when given; `timeout` is seconds per HTTP request;
    `notes_count` is how many recent notes a chart carries; `page_size` is the
    `_count` asked of each search (later pages are followed by their `next` link);
    `intake_questionnaires` are the canonical URLs of the Questionnaires whose responses
    count as intakes (empty: any QuestionnaireResponse).
    """

    def __init__(
        self,
        base_url: str,
        *,
        bearer_token: str = "",
        timeout: float = 10.0,
        notes_count: int = 5,
        page_size: int = 100,
        intake_questionnaires: tuple[str, ...] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.intake_questionnaires = frozenset(intake_questionnaires)
        self.notes_count = notes_count
        self.page_size = page_size
        self._client = AsyncFHIRClient(
            self.base_url,
            authorization=f"Bearer {bearer_token}" if bearer_token else None,
            aiohttp_config={"timeout": aiohttp.ClientTimeout(total=timeout)},
        )

    async def chart(self, client_id: str) -> ChartContext:
        now = datetime.now(tz=UTC)
        plan = chart_searches(client_id, now=now, notes_count=self.notes_count)
        raw = await self._gather({key: self._search(search) for key, search in plan.items()})
        if not raw["patient"]:
            raise ClientNotFound(client_id)
        return _assemble(raw, now=now, notes_count=self.notes_count)

    async def course_of_care(self, client_id: str) -> course.CourseOfCare:
        plan = course_searches(client_id)
        raw = await self._gather({key: self._search(search) for key, search in plan.items()})
        if not raw["patient"]:
            raise ClientNotFound(client_id)
        try:
            return course.assemble(raw, today=datetime.now(tz=UTC).date())
        except ValueError:
            raise EhrError(
                "The client's record in the EHR could not be read.", retryable=False
            ) from None

    async def clients(self, ids: Collection[str] | None = None) -> list[ClientSummary]:
        summaries, _ = parsing.parse_all(await self._patients(ids), parsing.build_client_summary)
        return sorted(summaries, key=lambda s: (s.name.split()[-1].lower(), s.name.lower()))

    async def _patients(self, ids: Collection[str] | None) -> list[dict[str, Any]]:
        """Patient resources with these ids (None: every Patient), `_id` in batches."""
        if ids is None:
            searches = {"all": Search("Patient", {"_count": 200})}
        else:
            wanted = sorted(set(ids))
            searches = {
                f"ids{n}": Search("Patient", {"_id": ",".join(wanted[n : n + ID_BATCH])})
                for n in range(0, len(wanted), ID_BATCH)
            }
        raw = await self._gather({key: self._search(search) for key, search in searches.items()})
        return [resource for key in searches for resource in raw[key]]

    async def client_groups(self, client_id: str) -> list[groups.CareGroup]:
        search = Search("Group", {"member": f"Patient/{client_id}", **THERAPY_GROUP})
        raw = await self._gather({"groups": self._search(search)})
        found, _ = parsing.parse_all(
            [g for g in raw["groups"] if groups.is_therapy_group(g)], groups.build_group
        )
        mine = [group for group in found if client_id in group.member_ids]
        return sorted(mine, key=lambda group: group.name.lower())

    async def group_roster(self, group_id: str) -> groups.GroupRoster:
        found = await self._gather({"group": self._search(Search("Group", {"_id": group_id}, 1))})
        candidates = [g for g in found["group"][:1] if groups.is_therapy_group(g)]
        built, _ = parsing.parse_all(candidates, groups.build_group)
        if not built:
            raise groups.GroupNotFound()
        today = datetime.now(tz=UTC).date()
        patients = await self._patients(built[0].member_ids) if built[0].member_ids else []
        clients, _ = parsing.parse_all(patients, lambda r: parsing.build_client(r, today=today))
        by_id = {client.id: groups.member_from(client) for client in clients}
        members = tuple(by_id[i] for i in built[0].member_ids if i in by_id)
        return groups.GroupRoster(group=built[0], members=members)

    async def intake(self, client_id: str) -> intake.Intake | None:
        search = Search(
            "QuestionnaireResponse",
            {
                "subject": f"Patient/{client_id}",
                "status": ",".join(sorted(intake.INTAKE_STATUSES)),
                "_sort": "-authored",
            },
        )
        raw = await self._gather({"responses": self._search(search)})
        found, _ = parsing.parse_all(raw["responses"], intake.build_intake)
        wanted = [i for i in found if self._is_intake(i) and i.client_id == client_id]
        # The server sorted newest first; sorting again covers servers that ignore _sort.
        latest = sorted(wanted, key=lambda i: i.authored.isoformat() if i.authored else "")
        return latest[-1] if latest else None

    def _is_intake(self, found: intake.Intake) -> bool:
        canonical = found.questionnaire.split("|", 1)[0]  # "url|version"
        return not self.intake_questionnaires or canonical in self.intake_questionnaires

    async def care_team_clients(self, practitioner_id: str) -> frozenset[str]:
        search = Search(
            "CareTeam", {"participant": f"Practitioner/{practitioner_id}", "status": "active"}
        )
        raw = await self._gather({"teams": self._search(search)})
        return frozenset(
            reference.removeprefix("Patient/")
            for team in raw["teams"]
            if (reference := str((team.get("subject") or {}).get("reference", ""))).startswith(
                "Patient/"
            )
        )

    async def index_sources(
        self,
        client_id: str,
        *,
        since: datetime | None = None,
        types: tuple[str, ...] = (),
    ) -> SourceBatch:
        types = types or INDEXED_TYPES
        plan = index_searches(client_id, since=since, types=types)
        searches: dict[str, Awaitable[Any]] = {k: self._search(v) for k, v in plan.items()}
        if since is not None:
            counts = count_searches(client_id, types=types)
            searches |= {f"total:{k}": self._total(v) for k, v in counts.items()}
        raw = await self._gather(searches)
        built, skipped = parsing.parse_all(
            (resource for kind in plan for resource in raw[kind]), sources.build_source
        )
        totals = {
            kind: raw[f"total:{kind}"] if since is not None else len(raw[kind]) for kind in plan
        }
        return SourceBatch(documents=tuple(built), totals=totals, skipped=skipped)

    async def document(self, reference: str) -> SourceDocument | None:
        kind, _, resource_id = reference.partition("/")
        if kind not in INDEXED_TYPES or not resource_id:
            raise EhrError(f"{reference!r} is not an indexed resource.", retryable=False)
        found = await self._gather({"found": self._search(Search(kind, {"_id": resource_id}, 1))})
        built, _ = parsing.parse_all(found["found"][:1], sources.build_source)
        return built[0] if built else None

    async def write_note(self, note: ApprovedNote) -> WrittenNote:
        identifier = documents.note_identifier(note.draft_id)
        document = await self._guard(
            self._create_once(
                documents.document_reference(note),
                if_none_exist=f"identifier={identifier['system']}|{identifier['value']}",
            )
        )
        target = f"DocumentReference/{document['id']}"
        provenance = await self._guard(
            self._create_once(documents.provenance(note, target=target), f"target={target}")
        )
        return WrittenNote(
            document_reference_id=document["id"],
            document_reference_version=(document.get("meta") or {}).get("versionId", ""),
            provenance_id=provenance["id"],
        )

    async def treatment_plan(self, client_id: str) -> plans.TreatmentPlan | None:
        search = Search("CarePlan", {"subject": f"Patient/{client_id}", "status": "active"})
        found = (await self._gather({"plans": self._search(search)}))["plans"]
        if not found:
            return None
        careplan = max(found, key=lambda p: str((p.get("period") or {}).get("start", "")))
        goals = await self._goals(_goal_ids(careplan))
        built, _ = parsing.parse_all(goals.values(), plans.build_goal)
        try:
            return plans.build_plan(careplan, built)
        except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            logger.warning("Unreadable %s: %s", parsing.reference_of(careplan), type(exc).__name__)
            message = "The client's treatment plan could not be read."
            raise EhrError(message, retryable=False) from exc

    async def _goals(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Goal JSON by id (ids the EHR does not hold are left out)."""
        if not ids:
            return {}
        raw = await self._gather({"goals": self._search(Search("Goal", {"_id": ",".join(ids)}))})
        return {g["id"]: g for g in raw["goals"]}

    async def notes_since(self, client_id: str, since: date | None) -> list[Note]:
        params: dict[str, Any] = {"subject": f"Patient/{client_id}", "_sort": "date"}
        if since is not None:
            params["date"] = f"ge{since.isoformat()}"
        raw = await self._gather({"notes": self._search(Search("DocumentReference", params))})
        notes, _ = parsing.parse_all(raw["notes"], parsing.build_note)
        return notes

    async def write_plan_update(self, update: plans.PlanUpdate) -> plans.WrittenPlan:
        careplan, goals = await self._plan_now(update)
        if plans.has_review(careplan, update.review_id):
            return await self._written_before(update, careplan, goals)
        bundle = plans.transaction(update, careplan, goals)
        try:
            response = await self._guard(self._client.execute("", method="post", data=bundle))
        except EhrError as error:
            if error.retryable:
                raise
            # If-Match failed (412/409), or the EHR refused the Bundle: tell which.
            careplan, goals = await self._plan_now(update)
            if plans.has_review(careplan, update.review_id):
                return await self._written_before(update, careplan, goals)
            if _versions_changed(update, careplan, goals):
                raise plans.PlanChanged() from error
            raise
        entries = [e.get("resource") or {} for e in (response or {}).get("entry") or []]
        versions = {r.get("id", ""): (r.get("meta") or {}).get("versionId", "") for r in entries}
        provenance = next((r for r in entries if r.get("resourceType") == "Provenance"), {})
        return plans.WrittenPlan(
            careplan_version=versions.get(update.careplan_id, ""),
            goal_versions={g.goal_id: versions.get(g.goal_id, "") for g in update.goals},
            provenance_id=provenance.get("id", ""),
        )

    async def _plan_now(self, update: plans.PlanUpdate) -> tuple[dict, dict[str, dict]]:
        """The CarePlan and the review's Goals as the EHR holds them now."""
        search = Search("CarePlan", {"_id": update.careplan_id}, pages=1)
        found = await self._gather(
            {"plan": self._search(search), "goals": self._goals([g.goal_id for g in update.goals])}
        )
        if not found["plan"]:
            raise EhrError("The treatment plan is no longer in the EHR.", retryable=False)
        missing = [g.goal_id for g in update.goals if g.goal_id not in found["goals"]]
        if missing:
            raise EhrError("A goal of the treatment plan is no longer in the EHR.", retryable=False)
        return found["plan"][0], found["goals"]

    async def _written_before(
        self, update: plans.PlanUpdate, careplan: dict, goals: dict[str, dict]
    ) -> plans.WrittenPlan:
        """What an earlier attempt wrote for this review (its Provenance found by target
        and the review identifier)."""
        search = Search("Provenance", {"target": f"CarePlan/{update.careplan_id}"})
        found = (await self._gather({"provenance": self._search(search)}))["provenance"]
        wanted = plans.review_identifier(update.review_id)["value"]
        provenance = next(
            (
                p
                for p in found
                for e in p.get("entity") or []
                if ((e.get("what") or {}).get("identifier") or {}).get("value") == wanted
            ),
            {},
        )
        return plans.WrittenPlan(
            careplan_version=(careplan.get("meta") or {}).get("versionId", ""),
            goal_versions={i: (g.get("meta") or {}).get("versionId", "") for i, g in goals.items()},
            provenance_id=provenance.get("id", ""),
            already=True,
        )

    async def _create_once(self, resource: dict[str, Any], if_none_exist: str) -> dict[str, Any]:
        """FHIR conditional create (`If-None-Exist`) sent as a one-entry transaction.

        Returns the created resource, or the one already matching `if_none_exist`.
        """
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "resource": resource,
                    "request": {
                        "method": "POST",
                        "url": resource["resourceType"],
                        "ifNoneExist": if_none_exist,
                    },
                }
            ],
        }
        response = await self._client.execute("", method="post", data=bundle)
        entry = ((response or {}).get("entry") or [{}])[0]
        status = str((entry.get("response") or {}).get("status", ""))
        if not status.startswith("2") or "resource" not in entry:
            outcome = (entry.get("response") or {}).get("outcome")
            if outcome:
                raise _from_outcome(outcome)
            kind = resource["resourceType"]
            raise EhrError(
                f"The EHR did not store the {kind} (status {status or '?'}).", retryable=False
            )
        return dict(entry["resource"])

    async def inbox(self, practitioner_id: str, *, limit: int = 200) -> list[messages.Message]:
        return await self._messages(
            {"recipient": f"Practitioner/{practitioner_id}"},
            limit=limit,
            keep=lambda m: practitioner_id in m.recipient_ids,
        )

    async def client_messages(self, client_id: str, *, limit: int = 50) -> list[messages.Message]:
        return await self._messages(
            {"sender": f"Patient/{client_id}"}, limit=limit, keep=lambda m: m.client_id == client_id
        )

    async def _messages(
        self, params: dict[str, Any], *, limit: int, keep: Callable[[messages.Message], bool]
    ) -> list[messages.Message]:
        """Clients' messages (status in-progress or completed) matching `params` that
        `keep` accepts, newest first, at most `limit`: pages are read until `limit` are
        found or none are left."""
        count = max(1, min(limit, self.page_size))
        search = Search("Communication", {**params, **MESSAGE_SEARCH, "_count": count})

        async def collect() -> list[messages.Message]:
            found: list[messages.Message] = []
            async with aclosing(self._pages(search)) as pages:
                async for page in pages:
                    built, _ = parsing.parse_all(page, messages.parse_message)
                    found.extend(m for m in built if keep(m))
                    if len(found) >= limit:
                        break
            return found

        found = (await self._gather({"messages": collect()}))["messages"]
        # The server sorted newest first; sorting again covers servers that ignore _sort.
        return sorted(found, key=lambda m: m.sent, reverse=True)[:limit]

    async def appointments(
        self, practitioner_id: str, *, start: datetime, end: datetime
    ) -> list[messages.Appointment]:
        actor = f"Practitioner/{practitioner_id}"
        window = [f"ge{start.isoformat()}", f"lt{end.isoformat()}"]
        search = Search("Appointment", {"actor": actor, "date": window, "_sort": "date"})
        return await self._appointments(search, actor)

    async def client_appointments(self, client_id: str) -> list[messages.Appointment]:
        actor = f"Patient/{client_id}"
        return await self._appointments(
            Search("Appointment", {"actor": actor, "_sort": "date"}), actor
        )

    async def _appointments(self, search: Search, actor: str) -> list[messages.Appointment]:
        """Every page of `search`, the Appointments naming `actor` (a reference) as a
        participant, parsed, earliest first."""
        raw = (await self._gather({"appointments": self._search(search)}))["appointments"]
        mine = [a for a in raw if actor in _actors(a)]
        found, _ = parsing.parse_all(mine, messages.parse_appointment)
        return sorted(found, key=lambda a: a.start)

    async def write_message(self, message: messages.OutgoingMessage) -> messages.WrittenMessage:
        identifier = messages.message_identifier(message.id)
        written = await self._guard(
            self._create_once(
                messages.communication(message),
                if_none_exist=f"identifier={identifier['system']}|{identifier['value']}",
            )
        )
        return messages.WrittenMessage(
            communication_id=written["id"],
            version=(written.get("meta") or {}).get("versionId", ""),
        )

    async def write_claim(self, resource: dict, identifier: str) -> tuple[str, str]:
        written = await self._guard(
            self._create_once(
                resource, if_none_exist=f"identifier={IDENTIFIER_SYSTEM}|{identifier}"
            )
        )
        return written["id"], (written.get("meta") or {}).get("versionId", "")

    async def billed_services(self, client_id: str) -> set[tuple[str, str, date]]:
        search = Search("Claim", {"patient": f"Patient/{client_id}", "use": "claim"})
        claims = (await self._gather({"claims": self._search(search)}))["claims"]
        billed = set()
        for claim in claims:
            if claim.get("status") in ("cancelled", "entered-in-error"):
                continue
            for item in claim.get("item") or []:
                codes = ((item.get("productOrService") or {}).get("coding")) or []
                served = item.get("servicedDate")
                if codes and served:
                    billed.add((client_id, codes[0].get("code", ""), date.fromisoformat(served)))
        return billed

    async def ping(self) -> str:
        statement = await self._guard(self._client.execute("metadata", method="get"))
        if not statement or statement.get("resourceType") != "CapabilityStatement":
            raise EhrError("The EHR did not answer with a CapabilityStatement.", retryable=True)
        software = (statement.get("software") or {}).get("name") or "FHIR server"
        return f"{software} (FHIR {statement.get('fhirVersion', '?')})"

    async def _gather(self, searches: dict[str, Awaitable[Any]]) -> dict[str, Any]:
        """Run every search at once; the first EhrError cancels the rest and is raised."""
        try:
            async with asyncio.TaskGroup() as group:
                tasks = {k: group.create_task(self._guard(v)) for k, v in searches.items()}
        except* EhrError as errors:
            error = _most_telling(errors.exceptions)
            if error.retryable:
                logger.warning("EHR at %s unavailable: %s", _host(self.base_url), error.__cause__)
            raise error from None
        return {key: task.result() for key, task in tasks.items()}

    async def _search(self, search: Search) -> list[dict[str, Any]]:
        """Search results as plain dicts, following `next` links up to `search.pages`."""
        return [resource async for page in self._pages(search) for resource in page]

    async def _pages(self, search: Search) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page of a search as plain dicts, following `next` links up to
        `search.pages`; a caller that has enough stops reading more."""
        bundle = await self._client.execute(
            search.resource_type, method="get", params={"_count": self.page_size, **search.params}
        )
        yield _entries(bundle)
        fetched = 1
        while (link := _next_link(bundle)) and (search.pages is None or fetched < search.pages):
            bundle = await self._client.execute(link, method="get")
            yield _entries(bundle)
            fetched += 1

    async def _total(self, search: Search) -> int:
        """The `total` of a `_summary=count` search."""
        bundle = await self._client.execute(
            search.resource_type, method="get", params=search.params
        )
        if not bundle or not isinstance(bundle.get("total"), int):
            raise ValueError("count search did not return a total")
        return bundle["total"]

    async def _guard(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except EhrError:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise EhrUnavailable() from exc
        except (AuthorizationError, ForbiddenError) as exc:
            raise EhrError("The EHR refused the copilot's credentials.", retryable=False) from exc
        except OperationOutcome as exc:
            raise _from_outcome(exc.resource) from exc
        except BaseFHIRError as exc:
            raise EhrError("The EHR answered with an error.", retryable=False) from exc
        except ValueError as exc:  # a body that is not JSON: a proxy or gateway page
            raise EhrUnavailable() from exc


def _assemble(raw: dict[str, Any], *, now: datetime, notes_count: int) -> ChartContext:
    today = now.date()
    client, bad_patient = parsing.parse_all(
        raw["patient"][:1], lambda r: parsing.build_client(r, today=today)
    )
    if not client:
        raise EhrError("The client's record in the EHR could not be read.", retryable=False)
    diagnoses, s1 = parsing.parse_all(raw["conditions"], parsing.build_diagnosis)
    past_diagnoses, s9 = parsing.parse_all(raw["past_conditions"], parsing.build_diagnosis)
    medications, s2 = parsing.parse_all(
        raw["statements"] + raw["requests"], parsing.build_medication
    )
    goals, s3 = parsing.parse_all(raw["goals"], parsing.build_goal)
    notes, s4 = parsing.parse_all(raw["notes"], parsing.build_note)
    measures, s5 = parsing.parse_all(raw["measures"], parsing.build_measure)
    last_visit, s6 = parsing.parse_all(raw["last_visit"], parsing.build_visit)
    next_visit, s7 = parsing.parse_all(raw["next_visit"], parsing.build_visit)
    teams, s8 = parsing.parse_all(raw["care_team"], parsing.build_care_team)
    plans, s10 = parsing.parse_all(raw["care_plan"], parsing.build_treatment_plan)
    return ChartContext(
        client=client[0],
        read_at=now,
        diagnoses=tuple(diagnoses),
        medications=tuple(
            sorted(
                (m for m in medications if m.status == "active"), key=lambda m: m.display.lower()
            )
        ),
        goals=tuple(goals),
        notes=tuple(notes[:notes_count]),
        phq9=MeasureSeries.of(PHQ9, [m for m in measures if m.instrument is PHQ9]),
        gad7=MeasureSeries.of(GAD7, [m for m in measures if m.instrument is GAD7]),
        last_visit=last_visit[0] if last_visit else None,
        next_visit=next_visit[0] if next_visit else None,
        past_diagnoses=_newest_first(past_diagnoses, lambda d: d.abatement or d.onset),
        past_medications=_newest_first(
            [m for m in medications if m.status in ("stopped", "completed")],
            lambda m: m.end or m.start,
        ),
        care_team=tuple(member for team in teams for member in team),
        treatment_plan=plans[0] if plans else None,
        skipped=bad_patient + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10,
    )


def _newest_first(entries: list[T], day: Callable[[T], date | None]) -> tuple[T, ...]:
    """`entries` by `day`, the newest first, undated ones last."""
    return tuple(
        sorted(entries, key=lambda e: (day(e) is not None, day(e) or date.min), reverse=True)
    )


def _actors(appointment: dict[str, Any]) -> set[str]:
    """The references of an Appointment's participant actors."""
    return {
        str((p.get("actor") or {}).get("reference", ""))
        for p in appointment.get("participant") or []
    }


def _goal_ids(careplan: dict[str, Any]) -> list[str]:
    refs = [str((g or {}).get("reference", "")) for g in careplan.get("goal") or []]
    return [r.removeprefix("Goal/") for r in refs if r.startswith("Goal/")]


def _versions_changed(update: plans.PlanUpdate, careplan: dict, goals: dict[str, dict]) -> bool:
    """Has the CarePlan or a Goal of the review a version other than the draft's?"""

    def version(resource: dict) -> str:
        return (resource.get("meta") or {}).get("versionId", "")

    return version(careplan) != update.careplan_version or any(
        version(goals[g.goal_id]) != g.version for g in update.goals
    )


def _entries(bundle: Any) -> list[dict[str, Any]]:
    if not bundle or bundle.get("resourceType") != "Bundle":
        raise ValueError("search did not return a Bundle")
    return [dict(entry["resource"]) for entry in bundle.get("entry") or [] if "resource" in entry]


def _next_link(bundle: Any) -> str | None:
    return next(
        (link["url"] for link in bundle.get("link") or [] if link.get("relation") == "next"), None
    )


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _from_outcome(outcome: dict[str, Any]) -> EhrError:
    """A failed response as an EhrError.

    fhirpy hides the HTTP status; what it keeps is the body. A FHIR server answers
    in FHIR, so a body that was not an OperationOutcome (fhirpy then synthesizes one
    whose `text.div` repeats the raw body) came from the infrastructure in front of
    it - a proxy's or load balancer's 502/503/504 page - and is worth retrying, as
    are outcomes whose issue codes say the failure is transient.
    """
    issues = outcome.get("issue") or []
    codes = {issue.get("code") for issue in issues}
    div = (outcome.get("text") or {}).get("div")
    synthesized = bool(issues) and div is not None and div == issues[0].get("diagnostics")
    if synthesized or codes & TRANSIENT_ISSUES:
        return EhrUnavailable()
    detail = next(
        (
            i.get("diagnostics") or (i.get("details") or {}).get("text")
            for i in issues
            if i.get("diagnostics") or i.get("details")
        ),
        None,
    )
    return EhrError(
        f"The EHR rejected the request: {detail or 'no detail given'}.", retryable=False
    )


def _most_telling(errors: tuple[Exception, ...]) -> EhrError:
    """Of several failures, the one that explains the most (unavailable beats not found)."""
    typed = [e for e in errors if isinstance(e, EhrError)]
    return next((e for e in typed if isinstance(e, EhrUnavailable)), typed[0])
