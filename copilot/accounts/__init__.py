"""Clinicians: the link from a Django user to their FHIR Practitioner, role and supervisor."""
