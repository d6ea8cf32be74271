// Staff: one secretary's filings (from the progress screens), filter by kind and status.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/review.js';
import { usePaged, PagedList } from '../../ui.jsx';
import { KINDS, kindLabel, statusLabel, fmtDate, SelectBox, Back } from './kit.jsx';

const Q = `query Filings($s: ID, $k: FilingKind, $st: FilingStatus, $after: String) {
  filings(secretaryId: $s, kind: $k, status: $st, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind status title occurredOn submittedAt secretary { id name village { id name } } } } } }`;
const STATUSES = ['SUBMITTED', 'APPROVED', 'RETURNED', 'DRAFT'];

export default function FilingList({ secretaryId, initialKind = '' }) {
  const t = useT();
  const [kind, setKind] = useState(KINDS.includes(initialKind) ? initialKind : '');
  const [status, setStatus] = useState('');
  const page = usePaged(
    (after) => gql(Q, { s: secretaryId || null, k: kind || null, st: status || null, after }).then((d) => d.filings),
    [secretaryId, kind, status],
  );
  const who = page.items[0]?.secretary;
  return (
    <section class="card" aria-labelledby="fl-title">
      <Back fallback="/progress" />
      <h2 id="fl-title">
        {t('review.filings')}
        {who ? `：${who.name}（${who.village?.name || ''}）` : ''}
      </h2>
      <div class="filters">
        <SelectBox
          id="fl-kind"
          label={t('common.category')}
          value={kind}
          onChange={setKind}
          options={KINDS.map((k) => [k, kindLabel(k)])}
          all={t('common.all')}
        />
        <SelectBox
          id="fl-status"
          label={t('common.status')}
          value={status}
          onChange={setStatus}
          options={STATUSES.map((s) => [s, statusLabel(s)])}
          all={t('common.all')}
        />
      </div>
      <PagedList
        page={page}
        label={t('review.filings')}
        render={(f) => (
          <li key={f.id}>
            <a class="item link" href={`/filings/${encodeURIComponent(f.id)}`} data-testid="filing-item">
              <span class="item-main">
                <span class="kind">{kindLabel(f.kind)}</span>
                <span class="item-title">{f.title || kindLabel(f.kind)}</span>
                <span class={`st ${f.status}`}>{statusLabel(f.status)}</span>
              </span>
              <span class="item-sub">
                {fmtDate(f.occurredOn)}
                {secretaryId ? '' : ` · ${f.secretary?.name || ''}`}
              </span>
            </a>
          </li>
        )}
      />
    </section>
  );
}
