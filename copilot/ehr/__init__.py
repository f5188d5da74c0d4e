"""The only code that talks to an EHR: a chart gateway interface and its FHIR R4 backend."""

from django.conf import settings

from .access import current_ehr_access
from .base import ChartGateway, ClientNotFound, EhrError, EhrUnavailable
from .fhir_r4 import FhirR4Gateway

__all__ = ["ChartGateway", "ClientNotFound", "EhrError", "EhrUnavailable", "get_gateway"]


def get_gateway() -> ChartGateway:
    """The gateway configured by settings (FHIR_BASE_URL, FHIR_BEARER_TOKEN, …), or, in
    a session opened by a SMART launch, to that launch's EHR with its access token."""
    access = current_ehr_access()
    return FhirR4Gateway(
        access.base_url if access else settings.FHIR_BASE_URL,
        bearer_token=access.bearer_token if access else settings.FHIR_BEARER_TOKEN,
        timeout=settings.FHIR_TIMEOUT_SECONDS,
        notes_count=settings.CHART_NOTES_COUNT,
        intake_questionnaires=tuple(settings.INTAKE_QUESTIONNAIRES),
    )
