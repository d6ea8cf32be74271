"""The printable service card (便民服务卡): what goes on it, drawn as PDF (reportlab) and PNG (Pillow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TITLE = "便民服务卡"
QR_CAPTION = "扫码查看村务公开页 / 反映问题"


@dataclass(frozen=True)
class CardContent:
    """Everything printed on a card; only what is public on the service card."""

    name: str
    phone: str
    dispatch_unit: str
    village_name: str
    township_name: str
    duties: tuple[str, ...]  # the labels of the secretary's checklist items, in order
    pledge: str | None
    public_url: str
    photo: bytes | None = None
    duty_list: str = "八个一"  # the checklist's name; cards made before checklists were data say 八个一

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any], photo: bytes | None = None) -> CardContent:
        return cls(
            name=str(snapshot.get("name", "")),
            phone=str(snapshot.get("phone", "")),
            dispatch_unit=str(snapshot.get("dispatch_unit", "")),
            village_name=str(snapshot.get("village_name", "")),
            township_name=str(snapshot.get("township_name", "")),
            duties=tuple(str(d) for d in snapshot.get("duties", [])),
            pledge=snapshot.get("pledge") or None,
            public_url=str(snapshot.get("public_url", "")),
            photo=photo,
            duty_list=str(snapshot.get("duty_list") or "八个一"),
        )

    @property
    def stationed_at(self) -> str:
        return f"{self.township_name} {self.village_name}".strip()
