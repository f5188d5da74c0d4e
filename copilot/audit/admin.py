"""The ledger in the admin site: read-only list filtered by client, clinician, date and
kind, and export of a date range as a FHIR Bundle of AuditEvents."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .export import audit_bundle
from .models import LedgerEntry


class ExportForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="inclusive")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end date is before the start date.")
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes ledger entries, superusers included."""

    list_display = ("seq", "recorded_at", "kind", "actor_label", "client_id", "outcome")
    list_filter = ("kind", "outcome", "recorded_at", "actor_label")
    search_fields = ("=client_id", "actor_label")
    date_hierarchy = "recorded_at"
    readonly_fields = [f.name for f in LedgerEntry._meta.fields if f.name != "content"]
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="copilot_ledgerentry_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """GET: the date form; with valid dates, the Bundle as a JSON download."""
        form = ExportForm(request.GET or None)
        if not form.is_valid():
            context = {**self.admin_site.each_context(request), "form": form, "title": "Export"}
            return TemplateResponse(request, "admin/copilot/ledger_export.html", context)
        start = _day_start(form.cleaned_data["start"])
        end = _day_start(form.cleaned_data["end"]) + timedelta(days=1)
        body = json.dumps(audit_bundle(start, end), indent=2)
        response = HttpResponse(body, content_type="application/fhir+json")
        name = f"audit-{form.cleaned_data['start']}-{form.cleaned_data['end']}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
