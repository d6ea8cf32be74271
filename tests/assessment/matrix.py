"""Assessment operations for the permission matrix (rubric, scores, org classes, disqualifications).

The world's secretaries are resident, so the county is their assessor: a township is refused its
own village's assessment here, and tests/assessment/test_access.py covers liaison secretaries
(scored by the township of the village)."""

from __future__ import annotations

from tests.permission_matrix import ROLES, Operation

PERIOD = "2026"  # the world's terms run 2026-03-01 … 2027-02-28

ONE_ITEM = (
    '[{key: "extra.bonus", part: RESULTS, group: "extra", groupLabel: "其他", label: "其他加分", '
    "kind: BONUS, perOccurrence: 1}]"
)


def assessment_ops() -> list[Operation]:
    staff = frozenset({"county", "township", "village"})
    managers = frozenset({"county", "township"})
    county = frozenset({"county"})
    assert set(staff) | {"member"} == set(ROLES)
    return [
        Operation("rubric", f'{{ rubric(period: "{PERIOD}") {{ version }} }}', lambda w, r, p: {}, staff, scoped=False),
        Operation(
            "rubricVersions",
            f'{{ rubricVersions(period: "{PERIOD}") {{ version }} }}',
            lambda w, r, p: {},
            county,
            scoped=False,
        ),
        Operation(
            "updateRubric",
            f'mutation {{ updateRubric(input: {{period: "{PERIOD}", basedOnVersion: 1, items: {ONE_ITEM}}}) '
            "{ rubric { version } errors { code } } }",
            lambda w, r, p: {},
            county,
            scoped=False,
        ),
        Operation(
            "assessment",
            "query($s: ID!) { assessment(secretaryId: $s, period: " + f'"{PERIOD}"' + ") { target canScore } }",
            lambda w, r, p: {"s": str(w.secretaries[p.village].id)},
            frozenset({"county", "village"}),  # the assessor of a resident secretary, and the secretary
        ),
        Operation(
            "assessments",
            "query($t: ID) { assessments(period: " + f'"{PERIOD}"' + ", townshipId: $t) { totalCount } }",
            lambda w, r, p: {"t": w.unit_id(p.township)},
            managers,
        ),
        Operation(
            "scoreAssessment",
            "mutation($s: ID!) { scoreAssessment(input: {secretaryId: $s, period: " + f'"{PERIOD}"' + ", version: 0, "
            'items: [{key: "results.demo_base", occurrences: 1}]}) { assessment { target } errors { code } } }',
            lambda w, r, p: {"s": str(w.secretaries[p.village].id)},
            county,
        ),
        Operation(
            "orgClasses",
            "query($t: ID) { orgClasses(period: " + f'"{PERIOD}"' + ", townshipId: $t) { orgClass } }",
            lambda w, r, p: {"t": w.unit_id(p.township)},
            managers,
        ),
        Operation(
            "recordOrgClass",
            "mutation($v: ID!) { recordOrgClass(input: {villageId: $v, period: " + f'"{PERIOD}"' + ", orgClass: B}) "
            "{ orgClass { orgClass } errors { code } } }",
            lambda w, r, p: {"v": w.unit_id(p.village)},
            county,
        ),
        Operation(
            "disqualifications",
            f'{{ disqualifications(period: "{PERIOD}") {{ id }} }}',
            lambda w, r, p: {},
            managers,
            scoped=False,
        ),
        Operation(
            "recordDisqualification",
            "mutation($s: ID!) { recordDisqualification(input: {secretaryId: $s, period: " + f'"{PERIOD}"' + ", "
            'kind: DISCIPLINE, reason: "严重违纪"}) { disqualification { id } errors { code } } }',
            lambda w, r, p: {"s": str(w.secretaries[p.village].id)},
            county,
        ),
        # Withdrawing needs a record to withdraw: the document records one for the place first (the
        # fields of a mutation run in order, and every test database starts its ids at 1), so the
        # county withdraws its own secretary's record; in the other county the record is refused and
        # there is nothing to withdraw. Cross-county withdrawal: test_org_classes_and_disqualifications.
        Operation(
            "withdrawDisqualification",
            "mutation($s: ID!) { recordDisqualification(input: {secretaryId: $s, period: " + f'"{PERIOD}"' + ", "
            'kind: DISCIPLINE, reason: "严重违纪"}) { errors { code } } '
            'withdrawDisqualification(input: {id: "1", reason: "经复查不属实"}) '
            "{ disqualification { id } errors { code } } }",
            lambda w, r, p: {"s": str(w.secretaries[p.village].id)},
            county,
        ),
    ]
