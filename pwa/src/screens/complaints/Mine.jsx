// 我的投诉建议: what the caller sent with their account (not anonymously), with state and reply.
import { gql } from '../../api.js';
import '../../i18n/complaints.js';
import { useT } from '../../i18n.js';
import { usePaged, PagedList } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { StateAndReply } from './kit.jsx';

const Q = `query($after: String) { myComplaints(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id trackingNumber kind topic text state reply repliedAt createdAt } } } }`;

export default function MyComplaints() {
  const t = useT();
  const page = usePaged((after) => gql(Q, { after }).then((d) => d.myComplaints), []);
  return (
    <section class="card cp" aria-labelledby="cp-mine">
      <Back fallback="/" />
      <h2 id="cp-mine">{t('complaint.mine')}</h2>
      <p class="muted small">{t('complaint.mineHint')}</p>
      <a class="btn block" href="/complaints/new">
        {t('complaint.newOne')}
      </a>
      <PagedList
        page={page}
        label={t('complaint.mine')}
        render={(c) => (
          <li key={c.id} class="cp-item" data-testid="my-complaint">
            <p class="small muted" translate="no">
              {c.trackingNumber}
            </p>
            <p class="cp-text">{c.text}</p>
            <StateAndReply c={c} />
          </li>
        )}
      />
    </section>
  );
}
