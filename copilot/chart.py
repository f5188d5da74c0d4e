"""ChartContext: a typed, read-only snapshot of one client's chart for one request.

Built by the EHR gateway (`copilot.ehr`), read by the sidebar, the drafting engines
and retrieval. Every entry keeps `source`, the FHIR reference it came from
("Condition/abc"), so anything shown or drafted from it can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from copilot.measures import GAD7, PHQ9, MeasureSeries


@dataclass(frozen=True)
class Client:
    """Patient demographics. `age` is in whole years on the day the chart was read,
    or at death when `deceased` (the date of death) is recorded.

    The identifying details below are read so that de-identification
    (copilot.deid) can find them in text; they are never shown or sent:
    `other_names` every recorded name but `name` (Patient.name), `identifiers` every
    Patient.identifier value, `telecom` phone and email values (Patient.telecom),
    `addresses` street lines and postal codes (Patient.address), `contacts` the names
    of the client's contacts (Patient.contact.name: family, emergency contacts …).
    """

    id: str
    name: str
    birth_date: date | None
    age: int | None
    gender: str | None
    pronouns: str | None
    mrn: str | None
    deceased: date | None = None
    other_names: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    telecom: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return f"Patient/{self.id}"


@dataclass(frozen=True)
class ClientSummary:
    """One row of the client picker."""

    id: str
    name: str
    birth_date: date | None
    gender: str | None
    mrn: str | None


@dataclass(frozen=True)
class Diagnosis:
    """A Condition. `icd10` is set when the EHR coded it in ICD-10-CM;
    `clinical_status` is Condition.clinicalStatus ("active", "resolved", "remission",
    "inactive"…; None when not recorded); `abatement` the day it resolved
    (Condition.abatementDateTime); `restricted` when it is labeled 42 CFR Part 2
    substance-use information."""

    display: str
    icd10: str | None
    code: str | None
    system: str | None
    onset: date | None
    source: str
    restricted: bool = False
    clinical_status: str | None = "active"
    abatement: date | None = None


@dataclass(frozen=True)
class Medication:
    """A MedicationStatement or MedicationRequest; `status` is its FHIR status
    ("active", "stopped", "completed"…), `end` the day a stopped or completed one
    ended (MedicationStatement.effectivePeriod.end); `restricted` as for Diagnosis."""

    display: str
    rxnorm: str | None
    status: str
    start: date | None
    dosage: str | None
    source: str
    restricted: bool = False
    end: date | None = None


@dataclass(frozen=True)
class Goal:
    """A treatment-plan Goal (`lifecycleStatus`, `achievementStatus`, first target due
    date); `restricted` when labeled 42 CFR Part 2."""

    description: str
    lifecycle_status: str
    achievement_status: str | None
    start: date | None
    due: date | None
    source: str
    restricted: bool = False


@dataclass(frozen=True)
class TreatmentPlan:
    """The client's active CarePlan: `title`, `description` (CarePlan.description: the
    modality and frequency of care, e.g. "Outpatient psychotherapy every two weeks"),
    `start` (period.start, else created) and the activities' descriptions;
    `restricted` when labeled 42 CFR Part 2."""

    title: str
    description: str | None
    start: date | None
    activities: tuple[str, ...]
    source: str
    restricted: bool = False


@dataclass(frozen=True)
class CareTeamMember:
    """One participant of the client's active CareTeam: `name`
    (CareTeam.participant.member.display), `role` (participant.role text, e.g.
    "Primary therapist", "Supervisor"), `source` the CareTeam reference."""

    name: str
    role: str | None
    source: str


@dataclass(frozen=True)
class Note:
    """A clinical note (DocumentReference) with its plain text decoded; `restricted` when
    labeled 42 CFR Part 2; `psychotherapy` when labeled a psychotherapy note (HIPAA,
    45 CFR 164.501; meta.security PSYTHPN). Neither kind is ever put in a prompt."""

    title: str
    date: datetime | None
    author: str | None
    doc_status: str | None
    text: str
    source: str
    restricted: bool = False
    psychotherapy: bool = False


@dataclass(frozen=True)
class Visit:
    """An Encounter: its start/end, type (e.g. CPT 90834) and status."""

    start: datetime | None
    end: datetime | None
    type: str | None
    status: str
    source: str


@dataclass(frozen=True)
class ChartContext:
    """One client's chart as read at `read_at`.

    `diagnoses` and `medications` are the active ones (what a note states);
    `past_diagnoses` are resolved, inactive or in remission, `past_medications`
    stopped or completed MedicationStatements, the newest first. `care_team` lists
    the participants of the client's active CareTeams; `treatment_plan` is the active
    CarePlan that started last. `notes` are the most recent first; `skipped` counts
    resources the EHR returned that were malformed and left out (each is logged with
    its reference).
    """

    client: Client
    read_at: datetime
    diagnoses: tuple[Diagnosis, ...] = ()
    medications: tuple[Medication, ...] = ()
    goals: tuple[Goal, ...] = ()
    notes: tuple[Note, ...] = ()
    phq9: MeasureSeries = field(default_factory=lambda: MeasureSeries(PHQ9))
    gad7: MeasureSeries = field(default_factory=lambda: MeasureSeries(GAD7))
    last_visit: Visit | None = None
    next_visit: Visit | None = None
    past_diagnoses: tuple[Diagnosis, ...] = ()
    past_medications: tuple[Medication, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    treatment_plan: TreatmentPlan | None = None
    skipped: int = 0

    @property
    def last_note_date(self) -> datetime | None:
        return self.notes[0].date if self.notes else None


@dataclass(frozen=True)
class SourceDocument:
    """One chart entry as text for the retrieval index, with where it came from.

    `reference` is the FHIR reference ("DocumentReference/abc"); `kind` is one of
    note, diagnosis, medication, goal, care-plan, care-team, measure, intake; `date` is
    the clinical date (a datetime when the EHR gives a time); `version_id` and
    `last_updated` are the resource's `meta.versionId` / `meta.lastUpdated`.
    `restricted` marks 42 CFR Part 2 substance-use information (meta.security
    "42CFRPart2"); `psychotherapy` marks a psychotherapy note (HIPAA 45 CFR
    164.501, meta.security "PSYTHPN"), which is never indexed; `withdrawn` marks a
    resource that must leave the index (status entered-in-error); `replaces` lists
    references this one supersedes (DocumentReference.relatesTo code "replaces").
    """

    reference: str
    client_id: str
    kind: str
    title: str
    text: str
    date: date | None
    author: str | None
    version_id: str
    last_updated: datetime | None
    restricted: bool = False
    psychotherapy: bool = False
    withdrawn: bool = False
    replaces: tuple[str, ...] = ()

    @property
    def resource_type(self) -> str:
        return self.reference.split("/", 1)[0]


@dataclass(frozen=True)
class SourceBatch:
    """What one index read of a client's chart returned.

    `documents` are the entries read (all, or those changed since a time);
    `totals` is how many resources of each type the EHR holds for the client now
    (resource type → count), so a reader can tell that some were deleted;
    `skipped` counts malformed resources left out (each is logged).
    """

    documents: tuple[SourceDocument, ...]
    totals: dict[str, int]
    skipped: int = 0
