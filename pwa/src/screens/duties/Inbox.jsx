// 退回待改: filings the township returned (myInbox) with the reviewer's comment → edit and resubmit.
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { usePaged, PagedList, BackLink } from '../../ui.jsx';
import { outbox } from '../../outbox/engine.js';

const Q = `query Inbox($after: String) { myInbox(first: 20, after: $after) { pageInfo { hasNextPage endCursor }
  edges { node { id kind title version status reviewComment reviewedAt occurredOn } } } }`;

export default function Inbox() {
  const t = useT();
  const o = useStore(outbox);
  const page = usePaged((after) => gql(Q, { after }).then((d) => d.myInbox), []);
  const pending = new Set(o.items.filter((i) => i.op === 'editFiling' && i.state !== 'sent').map((i) => i.ref));
  return (
    <section class="card">
      <BackLink href="/duties" />
      <h2>{t('outbox.inbox')}</h2>
      <PagedList
        page={page}
        label={t('outbox.inbox')}
        render={(f) => (
          <li key={f.id}>
            <a class="item link" href={`/inbox/${encodeURIComponent(f.id)}`} data-testid="inbox-item" data-id={f.id}>
              <span class="item-main">
                <span class="item-title">{t(`duties.kind.${f.kind}`)}</span>
                <span class={`badge st-${pending.has(f.id) ? 'waiting' : 'returned'}`}>
                  {pending.has(f.id) ? t('outbox.state.waiting') : t('outbox.state.returned')}
                </span>
              </span>
              <span class="item-sub">{f.title}</span>
              {f.reviewComment && (
                <span class="item-sub review-comment">
                  {t('duties.reviewComment')}：{f.reviewComment}
                </span>
              )}
            </a>
          </li>
        )}
      />
    </section>
  );
}
