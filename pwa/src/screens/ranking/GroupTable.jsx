// One ranking group (unit type × mode × cadre class): counts and quotas, then each row with
// rank, name (→ the assessment sheet), village and township (→ drill-down), target score,
// satisfaction, total, grade, and the override or not-rankable reason; "more" pages the group.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { ErrLine } from '../review/kit.jsx';
import { GradeBadge, pts, groupKeyLabel } from '../assessment/common.jsx';
import { Q_GROUP_PAGE } from './queries.js';

export function RankRow({ r, period, own }) {
  const t = useT();
  return (
    <li
      class={`a7-row${r.rankable ? '' : ' unrankable'}${own ? ' own' : ''}`}
      data-testid="rank-row"
      data-rankable={r.rankable ? '1' : '0'}
    >
      <span class="a7-rank" aria-label={t('ranking.rank')}>
        {r.rankable ? r.rank : t('ranking.notRankableShort')}
      </span>
      <span class="a7-who">
        <a href={`/assessments/${encodeURIComponent(r.secretaryId)}?period=${period}`} data-testid="rank-name">
          {r.name}
        </a>{' '}
        <GradeBadge grade={r.grade} />
      </span>
      <strong class="a7-total" aria-label={t('assessment.total')}>
        {pts(r.total)}
      </strong>
      <span class="a7-sub">
        <a href={`/rankings?period=${period}&townshipId=${encodeURIComponent(r.townshipId)}`}>{r.townshipName}</a>
        {' · '}
        <a href={`/v/${encodeURIComponent(r.villageId)}`}>{r.villageName}</a>
      </span>
      <span class="a7-sub muted">
        {t('ranking.targetShort')} {pts(r.targetScore)} × {t('ranking.satShort')}{' '}
        {r.satisfactionPercent != null ? `${r.satisfactionPercent}%` : '—'}
      </span>
      {r.reason && (
        <span class="a7-reason" data-testid="rank-reason" data-code={r.reasonCode || ''}>
          {r.reason}
        </span>
      )}
    </li>
  );
}

/** A group's rows; `pageVars` (period, townshipId, search) enables paging the live ranking. */
export function GroupTable({ g, period, pageVars }) {
  const t = useT();
  const [more, setMore] = useState({ rows: [], cursor: g.endCursor, hasNext: !!g.hasMore, busy: false, err: null });
  async function loadMore() {
    setMore((m) => ({ ...m, busy: true, err: null }));
    try {
      const c = (await gql(Q_GROUP_PAGE, { ...pageVars, g: g.groupKey, after: more.cursor })).rankingGroup;
      setMore((m) => ({
        rows: [...m.rows, ...c.edges.map((e) => e.node)],
        cursor: c.pageInfo.endCursor,
        hasNext: c.pageInfo.hasNextPage,
        busy: false,
        err: null,
      }));
    } catch (e) {
      setMore((m) => ({ ...m, busy: false, err: e }));
    }
  }
  const rows = [...g.rows, ...more.rows];
  return (
    <section class="card" aria-labelledby={`g-${g.groupKey}`} data-testid="rank-group" data-key={g.groupKey}>
      <div class="a7-ghead">
        <h2 id={`g-${g.groupKey}`}>{g.label || groupKeyLabel(g.groupKey)}</h2>
      </div>
      <p class="a7-counts" data-testid="group-counts">
        {t('ranking.groupCounts', { n: g.rankableCount + g.notRankableCount, r: g.rankableCount, e: g.excellentQuota, g: g.goodQuota })}
        {g.totalCount !== g.rankableCount + g.notRankableCount && <> · {t('ranking.shownN', { n: g.totalCount })}</>}
      </p>
      {rows.length ? (
        <ol class="list plain a7-groups">
          {rows.map((r) => (
            <RankRow key={r.secretaryId} r={r} period={period} />
          ))}
        </ol>
      ) : (
        <p class="state empty">{t('common.empty')}</p>
      )}
      <ErrLine error={more.err} />
      {!pageVars && g.hasMore && (
        <p class="muted small" data-testid="snapshot-cut">
          {t('ranking.snapshotCut', { n: rows.length })}
        </p>
      )}
      {pageVars && more.hasNext && (
        <button type="button" class="btn secondary block" disabled={more.busy} onClick={loadMore} data-testid="group-more">
          {more.busy ? t('common.loading') : t('common.loadMore')}
        </button>
      )}
    </section>
  );
}
