"""The second factor and passwords in the permission matrix (gathered by tests/test_permissions.py).

Enrolment and its status are for county and township accounts; changing one's password for every
account; the county's requirement and reset for the county (a reset is addressed by an account:
"other" is one of another county). The mutations that need a current code are in
tests/auth/test_second_factor_permissions.py (CODE_FIELDS); verifySecondFactor needs no login."""

from __future__ import annotations

from tests.permission_matrix import OWN_VILLAGE, ROLES, Operation
from tests.world import PASSWORD

CODE_FIELDS = {"confirmTotpEnrolment", "disableTotp", "regenerateRecoveryCodes"}
PUBLIC = {"verifySecondFactor"}


def auth_ops() -> list[Operation]:
    staff = frozenset({"county", "township"})
    county = frozenset({"county"})
    return [
        Operation("mySecondFactor", "{ mySecondFactor { enabled } }", lambda w, r, p: {}, staff, scoped=False),
        Operation(
            "beginTotpEnrolment",
            "mutation { beginTotpEnrolment { secret errors { code } } }",
            lambda w, r, p: {},
            staff,
            scoped=False,
        ),
        Operation(
            "changePassword",
            'mutation($c: String!) { changePassword(currentPassword: $c, newPassword: "Lanzhou-2026") '
            "{ accessToken errors { code } } }",
            lambda w, r, p: {"c": PASSWORD},
            frozenset(ROLES),
            scoped=False,
        ),
        Operation(
            "setTotpRequiredForCounty",
            "mutation { setTotpRequiredForCounty(required: true) { ok errors { code } } }",
            lambda w, r, p: {},
            county,
            scoped=False,
        ),
        Operation(
            "resetSecondFactor",
            'mutation($u: ID!) { resetSecondFactor(userId: $u, reason: "手机丢失") { ok errors { code } } }',
            lambda w, r, p: {"u": w.user_id("township" if p.village == OWN_VILLAGE[r] else "county_b")},
            county,
        ),
    ]
