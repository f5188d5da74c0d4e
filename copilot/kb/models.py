"""What the practice knowledge base holds: one row per loaded document."""

from __future__ import annotations

from django.db import models


class PracticeDocumentRecord(models.Model):
    """A document of the practice knowledge base as last loaded (`manage.py kb_load`).

    `file_name` is unique across the practice; `sha256` is of the file's bytes, so a
    reload of an unchanged file does nothing; `sections` is the text as read, a list
    of {"heading": str, "path": [str, ...], "text": str} in reading order (what a
    citation opens); `chunk_count` is what the index holds.
    """

    file_name = models.CharField(max_length=255, unique=True)
    title = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    sections = models.JSONField(default=list)
    chunk_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["file_name"]

    def __str__(self) -> str:
        return self.file_name

    def section(self, heading: str) -> dict | None:
        """The first section with this heading, or None."""
        return next((s for s in self.sections if s["heading"] == heading), None)
