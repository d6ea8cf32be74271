"""County and township administration: units, accounts, first-secretary records."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.world import World

CREATE_UNIT = """mutation($p: ID!, $k: OrgKind!, $c: String!) { createOrgUnit(input: {parentId: $p, kind: $k,
  name: "新单位", code: $c, centerLat: 36.1, centerLng: 120.2}) { orgUnit { id kind code parent { code } }
  errors { code field } } }"""
CREATE_SECRETARY = """mutation($v: ID!, $pw: String, $end: Date!) { createSecretary(input: {name: "李书记",
  gender: FEMALE, phone: "13700000001", dispatchUnit: "市财政局", unitType: MUNICIPAL, mode: LIAISON,
  cadreClass: OTHER_LEADER, villageId: $v, termStart: "2026-03-01", termEnd: $end, password: $pw}) {
  secretary { name hasAccount mode cadreClass village { code } } errors { code field } } }"""
LOGIN = "mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { user { role orgUnit { code } } errors { code } } }"


async def test_county_creates_a_township_then_a_village_under_it(gql: GraphQLClient, world: World) -> None:
    township = await gql.execute(CREATE_UNIT, {"p": world.unit_id("A"), "k": "TOWNSHIP", "c": "T9"}, as_user="county")
    created = township["data"]["createOrgUnit"]
    assert created["errors"] == [] and created["orgUnit"]["kind"] == "TOWNSHIP"
    village = await gql.execute(
        CREATE_UNIT, {"p": created["orgUnit"]["id"], "k": "VILLAGE", "c": "V91"}, as_user="county"
    )
    assert village["data"]["createOrgUnit"]["orgUnit"]["parent"] == {"code": "T9"}
    listed = await gql.execute(
        "query($t: ID) { villages(townshipId: $t) { totalCount } }", {"t": created["orgUnit"]["id"]}, as_user="county"
    )
    assert listed["data"]["villages"]["totalCount"] == 1


async def test_duplicate_code_and_wrong_parent_are_refused(gql: GraphQLClient, world: World) -> None:
    dup = await gql.execute(CREATE_UNIT, {"p": world.unit_id("T1"), "k": "VILLAGE", "c": "V11"}, as_user="county")
    assert dup["data"]["createOrgUnit"]["errors"] == [{"code": "DUPLICATE", "field": "code"}]
    wrong = await gql.execute(CREATE_UNIT, {"p": world.unit_id("A"), "k": "VILLAGE", "c": "X1"}, as_user="county")
    assert wrong["data"]["createOrgUnit"]["errors"] == [{"code": "INVALID_INPUT", "field": "parentId"}]
    county = await gql.execute(CREATE_UNIT, {"p": world.unit_id("A"), "k": "COUNTY", "c": "X2"}, as_user="county")
    assert county["data"]["createOrgUnit"]["errors"][0]["code"] == "FORBIDDEN"


async def test_secretary_record_with_login(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(
        CREATE_SECRETARY, {"v": world.unit_id("V12"), "pw": "Secret123", "end": "2028-02-29"}, as_user="county"
    )
    created = body["data"]["createSecretary"]
    assert created["errors"] == []
    assert created["secretary"] == {
        "name": "李书记",
        "hasAccount": True,
        "mode": "LIAISON",
        "cadreClass": "OTHER_LEADER",
        "village": {"code": "V12"},
    }
    login = await gql.execute(LOGIN, {"p": "13700000001", "w": "Secret123"})
    assert login["data"]["login"]["user"] == {"role": "VILLAGE", "orgUnit": {"code": "V12"}}


async def test_secretary_term_must_end_after_it_starts(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(
        CREATE_SECRETARY, {"v": world.unit_id("V12"), "pw": None, "end": "2026-01-01"}, as_user="county"
    )
    assert body["data"]["createSecretary"]["errors"] == [{"code": "INVALID_INPUT", "field": "termEnd"}]


async def test_failed_secretary_creation_leaves_nothing_behind(gql: GraphQLClient, world: World) -> None:
    taken = world.users["member"].phone
    doc = CREATE_SECRETARY.replace('"13700000001"', f'"{taken}"')
    body = await gql.execute(doc, {"v": world.unit_id("V12"), "pw": "Secret123", "end": "2028-02-29"}, as_user="county")
    assert body["data"]["createSecretary"]["errors"] == [{"code": "DUPLICATE", "field": "phone"}]
    count = await gql.execute(
        "query($v: ID) { secretaries(villageId: $v) { totalCount } }", {"v": world.unit_id("V12")}, as_user="county"
    )
    assert count["data"]["secretaries"]["totalCount"] == 1


async def test_township_creates_members_only_in_its_villages(gql: GraphQLClient, world: World) -> None:
    doc = """mutation($o: ID!, $r: Role!) { createUser(input: {phone: "13600000001", name: "村民甲",
             password: "Passw0rd1", role: $r, orgUnitId: $o}) { user { role orgUnit { code } } errors { code } } }"""
    ok = await gql.execute(doc, {"o": world.unit_id("V12"), "r": "MEMBER"}, as_user="township")
    assert ok["data"]["createUser"] == {"user": {"role": "MEMBER", "orgUnit": {"code": "V12"}}, "errors": []}
    as_secretary = await gql.execute(doc, {"o": world.unit_id("V12"), "r": "VILLAGE"}, as_user="township")
    assert as_secretary["data"]["createUser"]["errors"][0]["code"] == "FORBIDDEN"
    on_township = await gql.execute(
        doc.replace("13600000001", "13600000002"), {"o": world.unit_id("T1"), "r": "MEMBER"}, as_user="township"
    )
    assert on_township["data"]["createUser"]["errors"][0]["code"] == "INVALID_INPUT"


async def test_weak_password_is_refused(gql: GraphQLClient, world: World) -> None:
    doc = """mutation($o: ID!) { createUser(input: {phone: "13600000003", name: "村民乙", password: "12345678",
             role: MEMBER, orgUnitId: $o}) { errors { code field } } }"""
    body = await gql.execute(doc, {"o": world.unit_id("V11")}, as_user="township")
    assert body["data"]["createUser"]["errors"] == [{"code": "INVALID_INPUT", "field": "password"}]


async def test_member_sees_the_public_page_of_their_village(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(
        "{ villagePublicPage { townshipName village { code } secretary { name phone } } }", as_user="member"
    )
    page = body["data"]["villagePublicPage"]
    assert page == {
        "townshipName": "T1名",
        "village": {"code": "V11"},
        "secretary": {"name": "V11书记", "phone": world.users["village"].phone},
    }
