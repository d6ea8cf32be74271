// Leaders' charts (lazy chunk): distribution of totals, township comparison, trend across periods.
// One unit per chart: the township comparison is three small charts — % (duties complete,
// satisfaction), points (average total), days (stationed) — each on its own axis.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker, GradeBadge, pct, pts } from '../assessment/common.jsx';
import { Histogram, Bars, Line, Legend } from './svg.jsx';
import { Q_CHARTS } from './queries.js';
import { useScrollMemory } from './scroll.js';
import './ranking.css';
import { RankingGate } from './Gate.jsx';

const pctOf = (v) => (v == null ? null : Math.round(v * 1000) / 10);
/** A bucket's short axis label: <60, 60–70, ≥100 (points; the full label is its tooltip). */
const binLabel = (b) => (b.lower == null ? `<${b.upper}` : b.upper == null ? `≥${b.lower}` : `${b.lower}–${b.upper}`);

function ChartsScreen() {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const { data, error, loading, reload } = useLoad(() => gql(Q_CHARTS, { p: period, tw: null }), [period]);
  useScrollMemory(path, !!data);
  const pctFmt = (v) => (v == null ? '—' : `${Math.round(v * 10) / 10}%`);
  const ptsFmt = (v) => (v == null ? '—' : pts(Math.round(v * 10) / 10));
  const pctSeries = [
    { name: t('ranking.dutiesShare'), format: pctFmt },
    { name: t('ranking.avgSat'), format: pctFmt },
  ];
  const cmpCharts = [
    {
      id: 'pct',
      unit: t('ranking.chart.unitPct'),
      series: pctSeries,
      max: 100,
      format: pctFmt,
      values: (r) => [pctOf(r.dutyCompletedShare), pctOf(r.averageSatisfaction)],
    },
    {
      id: 'points',
      unit: t('ranking.chart.unitPoints'),
      series: [{ name: t('ranking.avgTotal'), format: ptsFmt }],
      format: ptsFmt,
      values: (r) => [r.averageTotal],
    },
    {
      id: 'days',
      unit: t('ranking.chart.unitDays'),
      series: [{ name: t('ranking.attendanceDays'), format: ptsFmt }],
      format: ptsFmt,
      values: (r) => [r.averageStationedDays],
    },
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
              <>
                <p class="muted small">{t('ranking.chart.distAxis')}</p>
                <Histogram
                  testid="chart-dist"
                  label={t('ranking.chart.dist')}
                  bins={dist.buckets.map((b) => ({ label: binLabel(b), title: b.label, value: b.count }))}
                />
              </>
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
            {cmp.length ? (
              <>
                <p class="muted small">{t('ranking.chart.compareHint')}</p>
                <div data-testid="chart-compare">
                  {cmpCharts.map((c) => (
                    <figure key={c.id} class="rk-figure">
                      <figcaption class="rk-unit">{c.unit}</figcaption>
                      {c.series.length > 1 && <Legend series={c.series} />}
                      <Bars
                        testid={`chart-compare-${c.id}`}
                        label={`${t('ranking.chart.compare')} · ${c.unit}`}
                        series={c.series}
                        max={c.max}
                        format={c.format}
                        rows={cmp.map((r) => ({ label: r.townshipName, values: c.values(r) }))}
                      />
                    </figure>
                  ))}
                </div>
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
            <p class="muted small">
              {t('ranking.chart.trendHint')} {t('ranking.chart.trendAxis')}
            </p>
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

export default function Charts({ me }) {
  return (
    <RankingGate me={me}>
      <ChartsScreen />
    </RankingGate>
  );
}
