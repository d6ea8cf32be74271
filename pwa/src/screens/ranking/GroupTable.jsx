// One ranking group (unit type × mode × cadre class) at a time: the group switcher (‹ select ›,
// the chosen group in the address as ?groupKey= so back from a drill-down restores it), counts
// and quotas, then each row — one tap target to the secretary's assessment sheet — with rank,
// name, grade, total, township · village, target × satisfaction and the override or
// not-rankable reason; "more" pages the group.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { ErrLine } from '../review/kit.jsx';
import { GradeBadge, pts, groupKeyLabel } from '../assessment/common.jsx';
import { Q_GROUP_PAGE } from './queries.js';
import './ranking.css';

export function RankRow({ r, period, own }) {
  const t = useT();
  return (
    <li
      class={`a7-row${r.rankable ? '' : ' unrankable'}${own ? ' own' : ''}`}
      data-testid="rank-row"
      data-rankable={r.rankable ? '1' : '0'}
    >
      <a class="rk-link" href={`/assessments/${encodeURIComponent(r.secretaryId)}?period=${period}`} data-testid="rank-name">
        <span class="a7-rank" aria-label={t('ranking.rank')}>
          {r.rankable ? r.rank : t('ranking.notRankableShort')}
        </span>
        <span class="rk-who">
          {r.name} <GradeBadge grade={r.grade} />
        </span>
        <strong class="a7-total" aria-label={t('assessment.total')}>
          {pts(r.total)}
        </strong>
        <span class="a7-sub">
          {r.townshipName} · {r.villageName} · {t('ranking.targetShort')} {pts(r.targetScore)} × {t('ranking.satShort')}{' '}
          {r.satisfactionPercent != null ? `${r.satisfactionPercent}%` : '—'}
        </span>
        {r.reason && (
          <span class="a7-reason" data-testid="rank-reason" data-code={r.reasonCode || ''}>
            {r.reason}
          </span>
        )}
      </a>
    </li>
  );
}

const groupName = (g) => g.label || groupKeyLabel(g.groupKey);

/** ‹ [group ▾] ›: which group shows; `onPick(key)` puts it in the address. */
export function GroupSwitcher({ groups, current, onPick }) {
  const t = useT();
  const i = groups.findIndex((g) => g.groupKey === current.groupKey);
  return (
    <div class="input rk-switch" data-testid="group-switch">
      <label for="rk-group">{t('ranking.groupOf', { i: i + 1, n: groups.length })}</label>
      <div class="rk-switch-row">
        <button
          type="button"
          class="btn secondary rk-step"
          disabled={i <= 0}
          aria-label={t('ranking.prevGroup')}
          onClick={() => onPick(groups[i - 1].groupKey)}
          data-testid="group-prev"
        >
          ‹
        </button>
        <select id="rk-group" value={current.groupKey} onChange={(e) => onPick(e.currentTarget.value)}>
          {groups.map((g) => (
            <option key={g.groupKey} value={g.groupKey}>
              {t('ranking.groupOption', { g: groupKeyLabel(g.groupKey), n: g.totalCount })}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="btn secondary rk-step"
          disabled={i >= groups.length - 1}
          aria-label={t('ranking.nextGroup')}
          onClick={() => onPick(groups[i + 1].groupKey)}
          data-testid="group-next"
        >
          ›
        </button>
      </div>
    </div>
  );
}

/** The group the address names (`?groupKey=`), else the first. */
export function pickGroup(groups, key) {
  return groups.find((g) => g.groupKey === key) || groups[0] || null;
}

/** A group's rows; `pageVars` (period, townshipId, search) enables paging the live ranking. */
export function GroupTable({ g, period, pageVars, switcher }) {
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
    <section class="card" aria-labelledby="rk-gtitle" data-testid="rank-group" data-key={g.groupKey}>
      {switcher}
      <h2 id="rk-gtitle">{groupName(g)}</h2>
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
