"""Admin site: the mapping of users to FHIR Practitioners, roles and supervisors,
for providers whose tokens carry no fhirUser or supervisor claim."""

from django.contrib import admin

from .models import Clinician


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "practitioner_id", "role", "requires_cosign")
    list_filter = ("role", "requires_cosign")
    search_fields = ("display_name", "user__username", "practitioner_id")
    autocomplete_fields = ("supervisor",)
