// One secretary's duty checklist (八个一, 十个一 … the county's version their term uses): each item's
// metric, bar, detail text and a link to its filings (its first filing kind).
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { PROGRESS_FIELDS, evidenceKind, metric, barWidth } from './duties.jsx';

// an answer without kinds (a server before the checklist was data): the eight duties' kinds
const OLD_KIND = { household_visits: 'HOUSEHOLD_VISIT', work_diary: 'WORK_DIARY', service_card: 'SERVICE_CARD' };
const Q = `query DP($s: ID) { dutyProgress(secretaryId: $s) { ${PROGRESS_FIELDS} } }`;

export default function DutyProgress({ secretaryId }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q, { s: secretaryId }).then((d) => d.dutyProgress), [secretaryId]);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const p = data;
  const sid = encodeURIComponent(p.secretary.id);
  return (
    <>
      <section class="card" aria-labelledby="dp-title">
        <Back fallback="/progress" />
        <h2 id="dp-title">
          <span data-testid="dp-name">{p.secretary.name}</span>
          <span class="muted small"> · {p.secretary.village?.name}</span>
        </h2>
        <p>
          <span class="score" data-testid="dp-score">
            {p.completedCount}/{p.totalCount}
          </span>{' '}
          {t('progress.dutiesDone')}
        </p>
        {p.checklistName && (
          <p class="small muted" data-testid="dp-checklist">
            {t('progress.checklistOf', { name: p.checklistName, v: p.checklistVersion })}
          </p>
        )}
        <div class="bar" aria-hidden="true">
          <span style={{ width: `${p.totalCount ? (100 * p.completedCount) / p.totalCount : 0}%` }} />
        </div>
        <a class="btn secondary block" href={`/filings?secretaryId=${sid}`}>
          {t('common.allFilings')}
        </a>
      </section>
      <section class="card" aria-label={t('progress.dutyList')}>
        {p.duties.map((d) => {
          const kind = evidenceKind(d) || (d.kinds ? null : OLD_KIND[d.key]);
          return (
            <div class="duty" key={d.key} data-testid="duty">
              <div class="item-main">
                <span class="item-title">{d.label}</span>
                <span class={`st ${d.complete ? 'ok' : 'no'}`}>{d.complete ? t('progress.dutyDone') : t('progress.dutyNotDone')}</span>
              </div>
              <div class="bar" role="img" aria-label={metric(d)}>
                <span style={{ width: `${barWidth(d)}%` }} />
              </div>
              <p class="small" style={{ margin: 0 }}>
                {metric(d) && <strong>{metric(d)}</strong>}
                {metric(d) && d.detail ? ' · ' : ''}
                {d.detail}
              </p>
              {kind && (
                <a class="back small" href={`/filings?secretaryId=${sid}&kind=${kind}`}>
                  {t('progress.seeFilings')} ›
                </a>
              )}
            </div>
          );
        })}
      </section>
    </>
  );
}
