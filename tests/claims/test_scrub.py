"""Claim drafting and scrubbing: every rule of scrub_rules.json with a claim that
passes it and one that breaks it, each finding pointing at the note sentence or the
claim field that triggered it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from copilot.chart import ChartContext, Client, Diagnosis
from copilot.claims.claim import build_claim
from copilot.claims.rules import RULES
from copilot.claims.scrub import blocking, scrub
from copilot.coding import suggest_codes
from copilot.ehr.base import Agent

DAY = date(2026, 11, 20)
CLIENT = Client(
    id="c1", name="Test Client", birth_date=None, age=None, gender=None, pronouns=None, mrn=None
)
MDD = Diagnosis(
    "Major depressive disorder, recurrent, moderate", "F33.1", None, None, None, "Condition/dx-1"
)
GAD = Diagnosis("Generalized anxiety disorder", "F41.1", None, None, None, "Condition/dx-2")
MDD_UNSPECIFIED = Diagnosis(
    "Major depressive disorder, recurrent, unspecified", "F33.9", None, None, None, "Condition/dx-3"
)
CHEN = Agent("pr-chen", "Mei Chen")
PATEL, RIVERA = Agent("pr-patel", "Arjun Patel"), Agent("pr-rivera", "Elena Rivera")
NOTE = (
    "Session 10:00-10:50, individual psychotherapy. Client reports depression improving; "
    "PHQ-9 down to 9. Practiced behavioral activation. Plan: continue weekly."
)


def chart(*diagnoses: Diagnosis) -> ChartContext:
    return ChartContext(
        client=CLIENT, read_at=datetime(2026, 11, 21, tzinfo=UTC), diagnoses=diagnoses
    )


def claim_for(
    note: str = NOTE,
    *diagnoses: Diagnosis,
    rendering=CHEN,
    supervising=None,
    pre_licensed=False,
    telehealth=None,
    chart_=None,
):
    the_chart = chart_ or chart(*(diagnoses or (MDD,)))
    return build_claim(
        client_id="c1",
        draft_id="d1",
        note_text=note,
        service_date=DAY,
        suggestions=suggest_codes(note, the_chart, DAY),
        rendering=rendering,
        supervising=supervising,
        pre_licensed=pre_licensed,
        telehealth=telehealth,
    ), the_chart


def rules_of(claim, the_chart, **kwargs) -> list[str]:
    return [f.rule for f in scrub(claim, the_chart, **kwargs)]


def test_a_clean_claim_has_no_findings_and_says_what_it_bills():
    claim, the_chart = claim_for()

    assert scrub(claim, the_chart) == []
    (line,) = claim.lines
    assert (line.code, line.modifiers, line.place, line.pointers) == ("90834", (), "11", (1,))
    assert [d.code for d in claim.diagnoses] == ["F33.1"]
    assert line.evidence[0].text.startswith("Session 10:00-10:50")


def test_every_rule_has_a_title_a_severity_and_a_source():
    for key, rule in RULES.items():
        assert rule["title"] and rule["severity"] in ("error", "warning") and rule["source"], key


def test_time_that_does_not_support_the_code_is_found_at_the_time_sentence():
    claim, the_chart = claim_for()
    wrong = dataclasses.replace(claim.lines[0], code="90837")
    claim = dataclasses.replace(claim, lines=(wrong,))

    (finding,) = scrub(claim, the_chart)

    assert finding.rule == "time_supports_code" and finding.severity == "error"
    assert "50 minutes supports 90834" in finding.message
    assert finding.where == "note" and finding.points_to.startswith("Session 10:00-10:50")


def test_an_add_on_needs_its_primary_code():
    note = NOTE.replace("individual psychotherapy", "psychotherapy with an interpreter")
    claim, the_chart = claim_for(note)
    assert claim.codes == ("90834", "90785") and rules_of(claim, the_chart) == []

    alone = dataclasses.replace(claim, lines=claim.lines[1:])
    (finding,) = scrub(alone, the_chart)

    assert (
        finding.rule == "addon_without_primary" and finding.points_to == "item[0].productOrService"
    )


def test_telehealth_needs_modifier_95_and_a_telehealth_place_of_service():
    note = NOTE.replace(
        "individual psychotherapy", "individual psychotherapy by video from her home"
    )
    claim, the_chart = claim_for(note)
    assert claim.telehealth and claim.lines[0].modifiers == ("95",) and claim.lines[0].place == "10"
    assert rules_of(claim, the_chart) == []

    bare = dataclasses.replace(claim.lines[0], modifiers=(), place="11")
    findings = scrub(dataclasses.replace(claim, lines=(bare,)), the_chart)

    assert [f.rule for f in findings] == ["telehealth_modifier_pos"] * 2
    assert findings[0].where == "note" and "by video" in findings[0].points_to
    assert findings[1].points_to == "item[0].locationCodeableConcept"


def test_an_office_session_billed_as_telehealth_is_found():
    claim, the_chart = claim_for()
    as_video = dataclasses.replace(claim.lines[0], modifiers=("95",))

    (finding,) = scrub(dataclasses.replace(claim, lines=(as_video,)), the_chart)

    assert finding.rule == "telehealth_modifier_pos" and finding.points_to == "item[0].modifier"


def test_a_diagnosis_the_note_does_not_address_is_found():
    claim, the_chart = claim_for(NOTE, MDD, GAD)
    assert [d.code for d in claim.diagnoses] == ["F33.1"]  # GAD is not in the note: left off

    added = dataclasses.replace(
        claim, diagnoses=(*claim.diagnoses, suggest_codes(NOTE, chart(GAD), DAY).icd10[0])
    )
    (finding,) = scrub(added, the_chart)

    assert finding.rule == "diagnosis_in_note" and finding.points_to == "diagnosis[1]"
    assert "F41.1" in finding.message


def test_an_unspecified_diagnosis_is_found_when_the_chart_holds_a_specific_one():
    the_chart = chart(MDD_UNSPECIFIED, MDD)
    claim, _ = claim_for(NOTE, chart_=the_chart)
    assert [d.code for d in claim.diagnoses] == ["F33.9", "F33.1"]

    findings = scrub(claim, the_chart)

    assert [f.rule for f in findings] == ["diagnosis_specific"]
    assert findings[0].severity == "warning" and "F33.1" in findings[0].message
    only_specific = dataclasses.replace(claim, diagnoses=claim.diagnoses[1:])
    assert scrub(only_specific, the_chart) == []


def test_a_pre_licensed_clinicians_claim_needs_the_supervising_provider():
    claim, the_chart = claim_for(rendering=PATEL, pre_licensed=True)
    (finding,) = scrub(claim, the_chart)
    assert finding.rule == "supervising_provider" and "Arjun Patel" in finding.message

    supervised, _ = claim_for(rendering=PATEL, pre_licensed=True, supervising=RIVERA)
    assert scrub(supervised, the_chart) == []
    assert not blocking(scrub(supervised, the_chart)) and blocking([finding])


def test_a_second_claim_for_the_same_client_service_and_date_is_found():
    claim, the_chart = claim_for()

    assert scrub(claim, the_chart, billed={("c1", "90834", date(2026, 11, 13))}) == []
    (finding,) = scrub(claim, the_chart, billed={("c1", "90834", DAY)})
    assert finding.rule == "duplicate_claim" and finding.points_to == "item[0].servicedDate"


def test_practice_modifiers_follow_the_rendering_clinician(settings):
    settings.CLAIM_MODIFIERS = {"pr-patel": ("HO",)}

    claim, the_chart = claim_for(
        rendering=PATEL, pre_licensed=True, supervising=RIVERA, telehealth=True
    )

    assert claim.lines[0].modifiers == ("95", "HO") and claim.lines[0].place == "02"


def test_the_claim_is_a_valid_fhir_claim_with_every_element():
    from copilot.claims.fhir import claim_resource

    note = NOTE.replace("individual psychotherapy", "psychotherapy by video with an interpreter")
    claim, _ = claim_for(note, rendering=PATEL, pre_licensed=True, supervising=RIVERA)

    resource = claim_resource(claim, claim_id="abc", created=datetime(2026, 11, 20, 17, tzinfo=UTC))

    assert (resource["use"], resource["status"]) == ("claim", "draft")
    assert resource["identifier"] == [{"system": "urn:ietf:rfc:3986", "value": "urn:uuid:abc"}]
    assert [i["productOrService"]["coding"][0]["code"] for i in resource["item"]] == [
        "90834",
        "90785",
    ]
    first = resource["item"][0]
    assert [m["coding"][0]["code"] for m in first["modifier"]] == ["95"]
    assert first["locationCodeableConcept"]["coding"][0]["code"] == "02"
    assert first["diagnosisSequence"] == [1] and first["servicedDate"] == "2026-11-20"
    roles = [
        (m["provider"]["reference"], m["role"]["coding"][0]["code"]) for m in resource["careTeam"]
    ]
    assert roles == [("Practitioner/pr-patel", "primary"), ("Practitioner/pr-rivera", "supervisor")]
    assert resource["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["code"] == "F33.1"
    assert resource["meta"]["security"][0]["code"] == "AIAST"
