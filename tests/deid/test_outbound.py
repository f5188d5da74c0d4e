"""De-identification of a prompt before an external model, and mapping the reply back."""

from __future__ import annotations

import pytest

from copilot.deid import outbound
from copilot.deid.outbound import deidentify
from copilot.deid.pseudonyms import shift_days
from copilot.deid.recognizers import ChartSeeds

TEXT = (
    "Maya Thompson (MRN BH100237, born 3/5/1991) called from 555 010 1123 and wrote from "
    "maya.thompson@example.com. She lives at 111 Maple Street. maya said her sister Dana "
    "visited on March 3rd and that Bob Smith, her landlord, called. Seen by Dr. Mei Chen. "
    "She has slept badly for three weeks."
)
IDENTIFIERS = [
    "Maya",
    "Thompson",
    "BH100237",
    "3/5/1991",
    "555 010 1123",
    "maya.thompson@example.com",
    "111 Maple Street",
    "Dana",
    "March 3rd",
    "Bob Smith",
    "Mei Chen",
]


def test_every_identifier_the_chart_or_presidio_knows_leaves_the_payload(identified_chart):
    sent = outbound(TEXT, chart=identified_chart, clinician="Mei Chen", provider="anthropic")
    for identifier in IDENTIFIERS:
        assert identifier.lower() not in sent.payload.lower(), identifier
    assert sent.external
    assert "[CLIENT]" in sent.payload and "[CLINICIAN]" in sent.payload
    assert "three weeks" in sent.payload  # a duration is not an identifier


def test_the_same_mention_gets_the_same_placeholder_and_people_differ(identified_chart):
    text = "Bob Smith called. He said that Bob Smith would call again. Ann Lee called too."
    sent = outbound(text, chart=identified_chart, provider="openai")
    placeholders = {r.original: r.placeholder for r in sent.replacements}
    assert sent.payload.count(placeholders["Bob Smith"]) == 2
    assert placeholders["Bob Smith"] != placeholders["Ann Lee"]
    assert placeholders["Bob Smith"].startswith("[PERSON_")


def test_the_reply_is_mapped_back_to_the_original_words(identified_chart):
    sent = outbound(TEXT, chart=identified_chart, clinician="Mei Chen", provider="openai")
    reply = sent.payload.split("\n\n(")[0]  # a model that repeats the text verbatim
    assert sent.reidentify(reply) == TEXT


def test_the_record_lists_each_replacement_with_its_entity(identified_chart):
    sent = outbound(TEXT, chart=identified_chart, provider="openai")
    record = sent.as_dict()
    assert record["payload"] == sent.payload
    mrn = next(r for r in record["replacements"] if r["original"] == "BH100237")
    assert mrn["entity"] == "CHART_IDENTIFIER" and mrn["placeholder"] in sent.payload


@pytest.mark.parametrize(
    ("provider", "listed", "external"),
    [
        ("openai_compatible", ["openai_compatible"], False),
        ("openai_compatible", [], True),
        ("openai", ["openai"], True),  # a hosted service is never local
        ("some_new_provider", [], True),
        ("", [""], True),
    ],
)
def test_only_listed_non_hosted_providers_are_local(
    settings, identified_chart, provider, listed, external
):
    settings.LLM_LOCAL_PROVIDERS = listed
    sent = outbound(TEXT, chart=identified_chart, provider=provider)
    assert sent.external is external
    assert (sent.payload == TEXT) is (not external)


def test_dates_can_be_shifted_by_the_clients_fixed_offset(settings, identified_chart):
    settings.DEID_DATES = "shift"
    days = shift_days("deid-1", settings.SECRET_KEY, settings.DEID_DATE_SHIFT_MAX_DAYS)
    text = "Seen on March 10, 2026. Next seen on March 10, 2026."
    first = outbound(text, chart=identified_chart, provider="openai")
    again = outbound(text, chart=identified_chart, provider="openai")
    assert first.payload == again.payload
    assert "March 10, 2026" not in first.payload and "[DATE" not in first.payload
    assert 1 <= abs(days) <= settings.DEID_DATE_SHIFT_MAX_DAYS
    assert first.reidentify(first.payload.split("\n\n(")[0]) == text


def test_month_name_dates_leave_and_clinical_words_stay():
    text = (
        "Client's PHQ-9 went from 19 on Aug 14, 2026 to 6 on 20 November 2026 (-68%); "
        "GAD-7 fell from 12 to 5 by Nov. 27th. PHQ-9 item 9 scored 0; C-SSRS negative."
    )
    payload, _ = deidentify(text, ChartSeeds())
    for date in ("Aug 14, 2026", "20 November 2026", "Nov. 27th"):
        assert date not in payload, date
    assert payload.count("[DATE_") == 3
    for word in ("Client's PHQ-9", "(-68%)", "GAD-7 fell", "PHQ-9 item 9", "C-SSRS"):
        assert word in payload, word
    assert "[PERSON" not in payload and "[LOCATION" not in payload
