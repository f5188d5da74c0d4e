"""factory_boy factories for users, clinicians and drafts."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from copilot.accounts.models import Clinician
from copilot.review.models import Draft, DraftSection, RiskFlag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"clinician{n}")
    password = factory.django.Password("pw")


class ClinicianFactory(factory.django.DjangoModelFactory):
    """A clinician linked to a sandbox Practitioner (Mei Chen by default)."""

    class Meta:
        model = Clinician

    user = factory.SubFactory(UserFactory)
    practitioner_id = "pr-chen"
    display_name = "Mei Chen"


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft

    client_id = "bh-001"
    author = factory.LazyAttribute(lambda _: ClinicianFactory().user)
    template_key = "soap"
    engine_name = "grounded"
    engine_version = "1.0"
    input_kind = Draft.InputKind.NOTES
    input_text = "Client reported sleeping better. Mood euthymic. Continue CBT next week."
    status = Draft.Status.COMPLETE


class DraftSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftSection

    draft = factory.SubFactory(DraftFactory)
    key = factory.Sequence(lambda n: f"section{n}")
    title = factory.LazyAttribute(lambda o: o.key.capitalize())
    position = factory.Sequence(lambda n: n)
    ai_text = "Client reported sleeping better."
    final_text = factory.LazyAttribute(lambda o: o.ai_text)
    sentences = factory.LazyAttribute(
        lambda o: [{"text": o.ai_text, "sources": [{"start": 0, "end": 32}]}]
    )


class RiskFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskFlag

    draft = factory.SubFactory(DraftFactory)
    kind = "suicidal_ideation"
    negated = False
    quote = "Client endorsed passive suicidal ideation"
    source = {"start": 0, "end": 41}


def soap_draft(**kwargs) -> Draft:
    """A complete SOAP draft with its four sections, all undecided."""
    draft = DraftFactory(**kwargs)
    for position, key in enumerate(["subjective", "objective", "assessment", "plan"]):
        DraftSectionFactory(
            draft=draft,
            key=key,
            title=key.capitalize(),
            position=position,
            ai_text=f"{key.capitalize()} text from the input.",
        )
    return draft
