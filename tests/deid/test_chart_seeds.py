"""What the gateway reads for de-identification and the psychotherapy label, from the
sandbox EHR over FHIR."""

from __future__ import annotations

from copilot.deid import outbound


async def test_the_gateway_reads_the_psychotherapy_label(gateway):
    chart = await gateway.chart("bh-004")
    labeled = [n.source for n in chart.notes if n.psychotherapy]
    assert labeled == ["DocumentReference/psynote-bh-004"]
    assert not any(n.restricted for n in chart.notes)


async def test_the_clients_phone_email_and_address_from_the_ehr_leave_the_payload(gateway):
    chart = await gateway.chart("bh-001")
    client = chart.client
    phone, email = client.telecom
    street = client.addresses[0]
    assert "@" in email and street.endswith("Maple Street") and client.mrn in client.identifiers
    text = f"Reach me at {phone} or {email}; I moved to {street}. My chart is {client.mrn}."
    sent = outbound(text, chart=chart, provider="openai")
    for value in (phone, email, street, client.mrn):
        assert value not in sent.payload
    assert sent.reidentify(sent.payload.split("\n\n(")[0]) == text
