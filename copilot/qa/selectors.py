"""Reads of chart Q&A: a clinician's chat history with one client."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from .models import ChatTurn


def chat_history_for(
    *, clinician: AbstractBaseUser, client_id: str, limit: int | None = None
) -> list[ChatTurn]:
    """The clinician's last `limit` turns (default QA_HISTORY_TURNS) about the client,
    oldest first. Only the clinician's own turns: history is never shared."""
    limit = settings.QA_HISTORY_TURNS if limit is None else limit
    newest = ChatTurn.objects.filter(clinician=clinician, client_id=client_id).order_by(
        "-created_at", "-id"
    )[:limit]
    return list(reversed(newest))
