"""A pre-licensed clinician (Arjun Patel) and their supervisor (Dr. Elena Rivera), as in
the sandbox and `manage.py seed_demo_users`; and a draft of theirs ready to approve."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.accounts.models import Clinician
from copilot.review import services
from tests.factories import ClinicianFactory, soap_draft


@dataclass
class Supervision:
    clinician: object  # the supervisee's User
    supervisor: object  # the supervisor's User


def supervision() -> Supervision:
    rivera = ClinicianFactory(
        practitioner_id="pr-rivera", display_name="Dr. Elena Rivera", role=Clinician.Role.SUPERVISOR
    )
    patel = ClinicianFactory(
        practitioner_id="pr-patel",
        display_name="Arjun Patel",
        requires_cosign=True,
        supervisor=rivera,
    )
    return Supervision(clinician=patel.user, supervisor=rivera.user)


def ready_draft(author, **kwargs):
    """A SOAP draft by `author` with every section accepted (nothing blocks Approve)."""
    draft = soap_draft(author=author, client_id=kwargs.pop("client_id", "bh-003"), **kwargs)
    for section in draft.sections.all():
        services.section_decide(actor=author, draft=draft, key=section.key, decision="accepted")
    return draft
