// Leaders' charts (lazy chunk): distribution of totals, township comparison, trend across periods.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
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
    { name: t('ranking.dutiesShare'), max: 100, format: (v) => (v == null ? '—' : `${v}%`) },
    { name: t('ranking.avgSat'), max: 100, format: (v) => (v == null ? '—' : `${v}%`) },
    { name: t('ranking.avgTotal'), format: (v) => pts(v) },
    { name: t('ranking.attendanceDays'), format: (v) => pts(v) },
  ];
  const trendSeries = [{ name: t('ranking.avgTotal'), format: (v) => pts(v) }];
  const cmp = data?.townshipComparison || [];
  const dist = data?.rankingDistribution || { buckets: [], grades: [], notRankable: 0 };
  const trend = data?.rankingTrend || [];
  return (
    <>
      <section class="card" aria-labelledby="ch-title">
        <Back fallback={`/rankings?period=${period}`} />
        <h2 id="ch-title">{t('ranking.charts')}</h2>
        <PeriodPicker id="ch-period" period={period} onChange={(p) => setParams(path, { period: p })} />
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
      </section>
      {data && (
        <>
          <section class="card" aria-labelledby="ch-dist">
            <h2 id="ch-dist">{t('ranking.chart.dist')}</h2>
            {dist.buckets.some((b) => b.count) ? (
              <Histogram
                testid="chart-dist"
                label={t('ranking.chart.dist')}
                bins={dist.buckets.map((b) => ({ label: b.label, value: b.count }))}
              />
            ) : (
              <Empty />
            )}
            <p class="a7-legend" data-testid="grade-counts">
              {dist.grades.map((g) => (
                <span key={g.grade}>
                  <GradeBadge grade={g.grade} /> {g.count}
                </span>
              ))}
              <span>
                {t('assessment.notRankable')} {dist.notRankable}
              </span>
            </p>
          </section>
          <section class="card" aria-labelledby="ch-cmp">
            <h2 id="ch-cmp">{t('ranking.chart.compare')}</h2>
            <Legend series={cmpSeries} />
            {cmp.length ? (
              <>
                <Bars
                  testid="chart-compare"
                  label={t('ranking.chart.compare')}
                  series={cmpSeries}
                  rows={cmp.map((r) => ({
                    label: r.townshipName,
                    values: [pctOf(r.dutyCompletedShare), pctOf(r.averageSatisfaction), r.averageTotal, r.averageStationedDays],
                  }))}
                />
                <ul class="list">
                  {cmp.map((r) => (
                    <li key={r.townshipId}>
                      <a class="item link" href={`/rankings?period=${period}&townshipId=${encodeURIComponent(r.townshipId)}`}>
                        <span class="item-main">
                          <span class="item-title">{r.townshipName}</span>
                          <span class="chev" aria-hidden="true">
                            ›
                          </span>
                        </span>
                        <span class="item-sub">
                          {t('ranking.avgTotal')} {pts(r.averageTotal)} · {t('ranking.avgSat')} {pct(r.averageSatisfaction)}
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <Empty />
            )}
          </section>
          <section class="card" aria-labelledby="ch-trend">
            <h2 id="ch-trend">{t('ranking.chart.trend')}</h2>
            <p class="muted small">{t('ranking.chart.trendHint')}</p>
            {trend.length ? (
              <Line
                testid="chart-trend"
                label={t('ranking.chart.trend')}
                series={trendSeries}
                points={trend.map((p) => ({ x: p.period, values: [p.averageTotal] }))}
              />
            ) : (
              <Empty />
            )}
          </section>
        </>
      )}
    </>
  );
}
