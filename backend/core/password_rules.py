"""The password rules (等级保护 2.0, level 2: 口令复杂度), applied wherever a password is set: creating
an account, a secretary's login, the command line, changing one's own password.

Each refusal is INVALID_INPUT on the password's field with a message saying which rule; RULES is the
same list in words, for the screen that shows the rules before the user types."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from backend.core.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_CLASSES = 2
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"
RULES = (
    f"长度 {MIN_LENGTH} 到 {MAX_LENGTH} 位",
    "包含大写字母、小写字母、数字、符号（含汉字）中的至少两类",
    "不是常见密码（如 12345678、a123456789、woaini1314）",
    "不包含本人手机号",
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def character_classes(password: str) -> int:
    return sum(
        (
            any("a" <= c <= "z" for c in password),
            any("A" <= c <= "Z" for c in password),
            any("0" <= c <= "9" for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),  # symbols, spaces, Chinese characters
        )
    )


def check_password(password: str, field: str = "password", *, phone: str | None = None) -> str:
    """The password, or InvalidInput naming `field` and the first rule it breaks."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(f"密码长度应为 {MIN_LENGTH} 到 {MAX_LENGTH} 位", field=field)
    if character_classes(password) < MIN_CLASSES:
        raise InvalidInput("密码须包含大写字母、小写字母、数字、符号（含汉字）中的至少两类", field=field)
    if password.lower() in common_passwords():
        raise InvalidInput("密码过于常见，容易被猜中，请换一个", field=field)
    if phone and phone in password:
        raise InvalidInput("密码不能包含本人手机号", field=field)
    return password
