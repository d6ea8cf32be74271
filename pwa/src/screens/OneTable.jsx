// COUNTY: 向上级报送（一张表） — the table the county reports upward, built from what was already
// filed (GET /exports/one-table-<year>.xlsx), and for each of its columns where the value comes
// from (oneTableColumns, the same provenance list that drives the .xlsx and the JSON API,
// docs/ONE_TABLE.md): nobody enters any of it again.
import { useState } from 'preact/hooks';
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/onetable.js';
import './compliance.css';
import { useLoad, Loading, ErrorBox } from '../ui.jsx';
import { Back, download, errMsg } from './review/kit.jsx';
import { PeriodPicker, thisYear } from './assessment/common.jsx';

const Q = '{ oneTableColumns { key header record } }';
/** The columns grouped by where they come from, in the table's order: [[record, [header…]]…]. */
function bySource(columns) {
  const groups = new Map();
  for (const c of columns) groups.set(c.record, [...(groups.get(c.record) || []), c.header]);
  return [...groups];
}

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export default function OneTable() {
  const t = useT();
  const [period, setPeriod] = useState(thisYear());
  const [month, setMonth] = useState('');
  const [st, setSt] = useState({ busy: false, done: null, error: null });
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.oneTableColumns), []);
  async function run() {
    setSt({ busy: true, done: null, error: null });
    const q = month ? `?month=${period}-${month.padStart(2, '0')}` : '';
    try {
      const name = await download(`/exports/one-table-${period}.xlsx${q}`, `一张表-${period}.xlsx`);
      setSt({ busy: false, done: name, error: null });
    } catch (x) {
      setSt({ busy: false, done: null, error: x });
    }
  }
  return (
    <>
      <section class="card" aria-labelledby="ot-title">
        <Back fallback="/" />
        <h2 id="ot-title">{t('oneTable.title')}</h2>
        <p class="muted small">{t('oneTable.intro')}</p>
        <PeriodPicker id="ot-period" period={period} onChange={setPeriod} />
        <div class="input">
          <label for="ot-month">{t('oneTable.month')}</label>
          <select id="ot-month" value={month} data-testid="one-table-month" onChange={(e) => setMonth(e.currentTarget.value)}>
            <option value="">{t('oneTable.wholeYear')}</option>
            {MONTHS.map((m) => (
              <option key={m} value={String(m)}>
                {t('oneTable.monthN', { m })}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="btn block" disabled={st.busy} onClick={run} data-testid="one-table-download">
          {t('oneTable.download')}
        </button>
        {st.done && (
          <p class="form-ok small" role="status">
            {t('oneTable.downloaded', { name: st.done })}
          </p>
        )}
        {st.error && (
          <p class="form-err" role="alert">
            {errMsg(st.error)}
          </p>
        )}
        <p class="muted small">{t('oneTable.platform')}</p>
      </section>
      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data && (
        <section class="card" aria-labelledby="ot-columns">
          <h2 id="ot-columns">{t('oneTable.columns', { n: data.length })}</h2>
          <ul class="list compliance-findings">
            {bySource(data).map(([record, headers]) => (
              <li key={record} class="item" data-testid="one-table-source">
                <span class="item-main">
                  <span class="item-title">{headers.join('、')}</span>
                  <span class="tag ok">{t('oneTable.noReentry')}</span>
                </span>
                <span class="item-sub small muted">
                  {t('oneTable.from')}：{record}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
