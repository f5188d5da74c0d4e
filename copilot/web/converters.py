class FhirIdConverter:
    """A FHIR resource id: 1-64 of A-Z a-z 0-9 - . (FHIR R4 `id` datatype)."""

    regex = r"[A-Za-z0-9\-\.]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
