"""FHIR Group → therapy groups and their rosters (types and parsing; no HTTP here).

A therapy group is an actual FHIR R4 Group of `type` person; its facilitator is the
Practitioner named as `managingEntity`; its members are `Group.member.entity`
Patients whose `inactive` is not true (https://hl7.org/fhir/R4/group.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.group import Group

from .base import EhrError


class GroupNotFound(EhrError):
    """The EHR has no actual person Group with this id."""

    def __init__(self) -> None:
        super().__init__("The EHR has no such group.", retryable=False)


@dataclass(frozen=True)
class CareGroup:
    """One therapy group: FHIR Group id, name, facilitator (Practitioner id and display,
    "" when the Group names none) and the Patient ids of its active members, in roster
    order."""

    id: str
    name: str
    facilitator_id: str
    facilitator: str
    member_ids: tuple[str, ...]

    @property
    def source(self) -> str:
        return f"Group/{self.id}"


@dataclass(frozen=True)
class GroupMember:
    """A member's Patient as far as a group note needs it: id, display name, every
    recorded name (Patient.name, all of them), identifier values (MRN and others)."""

    client_id: str
    name: str
    names: tuple[str, ...]
    identifiers: tuple[str, ...]


@dataclass(frozen=True)
class GroupRoster:
    """A group with its members' Patients (members the EHR has no Patient for are left out)."""

    group: CareGroup
    members: tuple[GroupMember, ...]

    def member(self, client_id: str) -> GroupMember | None:
        return next((m for m in self.members if m.client_id == client_id), None)


def build_group(resource: dict[str, Any]) -> CareGroup:
    """Group JSON → CareGroup (raises pydantic.ValidationError when malformed)."""
    model = Group.model_validate(resource)
    manager = model.managingEntity
    reference = (manager.reference or "") if manager else ""
    members = tuple(
        ref.removeprefix("Patient/")
        for m in model.member or []
        if not m.inactive and (ref := m.entity.reference or "").startswith("Patient/")
    )
    return CareGroup(
        id=model.id,
        name=model.name or "Unnamed group",
        facilitator_id=reference.removeprefix("Practitioner/")
        if reference.startswith("Practitioner/")
        else "",
        facilitator=(manager.display or "") if manager else "",
        member_ids=tuple(dict.fromkeys(members)),
    )


def is_therapy_group(resource: dict[str, Any]) -> bool:
    """An active, actual Group of people (what a group session is held for)."""
    return (
        resource.get("type") == "person"
        and resource.get("actual") is True
        and resource.get("active", True) is not False
    )


def member_from(client) -> GroupMember:
    """A GroupMember from a parsed Patient (copilot.chart.Client)."""
    identifiers = (*client.identifiers, *([client.mrn] if client.mrn else []))
    return GroupMember(
        client_id=client.id,
        name=client.name,
        names=(client.name, *client.other_names),
        identifiers=tuple(dict.fromkeys(identifiers)),
    )
