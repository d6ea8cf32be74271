// 排名定档 (live): county — one group at a time (?groupKey=, so back from a secretary's sheet
// returns to it, at the same scroll position), filters by township, search by name, publish
// (晾晒), exports, charts; township — its own secretaries with their county-wide ranks and the
// county's published snapshots. With a township chosen, its comparison row heads the page.
// One request loads every group's first rows: switching groups is instant and the page keeps one
// group's rows in the DOM.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, SelectBox, loadAllPages, params, download, ErrLine, useToast } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker, pct, pts, GradeBadge, GRADES } from '../assessment/common.jsx';
import { Q_TOWNSHIPS } from '../assessment/queries.js';
import { GroupTable, GroupSwitcher, pickGroup } from './GroupTable.jsx';
import { useScrollMemory } from './scroll.js';
import { PublishButton, SnapshotList } from './Publish.jsx';
import { Q_RANKING, Q_COMPARISON } from './queries.js';
import { RankingGate } from './Gate.jsx';

function RankingsScreen({ me }) {
  const t = useT();
  const path = useRoute();
  const qp = params(path);
  const period = periodOf(path);
  const county = me.role === 'COUNTY';
  const tw = county ? qp.get('townshipId') || '' : '';
  const groupKey = qp.get('groupKey') || '';
  const search = qp.get('q') || '';
  const [q, setQ] = useState(search);
  const [townships, setTownships] = useState([]);
  const [stamp, setStamp] = useState(0);
  const [busy, setBusy] = useState('');
  const [dlErr, setDlErr] = useState(null);
  const [toast, show] = useToast();
  useEffect(() => {
    if (county)
      loadAllPages(Q_TOWNSHIPS, {}, (d) => d.townships).then(
        (l) => setTownships(l.map((x) => [x.id, x.name])),
        () => {},
      );
  }, [county]);
  const vars = { p: period, tw: tw || null, q: search || null };
  const { data, error, loading, reload } = useLoad(
    () => gql(Q_RANKING, { ...vars, g: null }).then((d) => d.ranking),
    [period, tw, search, stamp],
  );
  useScrollMemory(path, !!data);

  async function dl(kind) {
    setBusy(kind);
    setDlErr(null);
    const q = new URLSearchParams({ period });
    if (tw) q.set('townshipId', tw);
    try {
      const name = await download(`/exports/${kind}.xlsx?${q}`, kind === 'ranking' ? `排名定档-${period}.xlsx` : `目标考评-${period}.xlsx`);
      show(t('common.downloaded', { name }));
    } catch (e) {
      setDlErr(e);
    }
    setBusy('');
  }
  const groups = data?.groups || [];
  const shown = groups.filter((g) => g.rows.length || !(search || tw));
  const current = pickGroup(shown, groupKey);
  return (
    <>
      <section class="card" aria-labelledby="rk-title">
        <Back fallback="/" />
        <h2 id="rk-title">{county ? t('ranking.title') : t('ranking.myTownshipRanking')}</h2>
        <p class="muted small">{county ? t('ranking.rankHintCounty') : t('ranking.rankHintTownship')}</p>
        <div class="filters">
          <PeriodPicker id="rk-period" period={period} onChange={(p) => setParams(path, { period: p })} />
          {county && (
            <SelectBox
              id="rk-tw"
              label={t('common.townships')}
              value={tw}
              onChange={(w) => setParams(path, { townshipId: w })}
              options={townships}
              all={t('common.wholeCounty')}
            />
          )}
        </div>
        <form
          class="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setParams(path, { q: q.trim() });
          }}
        >
          <label class="sr-only" for="rk-q">
            {t('common.search')}
          </label>
          <input id="rk-q" type="search" value={q} placeholder={t('assessment.searchName')} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit" class="btn">
            {t('common.search')}
          </button>
        </form>
        <div class="nav-grid">
          <a class="btn secondary" href={`/rankings/charts?period=${period}`} data-testid="nav-charts">
            {t('ranking.charts')}
          </a>
          <a class="btn secondary" href={`/assessments?period=${period}`} data-testid="nav-assessments">
            {t('assessment.title')}
          </a>
          <button type="button" class="btn secondary" disabled={!!busy} onClick={() => dl('ranking')} data-testid="export-ranking">
            {busy === 'ranking' ? t('common.downloading') : t('ranking.exportRanking')}
          </button>
          <button type="button" class="btn secondary" disabled={!!busy} onClick={() => dl('assessment')} data-testid="export-assessment">
            {busy === 'assessment' ? t('common.downloading') : t('ranking.exportAssessment')}
          </button>
        </div>
        <ErrLine error={dlErr} />
        {county && <PublishButton period={period} onPublished={() => setStamp((n) => n + 1)} />}
      </section>
      {county && tw && <TownshipRow period={period} townshipId={tw} />}
      {!county && data && <GradeSummary groups={groups} />}
      {loading && !data && (
        <section class="card">
          <Loading />
        </section>
      )}
      {error && (
        <section class="card">
          <ErrorBox error={error} onRetry={reload} />
        </section>
      )}
      {data && !shown.length && (
        <section class="card">
          <p class="state empty" data-testid="no-rows">
            {search ? t('ranking.noMatch') : t('ranking.noRanking')}
          </p>
        </section>
      )}
      {current && (
        <GroupTable
          key={`${current.groupKey}|${period}|${tw}|${search}|${stamp}`}
          g={current}
          period={period}
          pageVars={vars}
          switcher={shown.length > 1 && <GroupSwitcher groups={shown} current={current} onPick={(g) => setParams(path, { groupKey: g })} />}
        />
      )}
      <SnapshotList period={period} stamp={stamp} />
      {toast}
    </>
  );
}

/** The township's comparison row (duties completed, satisfaction, total, attendance). */
function TownshipRow({ period, townshipId }) {
  const t = useT();
  const { data } = useLoad(() => gql(Q_COMPARISON, { p: period }).then((d) => d.townshipComparison), [period]);
  const r = data?.find((x) => String(x.townshipId) === String(townshipId));
  if (!r) return null;
  return (
    <section class="card" aria-labelledby="tw-row" data-testid="township-row">
      <h2 id="tw-row">{r.townshipName}</h2>
      <div class="a7-parts">
        <div>
          <span>{t('assessment.secretaries')}</span>
          <strong>{r.secretaryCount ?? '—'}</strong>
        </div>
        <div>
          <span>{t('ranking.dutiesShare')}</span>
          <strong>{pct(r.dutyCompletedShare)}</strong>
        </div>
        <div>
          <span>{t('ranking.avgSat')}</span>
          <strong>{pct(r.averageSatisfaction)}</strong>
        </div>
        <div>
          <span>{t('ranking.avgTotal')}</span>
          <strong>{pts(r.averageTotal)}</strong>
        </div>
        <div>
          <span>{t('ranking.attendanceDays')}</span>
          <strong>{r.averageStationedDays == null ? '—' : pts(r.averageStationedDays)}</strong>
        </div>
      </div>
      <a href={`/t/${encodeURIComponent(townshipId)}`}>{t('ranking.townshipVillages')} ›</a>
    </section>
  );
}

/** How many of the township's secretaries stand at each grade now (live), and how many are not ranked. */
function GradeSummary({ groups }) {
  const t = useT();
  const rows = groups.flatMap((g) => g.rows);
  if (!rows.length) return null;
  const n = (g) => rows.filter((r) => r.grade === g).length;
  return (
    <section class="card" aria-labelledby="gs-title" data-testid="grade-summary">
      <h2 id="gs-title">{t('ranking.standing', { n: rows.length })}</h2>
      <p class="a7-legend">
        {GRADES.filter(n).map((g) => (
          <span key={g}>
            <GradeBadge grade={g} /> {n(g)}
          </span>
        ))}
        <span>
          {t('assessment.notRankable')} {rows.filter((r) => !r.rankable).length}
        </span>
      </p>
    </section>
  );
}

export default function Rankings({ me }) {
  return (
    <RankingGate me={me}>
      <RankingsScreen me={me} />
    </RankingGate>
  );
}
