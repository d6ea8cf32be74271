// COUNTY / TOWNSHIP: 问题台账 of their villages — the list behind the homes' problem numbers.
// Filters in the address (so a home's number opens exactly its set): unresolved=1, overdue=1
// (unresolved and older than the county's age line), townshipId (county). Read-only: the village's
// secretary handles each problem in their own ledger.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/homes.js';
import '../../i18n/duties.js';
import { usePaged, PagedList } from '../../ui.jsx';
import { useRoute, navigate } from '../../router.js';
import { Back, SelectBox, loadAllPages, params, fmtDate } from '../review/kit.jsx';

const Q = `query Ledger($t: ID, $u: Boolean!, $o: Boolean!, $after: String) {
  problems(townshipId: $t, unresolved: $u, overdue: $o, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title description status createdAt village { name } } } } }`;
const TOWNSHIPS = `query($after: String) { townships(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
const AGE_Q = `{ countySettings { problemResolutionAgeDays } }`;
const DAY = 86_400_000;
const age = (iso) => Math.floor((Date.now() - Date.parse(iso)) / DAY);

function go(path, changes) {
  const [base, qs] = path.split('?');
  const q = new URLSearchParams(qs || '');
  for (const [k, v] of Object.entries(changes)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  const s = q.toString();
  navigate(s ? `${base}?${s}` : base, { replace: true });
}

export default function ProblemLedger({ me }) {
  const t = useT();
  const path = useRoute();
  const qp = params(path);
  const county = me.role === 'COUNTY';
  const tw = county ? qp.get('townshipId') || '' : '';
  const overdue = qp.get('overdue') === '1';
  const unresolved = overdue || qp.get('unresolved') === '1';
  const [townships, setTownships] = useState([]);
  const [ageLine, setAgeLine] = useState(30);
  useEffect(() => {
    gql(AGE_Q).then(
      (d) => setAgeLine(d.countySettings.problemResolutionAgeDays),
      () => {},
    );
    if (county)
      loadAllPages(TOWNSHIPS, {}, (d) => d.townships).then(
        (l) => setTownships(l.map((x) => [x.id, x.name])),
        () => {},
      );
  }, [county]);
  const page = usePaged(
    (after) => gql(Q, { t: tw || null, u: unresolved, o: overdue, after }).then((d) => d.problems),
    [tw, unresolved, overdue],
  );
  const filter = overdue ? 'overdue' : unresolved ? 'unresolved' : 'all';
  const chips = [
    ['all', t('problemList.all'), { unresolved: '', overdue: '' }],
    ['unresolved', t('problemList.unresolved'), { unresolved: '1', overdue: '' }],
    ['overdue', t('problemList.overdueShort'), { unresolved: '', overdue: '1' }],
  ];
  return (
    <>
      <section class="card" aria-labelledby="pl-title">
        <Back fallback="/" />
        <h2 id="pl-title">{t('problemList.title')}</h2>
        <div class="row" role="group" aria-label={t('common.filter')} style={{ marginBottom: '.75rem' }}>
          {chips.map(([key, label, change]) => (
            <button
              key={key}
              type="button"
              class="btn small secondary"
              aria-pressed={filter === key ? 'true' : 'false'}
              data-testid={`filter-${key}`}
              onClick={() => go(path, change)}
            >
              {label}
            </button>
          ))}
        </div>
        {county && (
          <SelectBox
            id="pl-tw"
            label={t('common.townships')}
            value={tw}
            onChange={(w) => go(path, { townshipId: w })}
            options={townships}
            all={t('common.wholeCounty')}
          />
        )}
        <p class="muted small">{t('problemList.hint', { d: ageLine })}</p>
      </section>
      <section class="card" aria-label={t('problemList.title')} data-testid="problem-list" data-filter={filter}>
        <PagedList
          page={page}
          label={t('problemList.title')}
          render={(p) => (
            <li key={p.id} class="item" data-testid="problem-item">
              <span class="item-main">
                <span class="item-title">{p.title}</span>
                <span class="tag">{t(`ledger.status.${p.status}`)}</span>
              </span>
              <span class="item-sub">
                {p.village?.name} · {fmtDate(p.createdAt)}
                {age(p.createdAt) > 0 && ` · ${t('problemList.age', { n: age(p.createdAt) })}`}
              </span>
              {p.description && <span class="item-sub">{p.description}</span>}
            </li>
          )}
        />
      </section>
    </>
  );
}
