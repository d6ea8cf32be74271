// COUNTY / TOWNSHIP: monthly stationed days and allowance per secretary (month picker; county can
// filter by township; few=1 keeps those far below what the month asked — information, never a
// deduction) and the .xlsx allowance sheet, fetched with the bearer header.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/attendance.js';
import './attendance.css';
import { useLoad, Loading, ErrorBox, Empty, enumLabel } from '../../ui.jsx';
import { Back, SelectBox, loadAllPages, thisMonth, download, ErrLine, useToast, params } from '../review/kit.jsx';
import { useRoute, navigate } from '../../router.js';

const Q = `query Summary($m: String!, $tw: ID) { attendanceSummary(month: $m, townshipId: $tw) {
  month title rule rateYuanPerDay geofenceRadiusM totalStationedDays totalAllowanceYuan totalOutsideCheckIns downloadPath
  rows { index secretaryId secretaryName townshipName villageName dispatchUnit mode stationedDays rateYuanPerDay
    allowanceYuan outsideCheckIns note expectedDays fewDays confirmed statusLabel } confirmedCount } }`;
const TOWNSHIPS = `query($after: String) { townships(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;

export default function AttendanceSummary({ me }) {
  const t = useT();
  const path = useRoute();
  const qp = params(path);
  const county = me.role === 'COUNTY';
  const month = /^\d{4}-\d{2}$/.test(qp.get('month') || '') ? qp.get('month') : thisMonth();
  const tw = county ? qp.get('townshipId') || '' : '';
  const few = qp.get('few') === '1';
  const [townships, setTownships] = useState([]);
  const [busy, setBusy] = useState(false);
  const [dlErr, setDlErr] = useState(null);
  const [toast, show] = useToast();
  const [shown, setShown] = useState(50);
  useEffect(() => setShown(50), [month, tw]);
  useEffect(() => {
    if (county)
      loadAllPages(TOWNSHIPS, {}, (d) => d.townships).then(
        (l) => setTownships(l.map((x) => [x.id, x.name])),
        () => {},
      );
  }, [county]);
  const set = (m, w, f = few) => {
    const q = new URLSearchParams({ month: m });
    if (w) q.set('townshipId', w);
    if (f) q.set('few', '1');
    navigate(`/attendance?${q}`, { replace: true });
  };
  const { data, error, loading, reload } = useLoad(
    () => gql(Q, { m: month, tw: tw || null }).then((d) => d.attendanceSummary),
    [month, tw],
  );
  async function dl() {
    setBusy(true);
    setDlErr(null);
    const q = new URLSearchParams({ month });
    if (tw) q.set('townshipId', tw);
    try {
      const name = await download(
        data?.month === month && data.downloadPath ? data.downloadPath : `/exports/attendance.xlsx?${q}`,
        `驻村考勤-${month}.xlsx`,
      );
      show(t('common.downloaded', { name }));
    } catch (e) {
      setDlErr(e);
    }
    setBusy(false);
  }
  const all = data?.rows || [];
  const rows = few ? all.filter((r) => r.fewDays) : all;
  return (
    <>
      <section class="card" aria-labelledby="as-title">
        <Back fallback="/" />
        <h2 id="as-title">{t('attendance.title')}</h2>
        <div class="filters">
          <div class="input">
            <label for="as-month">{t('attendance.month')}</label>
            <input
              id="as-month"
              type="month"
              value={month}
              max={thisMonth()}
              onChange={(e) => e.currentTarget.value && set(e.currentTarget.value, tw)}
            />
          </div>
          {county && (
            <SelectBox
              id="as-tw"
              label={t('common.townships')}
              value={tw}
              onChange={(w) => set(month, w)}
              options={townships}
              all={t('common.wholeCounty')}
            />
          )}
        </div>
        <div class="row" role="group" aria-label={t('common.filter')} style={{ marginTop: '.75rem' }}>
          <button type="button" class="btn small secondary" aria-pressed={few ? 'false' : 'true'} onClick={() => set(month, tw, false)}>
            {t('common.all')}
          </button>
          <button
            type="button"
            class="btn small secondary"
            aria-pressed={few ? 'true' : 'false'}
            data-testid="filter-few"
            onClick={() => set(month, tw, true)}
          >
            {t('attendance.fewDays')}
          </button>
        </div>
        {few && <p class="muted small">{t('attendance.fewDaysRule')}</p>}
        {!county && (
          <a class="btn secondary block" href={`/attendance/confirm?month=${month}`} data-testid="to-confirm">
            {t('attendance.confirm.link')}
          </a>
        )}
        <button type="button" class="btn block" disabled={busy} onClick={dl} data-testid="download-xlsx">
          {busy ? t('common.downloading') : t('attendance.downloadXlsx')}
        </button>
        <ErrLine error={dlErr} />
      </section>
      <section class="card" aria-labelledby="as-table">
        <h2 id="as-table">{data?.title || t('attendance.monthSheet', { m: month })}</h2>
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
        {data && !rows.length && <Empty />}
        {data && rows.length > 0 && (
          <>
            {data.rule && (
              <details class="rule">
                <summary>{t('attendance.rule')}</summary>
                <p class="muted small">{data.rule}</p>
              </details>
            )}
            <p class="muted small">
              {t('attendance.perDay', { n: data.rateYuanPerDay })} · {t('common.total', { n: rows.length })} ·{' '}
              {t('attendance.confirmedN', { n: data.confirmedCount, m: all.length })}
            </p>
            <dl class="fields" data-testid="attendance-totals">
              <div class="field">
                <dt>{t('attendance.sumDays')}</dt>
                <dd class="num-strong">{data.totalStationedDays}</dd>
              </div>
              <div class="field">
                <dt>{t('attendance.sumAllowance')}</dt>
                <dd class="num-strong">{data.totalAllowanceYuan}</dd>
              </div>
              {data.totalOutsideCheckIns > 0 && (
                <div class="field">
                  <dt>{t('attendance.outside')}</dt>
                  <dd>{data.totalOutsideCheckIns}</dd>
                </div>
              )}
            </dl>
            <ul class="list" data-testid="attendance-table" aria-label={data.title}>
              {rows.slice(0, shown).map((r) => (
                <li key={r.secretaryId} class="item" data-testid="attendance-row">
                  <div class="item-main">
                    <span class="item-title">
                      {r.secretaryName}
                      <span class="muted small">
                        {' '}
                        · {county && !tw ? `${r.townshipName} ` : ''}
                        {r.villageName}
                      </span>
                    </span>
                    <span class="tag">{enumLabel(t, r.mode)}</span>
                    <span class={`day-state ${r.confirmed ? 'confirmed' : 'pending'}`} data-testid="row-status">
                      {r.statusLabel}
                    </span>
                  </div>
                  <span class="item-sub">
                    {t('attendance.stationedDays')} <strong class="ink">{r.stationedDays}</strong> · {t('attendance.allowance')}{' '}
                    <strong class="ink">{r.allowanceYuan}</strong>
                    {r.outsideCheckIns > 0 && (
                      <>
                        {' '}
                        · {t('attendance.outside')} {r.outsideCheckIns}
                      </>
                    )}
                  </span>
                  {r.fewDays && (
                    <span class="item-sub small" data-testid="few-days">
                      {t('attendance.fewDaysOf', { n: r.stationedDays, m: r.expectedDays })}
                    </span>
                  )}
                  {r.note && <span class="item-sub small">{r.note}</span>}
                </li>
              ))}
            </ul>
            {rows.length > shown && (
              <button type="button" class="btn secondary block" onClick={() => setShown(shown + 50)}>
                {t('common.loadMore')}
              </button>
            )}
          </>
        )}
      </section>
      {toast}
    </>
  );
}
