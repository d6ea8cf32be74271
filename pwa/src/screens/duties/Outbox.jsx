// 发件箱: every queued record of this user with its state — 待发送 / 发送中 / 已发送 / 被退回 /
// 已通过 / 失败 (with the reason), and what it is: the kind, the household or title, the first
// words (the operation's `describe`, outbox/ops.js), so two diaries can be told apart. Failed ones
// can be retried or deleted (with confirmation); returned and stale ones open the edit form.
import { useEffect, useState } from 'preact/hooks';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { BackLink } from '../../ui.jsx';
import { outbox, syncNow, retry, remove, refreshReview, leftToSend } from '../../outbox/engine.js';
import { OutboxCare } from './OutboxCare.jsx';
import { describeItem } from '../../outbox/registry.js';
import { StateBadge, shownState, fmtTime, fmtDist, fmtSize } from './common.jsx';

export function reason(e) {
  if (!e) return '';
  if (e.code === 'STALE_VERSION') return errorText('STALE_VERSION');
  return e.message || errorText(e.code);
}

function label(t, it) {
  if (it.kind) return t(`duties.kind.${it.kind}`);
  return t(`outbox.op.${it.op}`);
}

/** 850 KB, 1.2 MB — what a secretary reads on a data plan. */
export function SyncSummary({ compact }) {
  const t = useT();
  const o = useStore(outbox);
  const unsent = o.items.filter((i) => i.state === 'waiting' || i.state === 'sending').length;
  const failed = o.items.filter((i) => i.state === 'failed').length;
  const [bytes, setBytes] = useState(0);
  useEffect(() => {
    let live = true;
    leftToSend(o.items)
      .then((l) => live && setBytes(l.bytes))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [o.items]);
  return (
    <div class="sync" data-testid="sync-summary" data-unsent={unsent} data-busy={o.busy ? '1' : '0'}>
      <p class="sync-line">
        {o.busy ? (
          <>
            <span class="spinner" aria-hidden="true" />
            {t('outbox.syncing')}
          </>
        ) : unsent ? (
          <span data-testid="sync-left" data-bytes={bytes}>
            {t('outbox.unsentN', { n: unsent })}
            {bytes > 0 ? t('outboxCare.aboutSize', { size: fmtSize(bytes) }) : ''}
          </span>
        ) : (
          t('outbox.allSent')
        )}
        {failed > 0 && <span class="badge st-failed"> {t('outbox.failedN', { n: failed })}</span>}
      </p>
      {o.note && unsent > 0 && (
        <p class="small muted" role="status">
          {reason(o.note)}
          {o.nextAt ? ` · ${t('outbox.autoRetry')}` : ''}
        </p>
      )}
      {!compact && (
        <button type="button" class="btn secondary block" disabled={o.busy || !unsent} onClick={() => syncNow()} data-testid="sync-now">
          {t('outbox.syncNow')}
        </button>
      )}
    </div>
  );
}

export default function Outbox() {
  const t = useT();
  const o = useStore(outbox);
  useEffect(() => {
    refreshReview().catch(() => {});
  }, []);
  const items = [...o.items].reverse(); // newest first
  return (
    <>
      <section class="card">
        <BackLink href="/duties" />
        <h2>{t('outbox.title')}</h2>
        <SyncSummary />
      </section>
      <OutboxCare />
      <section class="card" aria-label={t('outbox.title')}>
        {items.length === 0 && <p class="state empty">{t('outbox.empty')}</p>}
        <ul class="list" data-testid="outbox-list">
          {items.map((it) => {
            const st = shownState(it);
            const what = label(t, it);
            const d = describeItem(it);
            // a title made of the kind and the date says nothing the lines around it do not
            const subject = d.subject && !d.subject.startsWith(what) ? d.subject : '';
            return (
              <li key={it.id} class="item ob-item" data-testid="outbox-item" data-state={st} data-ref={it.ref}>
                <div class="item-main">
                  <span class="item-title">{what}</span>
                  <StateBadge state={st} />
                </div>
                {subject && (
                  <span class="ob-subject" data-testid="outbox-subject">
                    {subject}
                  </span>
                )}
                {d.excerpt && (
                  <span class="ob-excerpt" data-testid="outbox-excerpt">
                    “{d.excerpt}”
                  </span>
                )}
                <span class="item-sub">
                  {d.date ? `${t('duties.occurredOn')} ${d.date} · ` : ''}
                  {fmtTime(it.createdAt)}
                  {it.photos?.length ? ` · ${t('duties.photoN', { n: it.photos.length })}` : ''}
                  {it.op === 'editFiling' ? ` · ${t('duties.resubmission')}` : ''}
                </span>
                {it.state === 'waiting' && it.note && <p class="small muted">{reason(it.note)}</p>}
                {it.state === 'failed' && (
                  <p class="field-err" data-testid="fail-reason">
                    {t('outbox.failReason')}：{reason(it.error)}
                  </p>
                )}
                {st === 'returned' && it.reviewComment && (
                  <p class="review-comment">
                    {t('duties.reviewComment')}：{it.reviewComment}
                  </p>
                )}
                {it.result?.distanceM != null && (
                  <p class="small">
                    {t('checkin.distance', { d: fmtDist(t, it.result.distanceM) })} ·{' '}
                    {it.result.insideGeofence ? t('checkin.insideFence') : t('checkin.outsideFence')}
                  </p>
                )}
                <div class="ob-actions">
                  {it.state === 'failed' && it.error?.code !== 'STALE_VERSION' && it.error?.code !== 'CONFLICT' && (
                    <button type="button" class="btn secondary" onClick={() => retry(it.id)}>
                      {t('common.retry')}
                    </button>
                  )}
                  {(st === 'returned' || it.error?.code === 'STALE_VERSION') && /Filing$/.test(it.op) && (
                    <a class="btn secondary" href={`/inbox/${encodeURIComponent(it.ref)}`}>
                      {t('outbox.reEdit')}
                    </a>
                  )}
                  {it.state === 'failed' && (
                    <button
                      type="button"
                      class="btn secondary danger"
                      onClick={() => {
                        if (confirm(t('outbox.confirmDelete'))) remove(it.id);
                      }}
                    >
                      {t('outbox.delete')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}
