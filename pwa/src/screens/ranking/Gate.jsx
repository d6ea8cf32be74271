// A township reads rankings only when the county has opened them to townships (晾晒, a recorded
// county decision: docs/ASSESSMENT.md "Who sees the ranking"). While closed, the township's ranking
// screens say so in plain words and where to ask, instead of an error. County and secretaries pass.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';

const Q = `{ rankingVisibility { townshipsSee } }`;

export function RankingGate({ me, children }) {
  const township = me?.role === 'TOWNSHIP';
  const t = useT();
  const { data, error, loading, reload } = useLoad(
    () => (township ? gql(Q).then((d) => d.rankingVisibility) : Promise.resolve({ townshipsSee: true })),
    [township],
  );
  if (!township) return children;
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (data?.townshipsSee) return children;
  return (
    <section class="card" aria-labelledby="rk-closed" data-testid="ranking-closed">
      <Back fallback="/" />
      <h2 id="rk-closed">{t('ranking.closedTitle')}</h2>
      <p>{t('ranking.closedBody')}</p>
      <a class="btn secondary block" href="/progress">
        {t('ranking.closedProgress')}
      </a>
    </section>
  );
}
