"""统一身份认证 in the permission matrix: the county reads its bindings and its staff login rule.

Binding and unbinding need a configured identity platform: their role × own/other matrix is in
tests/identity/test_mappings.py (IDENTITY_MATRIX_FIELDS)."""

from __future__ import annotations

from tests.permission_matrix import Operation

IDENTITY_MATRIX_FIELDS = {"bindExternalIdentity", "unbindExternalIdentity"}
# No login needed: the login button's facts, and redeeming a login ticket (tests/identity/test_login.py).
IDENTITY_PUBLIC_FIELDS = {"identityProvider", "completeExternalLogin"}


def identity_ops() -> list[Operation]:
    county = frozenset({"county"})
    return [
        Operation(
            "externalIdentities", "{ externalIdentities { totalCount } }", lambda w, r, p: {}, county, scoped=False
        ),
        Operation(
            "identitySettings", "{ identitySettings { staffPasswordLogin } }", lambda w, r, p: {}, county, scoped=False
        ),
        Operation(
            "setStaffPasswordLogin",
            "mutation { setStaffPasswordLogin(enabled: true) { settings { staffPasswordLogin } errors { code } } }",
            lambda w, r, p: {},
            county,
            scoped=False,
        ),
    ]
