"""The gateway's group reads against the sandbox EHR's seeded therapy groups."""

from __future__ import annotations

import pytest

from copilot.ehr.groups import GroupNotFound

from .conftest import DBT_GROUP


async def test_a_clients_groups_are_the_actual_person_groups_listing_them(gateway):
    groups = await gateway.client_groups("bh-004")
    assert [g.name for g in groups] == ["Anxiety CBT group", "DBT skills group"]
    assert {g.facilitator_id for g in groups} == {"pr-chen"}
    assert [g.name for g in await gateway.client_groups("bh-001")] == ["DBT skills group"]
    assert await gateway.client_groups("bh-003") == []


async def test_a_roster_holds_every_members_names_and_mrn(gateway):
    roster = await gateway.group_roster(DBT_GROUP)
    assert roster.group.member_ids == ("bh-001", "bh-004", "bh-007")
    assert roster.group.facilitator == "Mei Chen"
    maya = roster.member("bh-001")
    assert maya.name == "Maya Thompson"
    assert "BH100237" in maya.identifiers


async def test_an_unknown_group_is_not_found(gateway):
    with pytest.raises(GroupNotFound):
        await gateway.group_roster("no-such-group")


async def test_a_group_that_is_not_an_actual_group_of_people_is_neither_listed_nor_read(
    gateway, sandbox_control, new_client
):
    definitional = sandbox_control.create(
        {
            "resourceType": "Group",
            "type": "person",
            "actual": False,
            "name": "Everyone with anxiety",
            "member": [{"entity": {"reference": f"Patient/{new_client}"}}],
        }
    )
    assert await gateway.client_groups(new_client) == []
    with pytest.raises(GroupNotFound):
        await gateway.group_roster(definitional["id"])


async def test_an_inactive_member_is_left_out(gateway, sandbox_control, new_client):
    group = sandbox_control.create(
        {
            "resourceType": "Group",
            "type": "person",
            "actual": True,
            "name": "Closed group",
            "member": [
                {"entity": {"reference": "Patient/bh-001"}},
                {"entity": {"reference": f"Patient/{new_client}"}, "inactive": True},
            ],
        }
    )
    roster = await gateway.group_roster(group["id"])
    assert roster.group.member_ids == ("bh-001",)
    assert await gateway.client_groups(new_client) == []
