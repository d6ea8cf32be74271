// Leaders' charts (lazy chunk): distribution of totals, township comparison, trend across periods.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker, GradeBadge, pct, pts } from '../assessment/common.jsx';
import { Histogram, Bars, Line, Legend } from './svg.jsx';
import { Q_CHARTS } from './queries.js';

const pctOf = (v) => (v == null ? null : Math.round(v * 1000) / 10);

export default function Charts() {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const { data, error, loading, reload } = useLoad(() => gql(Q_CHARTS, { p: period, tw: null }), [period]);
  const cmpSeries = [
    { name: t('a7dutiesShare'), max: 100, format: (v) => (v == null ? '—' : `${v}%`) },
    { name: t('a7avgSat'), max: 100, format: (v) => (v == null ? '—' : `${v}%`) },
    { name: t('a7avgTotal'), format: (v) => pts(v) },
    { name: t('a7attendanceDays'), format: (v) => pts(v) },
  ];
  const trendSeries = [{ name: t('a7avgTotal'), format: (v) => pts(v) }];
  const cmp = data?.townshipComparison || [];
  const dist = data?.rankingDistribution || { buckets: [], grades: [], notRankable: 0 };
  const trend = data?.rankingTrend || [];
  return (
    <>
      <section class="card" aria-labelledby="ch-title">
        <Back fallback={`/rankings?period=${period}`} />
        <h2 id="ch-title">{t('a7charts')}</h2>
        <PeriodPicker id="ch-period" period={period} onChange={(p) => setParams(path, { period: p })} />
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
      </section>
      {data && (
        <>
          <section class="card" aria-labelledby="ch-dist">
            <h2 id="ch-dist">{t('a7chartDist')}</h2>
            {dist.buckets.some((b) => b.count) ? (
              <Histogram testid="chart-dist" label={t('a7chartDist')} bins={dist.buckets.map((b) => ({ label: b.label, value: b.count }))} />
            ) : <Empty />}
            <p class="a7-legend" data-testid="grade-counts">
              {dist.grades.map((g) => <span key={g.grade}><GradeBadge grade={g.grade} /> {g.count}</span>)}
              <span>{t('a7notRankable')} {dist.notRankable}</span>
            </p>
          </section>
          <section class="card" aria-labelledby="ch-cmp">
            <h2 id="ch-cmp">{t('a7chartCompare')}</h2>
            <Legend series={cmpSeries} />
            {cmp.length ? (
              <>
                <Bars testid="chart-compare" label={t('a7chartCompare')} series={cmpSeries}
                  rows={cmp.map((r) => ({ label: r.townshipName, values: [pctOf(r.dutyCompletedShare), pctOf(r.averageSatisfaction), r.averageTotal, r.averageStationedDays] }))} />
                <ul class="list">
                  {cmp.map((r) => (
                    <li key={r.townshipId}><a class="item link" href={`/rankings?period=${period}&townshipId=${encodeURIComponent(r.townshipId)}`}>
                      <span class="item-main"><span class="item-title">{r.townshipName}</span><span class="chev" aria-hidden="true">›</span></span>
                      <span class="item-sub">{t('a7avgTotal')} {pts(r.averageTotal)} · {t('a7avgSat')} {pct(r.averageSatisfaction)}</span>
                    </a></li>
                  ))}
                </ul>
              </>
            ) : <Empty />}
          </section>
          <section class="card" aria-labelledby="ch-trend">
            <h2 id="ch-trend">{t('a7chartTrend')}</h2>
            <p class="muted small">{t('a7trendHint')}</p>
            {trend.length ? (
              <Line testid="chart-trend" label={t('a7chartTrend')} series={trendSeries}
                points={trend.map((p) => ({ x: p.period, values: [p.averageTotal] }))} />
            ) : <Empty />}
          </section>
        </>
      )}
    </>
  );
}
