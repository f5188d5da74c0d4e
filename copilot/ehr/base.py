"""The EHR interface every backend implements, and its one error type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from copilot.chart import ChartContext, ClientSummary, SourceBatch, SourceDocument
from copilot.drafting.templates import PROGRESS_NOTE, DocumentType

if TYPE_CHECKING:
    from copilot.chart import Note

    from .course import CourseOfCare
    from .groups import CareGroup, GroupRoster
    from .intake import Intake
    from .messages import Appointment, Message, OutgoingMessage, WrittenMessage
    from .plans import PlanUpdate, TreatmentPlan, WrittenPlan


class EhrError(Exception):
    """Anything that went wrong talking to the EHR.

    `message` is safe to show a clinician (no PHI, no stack trace); `retryable`
    says whether trying again later can help.
    """

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class EhrUnavailable(EhrError):
    """The EHR could not be reached, timed out, or answered with a server error."""

    def __init__(self, message: str = "The EHR is unavailable right now.") -> None:
        super().__init__(message, retryable=True)


class ClientNotFound(EhrError):
    """The EHR has no client (Patient) with this id."""

    def __init__(self, client_id: str) -> None:
        super().__init__(f"The EHR has no client with id {client_id!r}.", retryable=False)
        self.client_id = client_id


@dataclass(frozen=True)
class NoteSection:
    title: str
    text: str


@dataclass(frozen=True)
class Agent:
    """A person in the note's Provenance: FHIR Practitioner id and display name."""

    practitioner_id: str
    display: str


@dataclass(frozen=True)
class ApprovedNote:
    """An approved progress note, ready for the EHR.

    `draft_id` becomes the DocumentReference.identifier (urn:uuid), so writing the same
    note again finds the first copy instead of creating a second. `sources` are the
    FHIR references of chart entries the draft cited (Provenance.entity).
    `legal_authenticator` is the supervisor who co-signed the note (None: no co-sign);
    they are also the last of `verifiers`. `document_type` is the
    DocumentReference.type (the template's; LOINC 11506-3 Progress note by default).
    """

    draft_id: str
    client_id: str
    template_name: str
    sections: tuple[NoteSection, ...]
    author: Agent
    verifiers: tuple[Agent, ...]
    drafted_at: datetime
    approved_at: datetime
    engine_name: str
    engine_version: str
    engine_model: str
    encounter_id: str = ""
    sources: tuple[str, ...] = ()
    legal_authenticator: Agent | None = None
    document_type: DocumentType = PROGRESS_NOTE

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.title}:\n{s.text}" for s in self.sections)


@dataclass(frozen=True)
class WrittenNote:
    """Where an approved note landed: ids (and version) of its DocumentReference and Provenance."""

    document_reference_id: str
    document_reference_version: str
    provenance_id: str


class ChartGateway(ABC):
    """Reads charts from one EHR. Implementations raise only `EhrError` subclasses."""

    @abstractmethod
    async def chart(self, client_id: str) -> ChartContext:
        """The chart of one client.

        Raises ClientNotFound for an unknown id and EhrUnavailable when the EHR is
        down; malformed resources are skipped (counted in `ChartContext.skipped`).
        """

    @abstractmethod
    async def course_of_care(self, client_id: str) -> CourseOfCare:
        """One client's whole course of care (copilot.ehr.course): therapy Encounters,
        Conditions of any status, active medications, Goals of any lifecycle status,
        interventions and risk statements from every note, PHQ-9 / GAD-7 series; every
        fact with its FHIR reference. Every page of each search is read. Raises
        ClientNotFound for an unknown id, EhrUnavailable when the EHR is down."""

    @abstractmethod
    async def clients(self, ids: Collection[str] | None = None) -> list[ClientSummary]:
        """The clients with these Patient ids (None: every client the EHR lists), sorted
        by name. Ids the EHR does not hold are left out."""

    async def ping(self) -> str:
        """The EHR's software name and FHIR version from its CapabilityStatement
        (`GET [base]/metadata`), for the health check. Raises EhrError."""
        raise NotImplementedError

    @abstractmethod
    async def care_team_clients(self, practitioner_id: str) -> frozenset[str]:
        """Patient ids of every active CareTeam with this Practitioner as a participant
        (FHIR R4 `CareTeam?participant=Practitioner/{id}&status=active`, every page):
        the clinician's caseload as the EHR records it. Raises EhrError."""

    @abstractmethod
    async def write_note(self, note: ApprovedNote) -> WrittenNote:
        """Write an approved note and its Provenance, at most once per `note.draft_id`.

        Safe to retry: a second call returns the resources the first one created.
        Raises EhrUnavailable (retry later) or EhrError (retrying will not help).
        """

    @abstractmethod
    async def index_sources(
        self, client_id: str, *, since: datetime | None = None, types: tuple[str, ...] = ()
    ) -> SourceBatch:
        """Every chart entry the retrieval index holds for one client, as SourceDocuments.

        Reads all pages of the client's notes (DocumentReference), Conditions,
        MedicationStatements and MedicationRequests, Goals, CarePlans, PHQ-9 /
        GAD-7 Observations and QuestionnaireResponses; `types` narrows that to some
        resource types (empty: all). With `since`, only entries whose
        `meta.lastUpdated` is at or after it; `SourceBatch.totals` still counts
        every entry the EHR holds, so deletions can be detected. Raises
        EhrUnavailable / EhrError; malformed resources are skipped and counted.
        """

    @abstractmethod
    async def document(self, reference: str) -> SourceDocument | None:
        """One indexed entry by reference ("DocumentReference/abc"); None when the EHR
        no longer has it. Raises EhrError for a reference of a type that is not indexed."""

    @abstractmethod
    async def client_groups(self, client_id: str) -> list[CareGroup]:
        """The active, actual person Groups (therapy groups) with this Patient as an
        active member (FHIR R4 `Group?member=Patient/{id}&type=person&actual=true`,
        every page), sorted by name. Raises EhrError."""

    @abstractmethod
    async def group_roster(self, group_id: str) -> GroupRoster:
        """One therapy group with its members' Patients (every recorded name and
        identifier, for keeping one member's note free of the others). Raises
        GroupNotFound (copilot.ehr.groups) for an unknown id or a Group that is not an
        actual person group, EhrUnavailable when the EHR is down."""

    @abstractmethod
    async def treatment_plan(self, client_id: str) -> TreatmentPlan | None:
        """The client's active CarePlan (`CarePlan?subject=Patient/{id}&status=active`, the
        latest `period.start`) with its Goals and their `meta.versionId`
        (copilot.ehr.plans); None when the client has no active CarePlan. Raises EhrError."""

    @abstractmethod
    async def notes_since(self, client_id: str, since: date | None) -> list[Note]:
        """Every note (DocumentReference) of the client dated on or after `since` (None:
        all), oldest first, every page; entered-in-error ones left out. Raises EhrError."""

    @abstractmethod
    async def write_plan_update(self, update: PlanUpdate) -> WrittenPlan:
        """Write an approved plan review (copilot.ehr.plans.transaction) at most once per
        `update.review_id`: a retry finds the review marker and returns what was written.
        Raises PlanChanged when the CarePlan or a Goal changed since the draft (nothing
        written), EhrUnavailable (retry later) or EhrError."""

    async def inbox(self, practitioner_id: str, *, limit: int = 200) -> list[Message]:
        """Secure messages from clients to this Practitioner (FHIR R4
        `Communication?recipient=Practitioner/{id}&status=in-progress,completed`, senders
        that are Patients only), newest `sent` first, at most `limit` (pages followed
        until then). Raises EhrError."""
        raise NotImplementedError

    async def client_messages(self, client_id: str, *, limit: int = 50) -> list[Message]:
        """Secure messages this client sent (`Communication?sender=Patient/{id}`, status
        in-progress or completed), newest first, at most `limit`. Raises EhrError."""
        raise NotImplementedError

    async def appointments(
        self, practitioner_id: str, *, start: datetime, end: datetime
    ) -> list[Appointment]:
        """This Practitioner's Appointments with a Patient that start in [start, end)
        (`Appointment?actor=Practitioner/{id}&date=ge…&date=lt…`, every page), any
        status, earliest first. Raises EhrError."""
        raise NotImplementedError

    async def client_appointments(self, client_id: str) -> list[Appointment]:
        """Every Appointment of this client (`Appointment?actor=Patient/{id}`, every
        page), earliest first. Raises EhrError."""
        raise NotImplementedError

    async def write_message(self, message: OutgoingMessage) -> WrittenMessage:
        """Write an approved message as one Communication (copilot.ehr.messages), at
        most once per `message.id`: a retry returns the first one. Raises
        EhrUnavailable (retry later) or EhrError (retrying will not help)."""
        raise NotImplementedError

    async def write_claim(self, resource: dict, identifier: str) -> tuple[str, str]:
        """Create a Claim (a claim or a prior-authorization request, built by
        copilot.claims) at most once per `identifier` (its urn:uuid value); returns the
        Claim's id and meta.versionId. Raises EhrUnavailable or EhrError."""
        raise NotImplementedError

    async def billed_services(self, client_id: str) -> set[tuple[str, str, date]]:
        """(client id, CPT/HCPCS code, service date) of every item of this client's
        claims in the EHR (`Claim?patient=Patient/{id}&use=claim`, every page), except
        cancelled or entered-in-error ones. Raises EhrError."""
        raise NotImplementedError

    @abstractmethod
    async def intake(self, client_id: str) -> Intake | None:
        """The client's latest completed intake questionnaire (FHIR R4
        QuestionnaireResponse, status completed or amended, of a Questionnaire named in
        INTAKE_QUESTIONNAIRES), parsed (copilot.ehr.intake); None when there is none.
        Raises EhrError."""
