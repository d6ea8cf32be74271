// 履职“八个一” (or the county's own list, 十个一 …): progress of the items of the secretary's checklist
// this term (dutyProgress — its items, name and version are the county's data), the outbox state,
// returned filings, and the buttons to file each item's evidence (works offline: the last answer
// is shown from the query cache, and filing goes to the outbox).
import { useEffect, useState } from 'preact/hooks';
import { gql, cachedQuery } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { useLoad, ErrorBox, BackLink } from '../../ui.jsx';
import { outbox } from '../../outbox/engine.js';
import { SyncSummary } from './Outbox.jsx';
import { OTHER_KINDS, loadRoster } from './common.jsx';
import { DUTY_PROGRESS_Q as Q, prefetchFilingForm, fileHref, lastDutyCount, rememberDutyCount } from './prefetch.js';

const INBOX_Q = `{ myInbox(first: 50) { edges { node { id } } } }`;

/** The items' places while dutyProgress loads, as many as last time, of their final height (no
 * layout shift). */
function DutySkeleton() {
  const t = useT();
  return (
    <div role="status" aria-busy="true" data-testid="duties-skeleton">
      <span class="sr-only">{t('common.loading')}</span>
      <ol class="duties" aria-hidden="true">
        {Array.from({ length: lastDutyCount() }, (_, i) => (
          <li key={i} class="duty duty-skel" />
        ))}
      </ol>
    </div>
  );
}

export default function Checklist({ me }) {
  const t = useT();
  const o = useStore(outbox);
  const { data, error, loading, reload } = useLoad(
    () => gql(Q).then((d) => d.dutyProgress),
    [],
    () => cachedQuery(Q).then((d) => d?.dutyProgress),
  );
  const inbox = useLoad(() => gql(INBOX_Q).then((d) => d.myInbox.edges.length), []);
  // keep the roster cached for filing offline; reload progress when items were sent
  const [roster, setRoster] = useState('loading');
  useEffect(prefetchFilingForm, []);
  useEffect(() => {
    if (data) rememberDutyCount(data.duties.length);
  }, [data]);
  useEffect(() => {
    loadRoster(me.orgUnit.id).then(
      () => setRoster('ready'),
      () => setRoster('missing'),
    );
  }, [me.orgUnit.id]);
  const sent = o.items.filter((i) => i.state === 'sent').length;
  useEffect(() => {
    if (sent) {
      reload();
      inbox.reload();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when one more queued item has been sent
  }, [sent]);
  const returned = Math.max(inbox.data || 0, new Set(o.items.filter((i) => i.reviewStatus === 'RETURNED').map((i) => i.ref)).size);
  return (
    <>
      <section class="card" aria-labelledby="duty-title">
        <BackLink href="/" />
        <h2 id="duty-title" data-testid="checklist-title">
          {data?.checklistName ? t('duties.listTitle', { name: data.checklistName }) : t('village.duties')}
        </h2>
        <p class="duty-count" data-testid={data ? 'duty-count' : undefined}>
          {data ? t('duties.completedN', { n: data.completedCount, m: data.totalCount }) : '\u00a0'}
        </p>
        {loading && !data && <DutySkeleton />}
        {error && !data && <ErrorBox error={error} onRetry={reload} />}
        {data && (
          <ol class="duties" data-testid="duties" data-roster={roster}>
            {data.duties.map((d) => {
              const href = fileHref(d);
              const form = href?.startsWith('/duties/new/');
              return (
                <li key={d.key} class={`duty${d.complete ? ' done' : ''}`} data-key={d.key} data-complete={d.complete ? '1' : '0'}>
                  <div class="duty-head">
                    <span class="duty-mark" aria-hidden="true">
                      {d.complete ? '✓' : ''}
                    </span>
                    <span class="duty-label">{d.label}</span>
                    <span class="duty-pct">
                      {d.complete
                        ? t('duties.done')
                        : d.percent != null
                          ? `${d.percent < 10 && d.percent > 0 ? d.percent.toFixed(1) : Math.round(d.percent)}%`
                          : `${d.numerator}/${d.denominator}`}
                    </span>
                  </div>
                  <progress
                    max="100"
                    value={Math.min(100, d.percent ?? (d.denominator ? (100 * d.numerator) / d.denominator : 0))}
                    aria-label={d.label}
                  />
                  <p class="small muted">{d.detail}</p>
                  {href && (
                    <a class="btn secondary duty-go" href={href} data-testid={`file-${d.key}`}>
                      {form ? t('duties.fileThis') : t('duties.open')}
                    </a>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <section class="card" aria-labelledby="ob-title">
        <h2 id="ob-title">
          <a class="h-link" href="/outbox" data-testid="outbox-link">
            {t('outbox.title')}
          </a>
        </h2>
        <SyncSummary compact />
        <a class="btn secondary block" href="/outbox">
          {t('outbox.open')}
        </a>
        {returned > 0 && (
          <a class="btn block" href="/inbox" data-testid="inbox-link">
            {t('outbox.returnedN', { n: returned })}
          </a>
        )}
      </section>
      <section class="card" aria-labelledby="other-title">
        <h2 id="other-title">{t('duties.otherFilings')}</h2>
        <ul class="list">
          {OTHER_KINDS.map((k) => (
            <li key={k}>
              <a class="item link" href={`/duties/new/${k}`} data-testid={`file-${k}`}>
                <span class="item-main">
                  <span class="item-title">{t(`duties.kind.${k}`)}</span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
              </a>
            </li>
          ))}
          <li>
            <a class="item link" href="/inbox">
              <span class="item-main">
                <span class="item-title">{t('outbox.inbox')}</span>
                <span class="chev" aria-hidden="true">
                  ›
                </span>
              </span>
            </a>
          </li>
          <li>
            <a class="item link" href="/checkin">
              <span class="item-main">
                <span class="item-title">{t('village.checkin')}</span>
                <span class="chev" aria-hidden="true">
                  ›
                </span>
              </span>
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}
