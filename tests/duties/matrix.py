"""The county's duty checklist in the permission matrix: every staff role reads its county's
checklist; only the county lists versions, sees the evidence kinds, saves an edit or moves terms."""

from __future__ import annotations

from datetime import date

from tests.permission_matrix import Operation

ITEM = '{label: "走访一遍全村农户", kinds: ["household_visit"], rule: ROSTER_COVERAGE, threshold: 90}'


def checklist_ops() -> list[Operation]:
    county = frozenset({"county"})
    this_month = date.today().replace(day=1).isoformat()
    return [
        Operation(
            "dutyChecklist",
            "{ dutyChecklist { version name } }",
            lambda w, r, p: {},
            frozenset({"county", "township", "village"}),
            scoped=False,
        ),
        Operation("dutyChecklistVersions", "{ dutyChecklistVersions { version } }", lambda w, r, p: {}, county, False),
        Operation("checklistEvidenceKinds", "{ checklistEvidenceKinds { kind } }", lambda w, r, p: {}, county, False),
        Operation(
            "saveDutyChecklist",
            'mutation { saveDutyChecklist(input: {basedOnVersion: 1, name: "一个一", effectiveFrom: "2027-03-01", '
            f"items: [{ITEM}]}}) {{ checklist {{ version }} errors {{ code }} }} }}",
            lambda w, r, p: {},
            county,
            scoped=False,
        ),
        Operation(
            "moveTermsToChecklist",
            "mutation($s: ID!) { moveTermsToChecklist(input: {version: 1, fromMonth: "
            f'"{this_month}", secretaryIds: [$s], note: "县委通知"}}) {{ moved errors {{ code }} }} }}',
            lambda w, r, p: {"s": str(w.secretaries[p.village].id)},
            county,
        ),
    ]
