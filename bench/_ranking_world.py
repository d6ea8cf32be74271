"""Bulk-loading ranking worlds into PostgreSQL with COPY (asyncpg): counties of N secretaries,
one per village (40–100 villages per township), spread over the 16 ranking groups, each with an
assessment and (mostly) a closed poll. Deterministic (seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import asyncpg

from backend.org.models import CadreClass, StationMode, UnitType
from backend.polls.tally import is_valid, tier

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PERIOD = "2026"
GROUPS = [(u, m, c) for u in UnitType for m in StationMode for c in CadreClass]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕红梅玉兰文博子轩浩然欣怡俊杰"


@dataclass
class Loaded:
    county_ids: list[int] = field(default_factory=list)
    county_user_ids: dict[int, int] = field(default_factory=dict)
    secretaries: int = 0


class _Ids:
    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def load(dsn: str, sizes: list[int], *, seed: int = 7) -> Loaded:
    """One county per entry of `sizes` (its number of secretaries)."""
    rng = random.Random(seed)
    ids = _Ids()
    units: list[tuple] = []
    users: list[tuple] = []
    secretaries: list[tuple] = []
    rubrics: list[tuple] = []
    assessments: list[tuple] = []
    polls: list[tuple] = []
    disqualifications: list[tuple] = []
    org_classes: list[tuple] = []
    loaded = Loaded()
    for c, size in enumerate(sizes):
        county = ids.take("org_units")
        units.append((county, "county", f"县{c}", f"C{c}", None, county, None, False, None, None, NOW))
        loaded.county_ids.append(county)
        user = ids.take("users")
        users.append((user, f"139{user:08d}", f"县委组织部{c}", "x", "county", county, True, NOW))
        loaded.county_user_ids[county] = user
        rubric = ids.take("rubric_versions")
        rubrics.append((rubric, county, PERIOD, 1, "[]", "0" * 64, None, NOW))
        per_township = rng.randint(40, 100)
        township = 0
        for i in range(size):
            if i % per_township == 0:
                township = ids.take("org_units")
                units.append(
                    (
                        township,
                        "township",
                        f"镇{township}",
                        f"T{township}",
                        county,
                        county,
                        township,
                        False,
                        None,
                        None,
                        NOW,
                    )
                )
            village = ids.take("org_units")
            units.append(
                (village, "village", f"村{village}", f"V{village}", township, county, township, False, 36.3, 120.0, NOW)
            )
            secretary = ids.take("secretary_profiles")
            unit_type, mode, cadre = GROUPS[rng.randrange(16)]
            secretaries.append(
                (
                    secretary,
                    _name(rng),
                    "male",
                    f"137{secretary:08d}",
                    "派出单位",
                    unit_type.value,
                    mode.value,
                    cadre.value,
                    village,
                    county,
                    date(2026, 1, 1),
                    date(2027, 12, 31),
                    None,
                    NOW,
                )
            )
            target = rng.randint(6000, 11000)
            core = rng.randint(min(7000, target), min(target, 10000))
            assessments.append(
                (
                    ids.take("assessments"),
                    county,
                    township,
                    village,
                    secretary,
                    PERIOD,
                    rubric,
                    core // 2,
                    core - core // 2,
                    target - core,
                    0,
                    target,
                    30,
                    30,
                    1,
                    None,
                    NOW,
                )
            )
            roll = rng.random()
            if roll < 0.02:
                continue  # no poll
            eligible = rng.randint(30, 150)
            ballots = eligible if roll > 0.05 else eligible // 2  # 3 %: turnout below 2/3
            if 0.05 <= roll < 0.06:
                eligible, ballots = 4, 4  # 1 %: fewer than 5 ballots, suppressed
            num = round(ballots * rng.uniform(0.55, 1.0))
            valid = is_valid(ballots, eligible)
            shown = valid and ballots >= 5
            polls.append(
                (
                    ids.take("polls"),
                    county,
                    township,
                    village,
                    secretary,
                    PERIOD,
                    "测评",
                    "closed",
                    "f" * 64,
                    b"",
                    None,
                    None,
                    valid,
                    num if shown else None,
                    ballots if shown else None,
                    tier(num, ballots, 60, 70) if shown else None,
                    None,
                    NOW,
                )
            )
            if rng.random() < 0.005:
                disqualifications.append(
                    (
                        ids.take("disqualifications"),
                        county,
                        secretary,
                        PERIOD,
                        "discipline",
                        "严重违纪",
                        None,
                        NOW,
                        None,
                        None,
                        None,
                    )
                )
            if rng.random() < 0.3:
                org_classes.append((village, "2025", county, rng.choice("ABCD"), "", None, NOW))
                org_classes.append((village, PERIOD, county, rng.choice("ABCD"), "", None, NOW))
        loaded.secretaries += size

    conn = await asyncpg.connect(dsn)
    try:
        copies = [
            (
                "org_units",
                units,
                [
                    "id",
                    "kind",
                    "name",
                    "code",
                    "parent_id",
                    "county_id",
                    "township_id",
                    "is_community",
                    "center_lat",
                    "center_lng",
                    "created_at",
                ],
            ),
            ("users", users, ["id", "phone", "name", "password_hash", "role", "org_unit_id", "active", "created_at"]),
            (
                "rubric_versions",
                rubrics,
                ["id", "county_id", "period", "version", "items", "sha256", "created_by", "created_at"],
            ),
            (
                "secretary_profiles",
                secretaries,
                [
                    "id",
                    "name",
                    "gender",
                    "phone",
                    "dispatch_unit",
                    "unit_type",
                    "mode",
                    "cadre_class",
                    "village_id",
                    "county_id",
                    "term_start",
                    "term_end",
                    "user_id",
                    "created_at",
                ],
            ),
            (
                "assessments",
                assessments,
                [
                    "id",
                    "county_id",
                    "township_id",
                    "village_id",
                    "secretary_id",
                    "period",
                    "rubric_version_id",
                    "basic_centi",
                    "discipline_centi",
                    "results_centi",
                    "org_upgrade_centi",
                    "target_centi",
                    "items_scored",
                    "items_total",
                    "version",
                    "updated_by",
                    "updated_at",
                ],
            ),
            (
                "polls",
                polls,
                [
                    "id",
                    "county_id",
                    "township_id",
                    "village_id",
                    "secretary_id",
                    "period",
                    "title",
                    "status",
                    "key_fingerprint",
                    "public_key_der",
                    "encrypted_private_key",
                    "result",
                    "valid",
                    "satisfaction_num",
                    "satisfaction_den",
                    "tier",
                    "created_by",
                    "created_at",
                ],
            ),
            (
                "disqualifications",
                disqualifications,
                [
                    "id",
                    "county_id",
                    "secretary_id",
                    "period",
                    "kind",
                    "reason",
                    "recorded_by",
                    "recorded_at",
                    "withdrawn_reason",
                    "withdrawn_by",
                    "withdrawn_at",
                ],
            ),
            (
                "org_class_records",
                org_classes,
                ["village_id", "period", "county_id", "org_class", "note", "recorded_by", "recorded_at"],
            ),
        ]
        for table, records, columns in copies:
            await conn.copy_records_to_table(table, records=records, columns=columns)
        for table in (
            "org_units",
            "users",
            "rubric_versions",
            "secretary_profiles",
            "assessments",
            "polls",
            "disqualifications",
        ):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return loaded
