"""Fictional place and unit names for the demo county 青禾县 (any likeness is accidental)."""

from __future__ import annotations

import random
from dataclasses import dataclass

COUNTY_NAME = "青禾县"
COUNTY_CODE = "379901"
COUNTY_CENTER = (36.30, 120.00)


@dataclass(frozen=True, slots=True)
class TownshipPlan:
    code: str
    name: str
    villages: int
    communities: int  # how many of `villages` are 社区
    offset_km: tuple[float, float]  # (north, east) of the county centre


# 7 townships, 170 villages/communities in total.
TOWNSHIPS: tuple[TownshipPlan, ...] = (
    TownshipPlan("379901101", "柳泉镇", 26, 1, (8.0, -10.0)),
    TownshipPlan("379901102", "石河镇", 25, 1, (-12.0, -6.0)),
    TownshipPlan("379901103", "杏林镇", 24, 0, (14.0, 6.0)),
    TownshipPlan("379901104", "南岭镇", 27, 1, (-16.0, 10.0)),
    TownshipPlan("379901105", "北沙镇", 25, 0, (18.0, -2.0)),
    TownshipPlan("379901106", "云台镇", 24, 1, (-2.0, 17.0)),
    TownshipPlan("379901001", "青禾街道", 19, 12, (0.0, 0.0)),
)

_VILLAGE_PREFIXES = ("东", "西", "南", "北", "前", "后", "大", "小", "上", "下", "新", "老")
_VILLAGE_STEMS = tuple(
    "王家 李家 张家 刘家 陈家 杨家 赵家 孙家 高家 于家 宋家 姜家 石 柳 杏 桃 枣 槐 河 泉 岭 沙 松 麦 禾".split()
)
_VILLAGE_SUFFIXES = ("庄", "疃", "埠", "屯", "沟", "洼", "坡", "河", "岭", "店", "营", "寨")
_COMMUNITY_NAMES = tuple(
    "青禾 文昌 福安 和平 兴业 康宁 锦绣 滨河 金桥 阳光 长乐 新华 同心 望湖 振兴 丰泽 瑞和 嘉园".split()
)

MUNICIPAL_UNITS = tuple(
    (
        "县委办公室 县政府办公室 县财政局 县农业农村局 县教育和体育局 县卫生健康局 "
        "县自然资源局 县住房和城乡建设局 县交通运输局 县水利局 县商务局 县民政局 "
        "县人力资源和社会保障局 县市场监督管理局 县审计局 县统计局 县供销社 "
        "县农商银行 县融媒体中心 县总工会 团县委 县妇联 县科协 县税务局"
    ).split()
)


def village_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Unique village names such as 东王家庄村, 柳沟村."""
    names: list[str] = []
    while len(names) < count:
        prefix = rng.choice(_VILLAGE_PREFIXES) if rng.random() < 0.35 else ""
        name = f"{prefix}{rng.choice(_VILLAGE_STEMS)}{rng.choice(_VILLAGE_SUFFIXES)}村"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def community_names(township_name: str, count: int, taken: set[str]) -> list[str]:
    """A town's seat community is named after the town (柳泉镇 → 柳泉社区); the rest of the
    communities (in 街道) come from a list of urban names."""
    stems = [] if township_name.endswith("街道") else [township_name.removesuffix("镇")]
    stems += _COMMUNITY_NAMES
    names = [f"{stem}社区" for stem in stems if f"{stem}社区" not in taken][:count]
    taken.update(names)
    return names


def township_units(township_name: str) -> tuple[str, ...]:
    if township_name.endswith("街道"):
        return (f"{township_name}党工委", f"{township_name}办事处")
    return (f"{township_name}党委", f"{township_name}人民政府")
