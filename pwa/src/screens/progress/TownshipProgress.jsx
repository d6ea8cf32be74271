// 履职进度. TOWNSHIP: its secretaries with their checklist's completion (5/8) and duty chips (a compact
// summary per secretary, one chip per item of the checklists in use — "—" where an item is not in
// that secretary's list; the drill-down DutyProgress loads each item's numbers and detail).
// COUNTY: pick a township first (no townshipId) → the same list.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';
import { useLoad, usePaged, PagedList, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { SUMMARY_FIELDS, DutyChips, summaryDuties, shareText } from './duties.jsx';

// The lean list: one line of plain values per secretary; each duty's detail loads on drill-down.
const Q = `query TP($tw: ID) { townshipProgress(townshipId: $tw) { township { id name } completedShare
  checklistNames dutyKeys dutyLabels summaries { ${SUMMARY_FIELDS} } } }`;
const TOWNSHIPS = `query Townships($after: String) { townships(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id name villageCount } } } }`;
const STEP = 20;

function TownshipPicker() {
  const t = useT();
  const page = usePaged((after) => gql(TOWNSHIPS, { after }).then((d) => d.townships), []);
  return (
    <section class="card" aria-labelledby="pp-title">
      <Back fallback="/" />
      <h2 id="pp-title">{t('progress.title')}</h2>
      <p class="muted small">{t('progress.pickTownship')}</p>
      <PagedList
        page={page}
        label={t('common.townships')}
        render={(tw) => (
          <li key={tw.id}>
            <a class="item link" href={`/progress/t/${encodeURIComponent(tw.id)}`} data-testid="progress-township">
              <span class="item-main">
                <span class="item-title">{tw.name}</span>
                <span class="chev" aria-hidden="true">
                  ›
                </span>
              </span>
              <span class="item-sub">{t('common.villageCountN', { n: tw.villageCount })}</span>
            </a>
          </li>
        )}
      />
    </section>
  );
}

export default function TownshipProgress({ me, townshipId }) {
  if (me.role === 'COUNTY' && !townshipId) return <TownshipPicker />;
  return <Progress me={me} townshipId={townshipId} />;
}

function Progress({ me, townshipId }) {
  const t = useT();
  const [shown, setShown] = useState(STEP);
  const [filter, setFilter] = useState('all');
  const { data, error, loading, reload } = useLoad(() => gql(Q, { tw: townshipId || null }).then((d) => d.townshipProgress), [townshipId]);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const all = data.summaries || [];
  const list = filter === 'behind' ? all.filter((s) => s.completedCount < s.totalCount) : all;
  return (
    <>
      <section class="card" aria-labelledby="tp-title">
        <Back fallback={me.role === 'COUNTY' ? '/progress' : '/'} />
        <h2 id="tp-title">
          {t('progress.title')}：<span data-testid="progress-township-name">{data.township?.name}</span>
        </h2>
        <p class="muted">{t('progress.summary', { n: all.length, share: shareText(data.completedShare) })}</p>
        {data.checklistNames?.length > 0 && (
          <p class="small muted" data-testid="progress-checklists">
            {t('progress.checklists', { names: data.checklistNames.map((x) => `“${x}”`).join('、') })}
          </p>
        )}
        <div class="row" role="group" aria-label={t('common.filter')}>
          <button
            type="button"
            class="btn small secondary"
            aria-pressed={filter === 'all' ? 'true' : 'false'}
            onClick={() => setFilter('all')}
          >
            {t('common.all')}（{all.length}）
          </button>
          <button
            type="button"
            class="btn small secondary"
            aria-pressed={filter === 'behind' ? 'true' : 'false'}
            onClick={() => setFilter('behind')}
          >
            {t('progress.behind')}
          </button>
        </div>
      </section>
      <section class="card" aria-label={t('progress.title')}>
        {list.length === 0 ? (
          <Empty />
        ) : (
          <ul class="list" data-testid="progress-list">
            {list.slice(0, shown).map((p) => (
              <li key={p.secretaryId}>
                <a class="item link" href={`/progress/s/${encodeURIComponent(p.secretaryId)}`} data-testid="progress-item">
                  <span class="item-main">
                    <span class="item-title">
                      {p.secretaryName}
                      <span class="muted small"> · {p.villageName}</span>
                    </span>
                    <span class="score" aria-label={t('progress.completedOf', { n: p.completedCount, m: p.totalCount })}>
                      {p.completedCount}/{p.totalCount}
                    </span>
                    <span class="chev" aria-hidden="true">
                      ›
                    </span>
                  </span>
                  <DutyChips duties={summaryDuties(data, p)} />
                </a>
              </li>
            ))}
          </ul>
        )}
        {list.length > shown && (
          <button type="button" class="btn secondary block" onClick={() => setShown(shown + STEP)}>
            {t('common.loadMore')}
          </button>
        )}
      </section>
    </>
  );
}
