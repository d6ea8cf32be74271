// COUNTY / TOWNSHIP: the secretaries this assessor scores (county: resident, township: liaison;
// the county may also read the liaison ones) for a period, with progress and target score.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { usePaged, PagedList, enumLabel } from '../../ui.jsx';
import { Back, SelectBox, loadAllPages, params } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker, pts } from './common.jsx';
import { Q_ASSESSMENTS, Q_TOWNSHIPS } from './queries.js';

export default function AssessmentList({ me }) {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const county = me.role === 'COUNTY';
  const tw = county ? params(path).get('townshipId') || '' : '';
  const search = params(path).get('q') || '';
  const [q, setQ] = useState(search);
  const [townships, setTownships] = useState([]);
  useEffect(() => {
    if (county)
      loadAllPages(Q_TOWNSHIPS, {}, (d) => d.townships).then(
        (l) => setTownships(l.map((x) => [x.id, x.name])),
        () => {},
      );
  }, [county]);
  const page = usePaged(
    (after) => gql(Q_ASSESSMENTS, { p: period, tw: tw || null, q: search || null, after }).then((d) => d.assessments),
    [period, tw, search],
  );
  return (
    <>
      <section class="card" aria-labelledby="al-title">
        <Back fallback="/" />
        <h2 id="al-title">{t('assessment.title')}</h2>
        <p class="muted small">{county ? t('assessment.list.assessHintCounty') : t('assessment.list.assessHintTownship')}</p>
        <div class="filters">
          <PeriodPicker id="al-period" period={period} onChange={(p) => setParams(path, { period: p })} />
          {county && (
            <SelectBox
              id="al-tw"
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
          <label class="sr-only" for="al-q">
            {t('common.search')}
          </label>
          <input id="al-q" type="search" value={q} placeholder={t('assessment.searchName')} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit" class="btn">
            {t('common.search')}
          </button>
        </form>
        {!county && (
          <div class="nav-grid">
            <a class="btn secondary" href={`/rankings?period=${period}`}>
              {t('ranking.title')}
            </a>
            <a class="btn secondary" href={`/disqualifications?period=${period}`} data-testid="nav-disq">
              {t('assessment.disq.title')}
            </a>
          </div>
        )}
        {county && (
          <div class="nav-grid">
            <a class="btn secondary" href={`/rubric?period=${period}`} data-testid="nav-rubric">
              {t('assessment.rubric.title')}
            </a>
            <a class="btn secondary" href={`/org-classes?period=${period}`} data-testid="nav-org-classes">
              {t('assessment.orgClass.title')}
            </a>
            <a class="btn secondary" href={`/disqualifications?period=${period}`} data-testid="nav-disq">
              {t('assessment.disq.title')}
            </a>
            <a class="btn secondary" href={`/rankings?period=${period}`}>
              {t('ranking.title')}
            </a>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="al-list">
        <h2 id="al-list">{t('assessment.secretaries')}</h2>
        <PagedList
          page={page}
          label={t('assessment.secretaries')}
          render={(a) => (
            <li key={a.secretary.id}>
              <a
                class="item link"
                href={`/assessments/${encodeURIComponent(a.secretary.id)}?period=${period}`}
                data-testid="assessment-item"
                data-can-score={a.canScore ? '1' : '0'}
                data-status={a.status}
              >
                <span class="item-main">
                  <span class="item-title">{a.secretary.name}</span>
                  <span class="score" aria-label={t('assessment.target')}>
                    {pts(a.target)}
                  </span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                <span class="item-sub">
                  {a.townshipName} · {a.villageName} · {enumLabel(t, a.secretary.mode)}
                </span>
                <span class="item-sub">
                  <span class={`st ${a.status === 'COMPLETE' ? 'ok' : a.status === 'IN_PROGRESS' ? 'wait' : 'off'}`}>
                    {t(`assessment.status.${a.status}`)} · {t('assessment.scoredOf', { n: a.itemsScored, m: a.itemsTotal })}
                  </span>
                  {!a.canScore && <span class="st off a7-gap">{t('assessment.list.readOnly')}</span>}
                </span>
              </a>
            </li>
          )}
        />
      </section>
    </>
  );
}
