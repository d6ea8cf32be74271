"""The ranking as one SQL statement (CTEs + window functions; SQLite ≥ 3.25 and PostgreSQL).

`live_body` computes a county's live ranking for a period down to the `final` CTE (one row per
secretary in post, graded, with its position in the group); `snapshot_body` reads a published
snapshot into the same columns. `cut` appends the caller's view: township and search filters
applied after ranking (ranks stay county-wide) and the page cut done by the database.

Integer arithmetic keeps both databases in agreement:
- total (hundredths) = round half up of target × num / den = (target × num × 2 + den) / (2 × den);
- satisfaction compares as a double num / den: equal fractions give equal doubles (IEEE division
  is correctly rounded) and different fractions with denominators this small never collide;
- quotas E = floor(n × excellent_pct / 100), G = floor(n × good_pct / 100), n = rankable rows in
  the group (including those an override fixes); places are handed out with running counts over
  the group in rank order (eligible_nth, free_nth), so every window after the ranking shares
  one sort order;
- "the first active disqualification" and "the latest earlier org class" are GROUP BY + join,
  not ROW_NUMBER() = 1: PostgreSQL estimates a filtered window as one row and then picks nested
  loops that re-run it per secretary (30 s for a 50,000-secretary county), while a GROUP BY is
  estimated from the column statistics;
- names (and group keys, which only need a cheap sort) in binary (code point) order: COLLATE "C"
  on PostgreSQL, BINARY (the default) on SQLite;
- a satisfaction tier comes frozen from the poll (`polls.tier`, fixed at close) together with the
  line that put it there (`tier_below_pct`, from the lines frozen on the poll at close): the
  county may have moved its lines since, and the reason must quote the one that applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.ranking.sheet_groups import workbook_order_sql

_LIVE = """
sec AS (
  SELECT s.id AS secretary_id, s.name AS name,
         (s.unit_type || ':' || s.mode || ':' || s.cadre_class){collate} AS group_key,
         v.id AS village_id, v.name AS village_name, t.id AS township_id, t.name AS township_name
  FROM secretary_profiles s
  JOIN org_units v ON v.id = s.village_id
  JOIN org_units t ON t.id = v.township_id
  WHERE s.county_id = {county_id} AND s.term_start <= :period_last AND s.term_end >= :period_first{group_filter}
),
first_dq AS (
  SELECT secretary_id, MIN(id) AS id FROM disqualifications
  WHERE county_id = {county_id} AND period = :period AND withdrawn_at IS NULL
  GROUP BY secretary_id
),
dq AS (
  SELECT d.secretary_id, d.reason FROM first_dq JOIN disqualifications d ON d.id = first_dq.id
),
earlier AS (
  SELECT village_id, MAX(period) AS period FROM org_class_records
  WHERE county_id = {county_id} AND period < :period
  GROUP BY village_id
),
lost AS (
  SELECT o.village_id FROM org_class_records o
  JOIN earlier e ON e.village_id = o.village_id
  JOIN org_class_records before ON before.village_id = e.village_id AND before.period = e.period
  WHERE o.county_id = {county_id} AND o.period = :period AND o.org_class > before.org_class
),
base AS (
  SELECT sec.*, a.target_centi, a.basic_centi + a.discipline_centi AS core_centi,
         a.rubric_version_id, p.id AS poll_id,
         p.satisfaction_num, p.satisfaction_den, p.tier, dq.reason AS dq_reason,
         CASE p.tier WHEN 'incompetent' THEN p.incompetent_below_pct
                     WHEN 'basic_competent' THEN p.basic_below_pct END AS tier_below_pct,
         CASE WHEN lost.village_id IS NULL THEN 0 ELSE 1 END AS org_lost,
         CASE WHEN p.id IS NULL THEN 'no_poll'
              WHEN p.status <> 'closed' THEN 'poll_not_closed'
              WHEN p.valid THEN
                CASE WHEN p.satisfaction_num IS NULL OR p.satisfaction_den IS NULL THEN 'suppressed'
                     WHEN a.id IS NULL THEN 'not_assessed' END
              ELSE 'turnout_low' END AS unrankable
  FROM sec
  LEFT JOIN assessments a ON a.secretary_id = sec.secretary_id AND a.period = :period
  LEFT JOIN polls p ON p.secretary_id = sec.secretary_id AND p.period = :period
  LEFT JOIN dq ON dq.secretary_id = sec.secretary_id
  LEFT JOIN lost ON lost.village_id = sec.village_id
),
scored AS (
  SELECT base.*,
    CASE WHEN unrankable IS NULL
         THEN (target_centi * satisfaction_num * 2 + satisfaction_den) / (2 * satisfaction_den) END AS total_centi,
    CASE WHEN unrankable IS NULL THEN CAST(satisfaction_num AS {double}) / satisfaction_den END AS sat,
    CASE WHEN unrankable IS NOT NULL THEN NULL
         WHEN dq_reason IS NOT NULL THEN 'disqualified'
         WHEN tier = 'incompetent' THEN 'satisfaction_incompetent'
         WHEN tier = 'basic_competent' THEN 'satisfaction_basic' END AS fixed,
    CASE WHEN unrankable IS NULL AND (core_centi < 8000 OR org_lost = 1) THEN 1 ELSE 0 END AS barred
  FROM base
),
ranked AS (
  SELECT scored.*,
    ROW_NUMBER() OVER (PARTITION BY group_key ORDER BY
      CASE WHEN unrankable IS NULL THEN 0 ELSE 1 END, total_centi DESC, sat DESC,
      CASE WHEN unrankable IS NULL THEN target_centi END DESC, name{collate}, secretary_id) AS position
  FROM scored
),
counted AS (
  SELECT ranked.*,
    SUM(CASE WHEN unrankable IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY group_key) AS rankable_count,
    COUNT(*) OVER (PARTITION BY group_key) AS group_size,
    SUM(CASE WHEN unrankable IS NULL AND fixed IS NULL AND barred = 0 THEN 1 ELSE 0 END)
      OVER (PARTITION BY group_key ORDER BY position ROWS UNBOUNDED PRECEDING) AS eligible_nth
  FROM ranked
),
excellent AS (
  SELECT counted.*,
    rankable_count * :excellent_pct / 100 AS excellent_quota,
    rankable_count * :good_pct / 100 AS good_quota,
    CASE WHEN unrankable IS NULL AND fixed IS NULL AND barred = 0
              AND eligible_nth <= rankable_count * :excellent_pct / 100 THEN 1 ELSE 0 END AS is_excellent
  FROM counted
),
graded AS (
  SELECT excellent.*,
    SUM(CASE WHEN unrankable IS NULL AND fixed IS NULL AND is_excellent = 0 THEN 1 ELSE 0 END)
      OVER (PARTITION BY group_key ORDER BY position ROWS UNBOUNDED PRECEDING) AS free_nth
  FROM excellent
),
final AS (
  SELECT group_key, position, CASE WHEN unrankable IS NULL THEN position END AS rank,
    secretary_id, name, township_id, township_name, village_id, village_name,
    target_centi, satisfaction_num, satisfaction_den, total_centi,
    CASE WHEN unrankable IS NULL THEN 1 ELSE 0 END AS rankable,
    CASE WHEN unrankable IS NOT NULL THEN NULL
         WHEN fixed IN ('disqualified', 'satisfaction_incompetent') THEN 'incompetent'
         WHEN fixed = 'satisfaction_basic' THEN 'basic_competent'
         WHEN is_excellent = 1 THEN 'excellent'
         WHEN free_nth <= good_quota THEN 'good'
         ELSE 'competent' END AS grade,
    COALESCE(unrankable, fixed,
      CASE WHEN barred = 1 THEN CASE WHEN core_centi < 8000 THEN 'barred_core_score' ELSE 'barred_org_lost' END END
    ) AS reason_code,
    CAST(NULL AS TEXT) AS reason, dq_reason, tier_below_pct, org_lost, poll_id, rubric_version_id,
    rankable_count, group_size, excellent_quota, good_quota
  FROM graded
)"""

_SNAPSHOT = """
final AS (
  SELECT r.group_key, r.position, r.rank, r.secretary_id, r.name, r.township_id, r.township_name,
    r.village_id, r.village_name, r.target_centi, r.satisfaction_num, r.satisfaction_den, r.total_centi,
    CASE WHEN r.rankable THEN 1 ELSE 0 END AS rankable, r.grade, r.reason_code, r.reason,
    CAST(NULL AS TEXT) AS dq_reason, CAST(NULL AS INTEGER) AS tier_below_pct, 0 AS org_lost,
    CAST(NULL AS INTEGER) AS poll_id, CAST(NULL AS INTEGER) AS rubric_version_id,
    SUM(CASE WHEN r.rankable THEN 1 ELSE 0 END) OVER (PARTITION BY r.group_key) AS rankable_count,
    COUNT(*) OVER (PARTITION BY r.group_key) AS group_size,
    SUM(CASE WHEN r.rankable THEN 1 ELSE 0 END) OVER (PARTITION BY r.group_key) * :excellent_pct / 100
      AS excellent_quota,
    SUM(CASE WHEN r.rankable THEN 1 ELSE 0 END) OVER (PARTITION BY r.group_key) * :good_pct / 100 AS good_quota
  FROM ranking_snapshot_rows r
  WHERE r.snapshot_id = :snapshot_id{group_filter}
)"""


@dataclass(frozen=True, slots=True)
class Cut:
    """What the caller sees of a ranking.

    township_id: only that township's rows (positions and ranks stay those of the whole group);
    secretary_id: only that secretary's row; search: name or village name contains the text;
    per_group: the first rows of every group (the database trims: visible_nth <= :per_group);
    after_position + page_size: one page of one group, keyset on position;
    workbook_order: groups in the exports' worksheet order (`sheet_groups.WORKBOOK_ORDER`) rather
    than by key.
    """

    township_id: int | None = None
    secretary_id: int | None = None
    search: str | None = None
    per_group: int | None = None
    after_position: int | None = None
    page_size: int | None = None
    workbook_order: bool = False


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tail(cut: Cut, params: dict[str, object]) -> str:
    filters = []
    if cut.township_id is not None:
        filters.append("township_id = :township_id")
        params["township_id"] = cut.township_id
    if cut.secretary_id is not None:
        filters.append("secretary_id = :secretary_id")
        params["secretary_id"] = cut.secretary_id
    if cut.search:
        filters.append("(name LIKE :search ESCAPE '\\' OR village_name LIKE :search ESCAPE '\\')")
        params["search"] = _like(cut.search)
    where = (" WHERE " + " AND ".join(filters)) if filters else ""
    sql = f""",
visible AS (
  SELECT final.*, ROW_NUMBER() OVER (PARTITION BY group_key ORDER BY position) AS visible_nth,
         COUNT(*) OVER (PARTITION BY group_key) AS visible_count
  FROM final{where}
)
SELECT * FROM visible"""
    if cut.per_group is not None:
        params["per_group"] = cut.per_group
        sql += " WHERE visible_nth <= :per_group"
    elif cut.after_position is not None:
        params["after_position"] = cut.after_position
        sql += " WHERE position > :after_position"
    sql += f" ORDER BY {workbook_order_sql('group_key') if cut.workbook_order else 'group_key'}, position"
    if cut.page_size is not None:
        params["page_size"] = cut.page_size
        sql += " LIMIT :page_size"
    return sql


def _dialect_words(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        return {"double": "DOUBLE PRECISION", "collate": ' COLLATE "C"'}
    return {"double": "REAL", "collate": ""}


def live_statement(dialect: str, county_id: int, cut: Cut, params: dict[str, object], *, group_filter: bool) -> str:
    """The county is written into the statement as a literal, not bound: a prepared statement
    (asyncpg prepares and caches every statement) switches to a generic plan after five runs, and
    a generic plan sized for an average county took 20–30 s for a county of 50,000 instead of
    2–3 s. With the literal, each county's statement is planned for its own size."""
    body = _LIVE.format(
        county_id=int(county_id),
        group_filter=" AND s.unit_type = :unit_type AND s.mode = :mode AND s.cadre_class = :cadre_class"
        if group_filter
        else "",
        **_dialect_words(dialect),
    )
    return "WITH" + body + _tail(cut, params)


def snapshot_statement(cut: Cut, params: dict[str, object], *, group_filter: bool) -> str:
    body = _SNAPSHOT.format(group_filter=" AND r.group_key = :group_key" if group_filter else "")
    return "WITH" + body + _tail(cut, params)
