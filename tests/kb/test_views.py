"""A cited section of the practice's documents opens at its excerpt; nothing else does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copilot.kb.services import load_folder
from copilot.qa.types import Citation
from copilot.web.presenters import citation_view

pytestmark = pytest.mark.django_db

REF = "kb:late-cancellation-and-no-show-policy.md#Exceptions"


def test_a_cited_section_opens_with_the_excerpt_marked(sample_folder, clinician, client):
    load_folder(sample_folder)
    client.force_login(clinician)
    url = reverse("practice-section")

    response = client.get(url, {"ref": REF, "start": 0, "end": 20})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Late Cancellation and No-Show Policy › Exceptions" in page
    assert '<mark id="cited-excerpt">' in page
    for ref in ("kb:late-cancellation-and-no-show-policy.md#Nope", "kb:x.md#Fees", "Patient/1"):
        assert client.get(url, {"ref": ref}).status_code == 404, ref


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("practice-section"), {"ref": REF})
    assert response.status_code == 302


def test_practice_citations_link_to_their_section():
    view = citation_view(
        Citation(
            REF,
            "Late Cancellation and No-Show Policy › Exceptions",
            None,
            "Fees are waived",
            10,
            25,
        )
    )
    assert view.practice and not view.note
