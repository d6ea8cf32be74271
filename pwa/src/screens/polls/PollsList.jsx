// Polls list. TOWNSHIP: its villages' polls + create a poll (secretary, period, title).
// COUNTY: read-only list. MEMBER: 我的测评 — the open/closed polls of their village.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { usePaged, PagedList, useLoad } from '../../ui.jsx';
import { navigate } from '../../router.js';
import { Back, mutate, loadAllPages } from '../review/kit.jsx';
import { StatusTag, PErr } from './common.jsx';

const LIST = `query Polls($after: String) { polls(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title period status secretaryName villageName createdAt myStatus { onRoster credentialIssued paperIssued } } } } }`;
const SECS = `query Secs($tw: ID, $after: String) { secretaries(townshipId: $tw, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name village { id name } } } } }`;
const CREATE = `mutation Create($input: CreatePollInput!) { createPoll(input: $input) { poll { id } errors { code message field } } }`;

function CreatePoll({ me }) {
  const tr = useT();
  const secs = useLoad(() => loadAllPages(SECS, { tw: me.orgUnit.id }, (d) => d.secretaries), [me.orgUnit.id]);
  const [f, setF] = useState({ secretaryId: '', period: String(new Date().getFullYear()), title: '' });
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (!f.secretaryId || !f.period.trim()) {
      setErr({ code: 'INVALID_INPUT', message: tr('poll.list.pickSecretary') });
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      const p = await mutate(
        CREATE,
        { input: { secretaryId: f.secretaryId, period: f.period.trim(), title: f.title.trim() || null } },
        'createPoll',
      );
      navigate(`/polls/${p.poll.id}`);
    } catch (x) {
      setErr(x);
      setBusy(false);
    }
  };
  const list = secs.data || [];
  return (
    <details class="card admin-section" data-testid="create-poll">
      <summary>
        <h2>{tr('poll.list.create')}</h2>
      </summary>
      <form class="form" onSubmit={submit}>
        <div class="input">
          <label for="p9-sec">
            {tr('secretary.title')} <span class="req">*</span>
          </label>
          <select
            id="p9-sec"
            value={f.secretaryId}
            onChange={(e) => setF({ ...f, secretaryId: e.currentTarget.value })}
            disabled={secs.loading}
          >
            <option value="">{secs.loading ? tr('common.loading') : tr('common.choose')}</option>
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {s.village?.name}
              </option>
            ))}
          </select>
        </div>
        <div class="input">
          <label for="p9-period">
            {tr('poll.period')} <span class="req">*</span>
          </label>
          <input id="p9-period" value={f.period} onInput={(e) => setF({ ...f, period: e.currentTarget.value })} maxLength={20} />
        </div>
        <div class="input">
          <label for="p9-title">{tr('poll.list.titleOptional')}</label>
          <input
            id="p9-title"
            value={f.title}
            onInput={(e) => setF({ ...f, title: e.currentTarget.value })}
            maxLength={100}
            placeholder={tr('poll.list.titleHint')}
          />
        </div>
        {secs.error && <PErr error={secs.error} />}
        <PErr error={err} />
        <button type="submit" class="btn block" disabled={busy} data-testid="create-poll-submit">
          {busy ? tr('poll.list.creating') : tr('poll.list.createBtn')}
        </button>
        <p class="muted small">{tr('poll.list.createHint')}</p>
      </form>
    </details>
  );
}

export default function PollsList({ me }) {
  const tr = useT();
  const page = usePaged((after) => gql(LIST, { after }).then((d) => d.polls), []);
  const member = me.role === 'MEMBER';
  return (
    <>
      <section class="card">
        <Back />
        <h2>{member ? tr('poll.list.myPolls') : tr('poll.list.title')}</h2>
        <p class="muted small">{member ? tr('poll.list.memberHint') : tr('poll.list.staffHint')}</p>
      </section>
      {me.role === 'TOWNSHIP' && <CreatePoll me={me} />}
      <section class="card">
        <PagedList
          page={page}
          label={tr('poll.list.title')}
          render={(p) => (
            <li key={p.id}>
              <a
                class="item link"
                href={me.role === 'VILLAGE' ? `/polls/${p.id}/result` : `/polls/${p.id}`}
                data-testid="poll-item"
                data-id={p.id}
              >
                <span class="item-main">
                  <span class="item-title">{p.title}</span>
                  <StatusTag status={p.status} />
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                <span class="item-sub">
                  {p.secretaryName} · {p.villageName} · {tr('poll.period')} {p.period}
                  {member && p.myStatus && !p.myStatus.onRoster && <> · {tr('poll.list.notOnRoster')}</>}
                </span>
              </a>
            </li>
          )}
        />
      </section>
    </>
  );
}
