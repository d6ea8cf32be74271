"""Phone numbers shown to people who have no need to dial them (个人信息保护法: minimisation).

One function masks every number the API shows masked; which role sees which number in full is
the rule table in docs/SECURITY.md ("Phone numbers"), applied by each field's resolver.
"""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise a number, not to dial it."""
    if len(phone) <= 6:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
