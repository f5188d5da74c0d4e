"""Context of the sidebar's drafting and chat panels, shared by the page views and the
websocket."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from copilot.drafting.templates import all_templates
from copilot.qa.selectors import chat_history_for
from copilot.review import selectors, services
from copilot.summaries import SUMMARY_TABS
from copilot.summaries.forms import SummaryForm
from copilot.summaries.referral import ITEMS

from .presenters import DraftView, draft_view, history_views


def composer_context(user: AbstractBaseUser, client_id: str) -> dict:
    """The draft form: templates, the autosaved text and template, the input limit."""
    composer = selectors.composer_text_for(user, client_id)
    return {
        "templates": [
            t
            for t in all_templates().values()
            if t.key != "group" and t.key not in SUMMARY_TABS  # their own tabs
        ],
        "composer_text": composer.text if composer else "",
        "composer_template": composer.template_key if composer else "soap",
        "max_chars": settings.DRAFT_INPUT_MAX_CHARS,
    }


def summary_context(template_key: str, form: SummaryForm | None = None) -> dict:
    """One form of the Summaries tab: the template, what was typed and ticked (nothing
    ticked by default: minimum necessary), the referral items, the input limit."""
    template = all_templates()[template_key]
    return {
        "summary": template,
        "form": form or SummaryForm(template_key),
        "items": list(ITEMS.items()),
        "max_chars": settings.DRAFT_INPUT_MAX_CHARS,
    }


def latest_draft_view(user: AbstractBaseUser, client_id: str) -> DraftView | None:
    draft = selectors.draft_latest_for_client(user, client_id)
    if draft is None:
        return None
    return draft_view(services.draft_expire_if_stale(draft=draft))


def copilot_context(user: AbstractBaseUser, client_id: str) -> dict:
    """The drafting panel (form, latest draft) and the chat (the user's history with
    this client, newest QA_HISTORY_TURNS), with the socket's URL."""
    history = chat_history_for(clinician=user, client_id=client_id)
    return {
        **composer_context(user, client_id),
        "view": latest_draft_view(user, client_id),
        "history": history_views(history),
        "question_max_chars": settings.QA_QUESTION_MAX_CHARS,
        "ws_url": f"/ws/sidebar/{client_id}/",
        "summaries": [summary_context(key) for key in SUMMARY_TABS],
    }
