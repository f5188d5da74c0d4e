"""Admin site: caseload assignments (for clients without a CareTeam in the EHR).

Admins manage users and assignments here; no clinical model (drafts, chat turns,
the index) is registered, so the admin site shows no clinical content.
"""

from __future__ import annotations

from django.contrib import admin

from .models import CaseloadAssignment


@admin.register(CaseloadAssignment)
class CaseloadAssignmentAdmin(admin.ModelAdmin):
    list_display = ("clinician", "client_id", "assigned_by", "assigned_at")
    list_filter = ("clinician",)
    search_fields = ("client_id", "clinician__display_name")
    readonly_fields = ("assigned_by", "assigned_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
