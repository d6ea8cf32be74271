"""Small input validators shared by services; each raises InvalidInput naming the field."""

from __future__ import annotations

import re

from backend.core.errors import InvalidInput
from backend.core.password_rules import check_password as check_password  # the one password rule

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def is_mobile_phone(phone: str) -> bool:
    """An 11-digit mainland mobile number: the one phone rule (accounts, rosters, the import)."""
    return _MOBILE.fullmatch(phone) is not None


def clean_phone(phone: str, field: str = "phone") -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    if not is_mobile_phone(phone):
        raise InvalidInput("手机号格式不正确，应为 11 位大陆手机号", field=field)
    return phone


def clean_sha256(value: str, field: str, label: str = "照片编号") -> str:
    """A photo's content address as the phone sends it: 64 hex digits."""
    value = value.strip().lower()
    if not _SHA256_HEX.match(value):
        raise InvalidInput(f"{label}格式不正确", field=field)
    return value


def clean_text(value: str, field: str, label: str, *, max_length: int = 50) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{label}不能为空", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{label}不能超过 {max_length} 个字", field=field)
    return value


def check_coordinates(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise InvalidInput("中心点纬度和经度须同时填写", field="centerLat")
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInput("纬度应在 -90 到 90 之间", field="centerLat")
    if lng is not None and not -180 <= lng <= 180:
        raise InvalidInput("经度应在 -180 到 180 之间", field="centerLng")
