"""Readers of the checklist beyond progress: the service card prints the term's checklist, and the
secretary's home shows no diary figure when the checklist has no monthly diary item."""

from __future__ import annotations

from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.service_card.content import CardContent
from backend.service_card.models import ServiceCard
from backend.service_card.pdf import render_pdf
from backend.service_card.png import render_png
from tests.conftest import GraphQLClient
from tests.duties.checklists import PAIRING_ITEM, save_version, ten_items
from tests.world import World

GENERATE = "mutation { generateServiceCard(input: null) { card { duties } errors { code } } }"
HOME = "{ secretaryHome { diary { month count required } checklistName dutiesTotal nextDuty { key label kinds rule } } }"


async def test_the_service_card_prints_the_terms_checklist(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, ten_items(), name="十个一")
    body = await gql.execute(GENERATE, as_user="village")
    duties = body["data"]["generateServiceCard"]["card"]["duties"]  # type: ignore[index]
    assert duties == [i.label for i in ten_items()] and duties[-2:] == ["结对帮扶一户困难户", "召开村工作例会"]
    async with session_factory() as session:
        card = await session.scalar(select(ServiceCard).where(ServiceCard.secretary_id == world.secretaries["V11"].id))
    assert card is not None
    content = CardContent.from_snapshot(card.snapshot)
    assert (content.duty_list, len(content.duties)) == ("十个一", 10)
    assert render_pdf(content).startswith(b"%PDF") and render_png(content).startswith(b"\x89PNG")
    # a card made before checklists were data has no duty_list: it was the 八个一
    old = dict(card.snapshot)
    del old["duty_list"]
    assert CardContent.from_snapshot(old).duty_list == "八个一"


async def test_the_home_follows_the_checklist(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    default = (await gql.execute(HOME, as_user="village"))["data"]["secretaryHome"]  # type: ignore[index]
    assert default["diary"]["required"] == 4 and default["dutiesTotal"] == 8
    assert default["checklistName"] == "八个一"
    assert default["nextDuty"] == {
        "key": "household_visits",
        "label": "走访一遍全村农户",
        "kinds": ["household_visit"],
        "rule": "ROSTER_COVERAGE",
    }
    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, (PAIRING_ITEM,), name="一个一")
    one = (await gql.execute(HOME, as_user="village"))["data"]["secretaryHome"]  # type: ignore[index]
    assert one["diary"] is None and one["dutiesTotal"] == 1  # no monthly diary item: no diary figure
    assert one["checklistName"] == "一个一"
    assert one["nextDuty"]["key"] == PAIRING_ITEM.key and one["nextDuty"]["kinds"] == ["pairing"]
