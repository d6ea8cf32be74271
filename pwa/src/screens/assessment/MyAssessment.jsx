// VILLAGE (first secretary): my own assessment for a year — my line of the published ranking
// (晾晒) once the county has published one, and my scoring sheet read-only with its evidence.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, fmtTime } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker, GradeBadge, pts, groupKeyLabel } from './common.jsx';
import AssessmentSheet from './AssessmentSheet.jsx';

const Q = `query M($p: String!) { mySecretaryProfile { id } rankingSnapshots(period: $p) { id publishedAt } }`;
// A secretary sees only their own row of a published ranking (and their group's counts).
const Q_MINE = `query R($id: ID!) { rankingSnapshot(id: $id, first: 1) { groups { groupKey rankableCount
  rows { rank total targetScore satisfactionPercent rankable grade reason } } } }`;

export default function MyAssessment({ me }) {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const head = useLoad(() => gql(Q, { p: period }), [period]);
  const top = (
    <section class="card">
      <Back fallback="/" />
      <h2 data-testid="my-assessment">{t('village.myAssessment')}</h2>
      <PeriodPicker period={period} onChange={(p) => setParams(path, { period: p })} />
    </section>
  );
  if (head.loading && !head.data)
    return (
      <>
        {top}
        <Loading />
      </>
    );
  if (head.error)
    return (
      <>
        {top}
        <section class="card">
          <ErrorBox error={head.error} onRetry={head.reload} />
        </section>
      </>
    );
  const profile = head.data.mySecretaryProfile;
  if (!profile)
    return (
      <>
        {top}
        <section class="card">
          <p class="muted">{t('village.noProfile')}</p>
        </section>
      </>
    );
  return (
    <>
      {top}
      <Published snapshot={head.data.rankingSnapshots[0]} />
      <AssessmentSheet key={`${profile.id}:${period}`} me={me} secretaryId={profile.id} own />
    </>
  );
}

function Published({ snapshot }) {
  const t = useT();
  const mine = useLoad(() => (snapshot ? gql(Q_MINE, { id: snapshot.id }) : Promise.resolve(null)), [snapshot?.id]);
  if (!snapshot)
    return (
      <section class="card" data-testid="my-ranking">
        <p class="muted">{t('assessment.mine.notPublishedMine')}</p>
      </section>
    );
  if (mine.loading && !mine.data) return <Loading />;
  if (mine.error)
    return (
      <section class="card">
        <ErrorBox error={mine.error} onRetry={mine.reload} />
      </section>
    );
  const group = mine.data.rankingSnapshot.groups[0];
  const row = group?.rows[0];
  return (
    <section class="card" data-testid="my-ranking" aria-labelledby="my-ranking-title">
      <h2 id="my-ranking-title">{t('assessment.mine.myPublished')}</h2>
      <p class="muted small">
        {t('assessment.mine.publishedOn', { at: fmtTime(snapshot.publishedAt) })}
        {group && <> · {groupKeyLabel(group.groupKey)}</>}
      </p>
      {!row ? (
        <p class="muted">{t('assessment.mine.notInSnapshot')}</p>
      ) : (
        <>
          <p class="a7-mine-rank">
            {row.rankable ? (
              <strong data-testid="my-rank">{t('assessment.mine.myRank', { r: row.rank, n: group.rankableCount })}</strong>
            ) : (
              <strong data-testid="my-rank">{t('assessment.notRankable')}</strong>
            )}{' '}
            <GradeBadge grade={row.grade} />
          </p>
          <div class="a7-parts">
            <div>
              <span>{t('assessment.target')}</span>
              <strong>{pts(row.targetScore)}</strong>
            </div>
            <div>
              <span>{t('assessment.mine.satisfaction')}</span>
              <strong>{row.satisfactionPercent != null ? `${row.satisfactionPercent}%` : '—'}</strong>
            </div>
            <div class="a7-target">
              <span>{t('assessment.total')}</span>
              <strong data-testid="my-total">{pts(row.total)}</strong>
            </div>
          </div>
          {row.reason && (
            <p class="small a7-note" data-testid="my-reason">
              {row.reason}
            </p>
          )}
        </>
      )}
    </section>
  );
}
