"""Chat history: each question a clinician asked about a client, with its answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .types import AnswerSentence


class ChatTurn(models.Model):
    """One question and its answer in the sidebar chat of one clinician for one client.

    `answer` is Answer.as_dict() (sentences with citations), so the sidebar shows a
    past answer exactly as it was given even after the chart has changed. `mode` is
    how it was answered: structured, grounded or llm.
    """

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_turns"
    )
    client_id = models.CharField("FHIR Patient id", max_length=64)
    question = models.TextField()
    answer = models.JSONField()
    kind = models.CharField(max_length=16)  # structured | extractive | llm | not_found
    mode = models.CharField(max_length=16)
    found = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["clinician", "client_id", "created_at"], name="chat_turn_history")
        ]

    def __str__(self) -> str:
        return f"Chat turn {self.pk} for Patient/{self.client_id}"

    @property
    def sentences(self) -> tuple[AnswerSentence, ...]:
        return tuple(AnswerSentence.from_dict(s) for s in self.answer.get("sentences", ()))
