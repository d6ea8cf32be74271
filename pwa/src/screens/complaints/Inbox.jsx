// 投诉建议受理 (the county): every complaint and suggestion sent to it, newest first, by state; one
// opened shows who sent it (unless anonymous), the call-back number left without an account, and
// the reply form — sent after a confirmation, optionally closing it. The yearly summary (.xlsx).
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import '../../i18n/complaints.js';
import { useT } from '../../i18n.js';
import { usePaged, PagedList } from '../../ui.jsx';
import { Back, Confirm, ErrLine, download, errMsg, mutate } from '../review/kit.jsx';
import { STATES, REPLY_MAX, StateAndReply } from './kit.jsx';

const Q = `query($s: ComplaintState, $after: String) { complaints(state: $s, first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id trackingNumber kind topic text anonymous viaPublicPage state reply repliedAt createdAt
    senderName contactPhone about { id name } } } } }`;
const ANSWER = `mutation($i: AnswerComplaintInput!) { answerComplaint(input: $i) {
  complaint { id state reply repliedAt } errors { code message field } } }`;

function sender(t, c) {
  if (c.viaPublicPage) return c.anonymous ? t('complaint.senderAnonymous') : t('complaint.senderPublic');
  return c.anonymous || !c.senderName ? t('complaint.senderAnonymous') : c.senderName;
}

function ReplyForm({ c, onDone }) {
  const t = useT();
  const [reply, setReply] = useState(c.reply || '');
  const [close, setClose] = useState(false);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [fieldErr, setFieldErr] = useState(null);

  function ask(e) {
    e.preventDefault();
    const text = reply.trim();
    if (!text) return setFieldErr(t('complaint.required'));
    if (text.length > REPLY_MAX) return setFieldErr(t('complaint.tooLong', { n: REPLY_MAX }));
    setFieldErr(null);
    setAsking(true);
  }
  async function send() {
    setBusy(true);
    setError(null);
    try {
      const p = await mutate(ANSWER, { i: { id: c.id, reply: reply.trim(), state: close ? 'CLOSED' : 'ANSWERED' } }, 'answerComplaint');
      onDone(p.complaint);
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }
  if (c.state === 'CLOSED') return <p class="muted small">{t('complaint.closedNote')}</p>;
  return (
    <form class="form" noValidate onSubmit={ask}>
      <div class="input">
        <label for={`cp-reply-${c.id}`}>{t('complaint.replyLabel')}</label>
        <textarea
          id={`cp-reply-${c.id}`}
          rows={4}
          value={reply}
          maxLength={REPLY_MAX}
          placeholder={t('complaint.replyPlaceholder')}
          aria-invalid={fieldErr ? 'true' : undefined}
          onInput={(e) => setReply(e.currentTarget.value)}
          data-testid="reply-text"
        />
        {fieldErr && <p class="field-err">{fieldErr}</p>}
      </div>
      <div class="check">
        <input id={`cp-close-${c.id}`} type="checkbox" checked={close} onChange={(e) => setClose(e.currentTarget.checked)} />
        <label for={`cp-close-${c.id}`}>{t('complaint.closeAfter')}</label>
      </div>
      <ErrLine error={error} />
      {asking ? (
        <Confirm
          text={close ? t('complaint.confirmClose') : t('complaint.confirmReply')}
          onYes={send}
          onNo={() => setAsking(false)}
          busy={busy}
        />
      ) : (
        <button type="submit" class="btn block" data-testid="reply-submit">
          {t('complaint.sendReply')}
        </button>
      )}
    </form>
  );
}

function Item({ c: initial }) {
  const t = useT();
  const [c, setC] = useState(initial);
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <li class="cp-item" data-testid="county-complaint" data-number={c.trackingNumber}>
      <StateAndReply c={c} noReply={t('complaint.awaiting')} />
      <p class="cp-text">{c.text}</p>
      <p class="small muted">
        {c.trackingNumber}
        {c.about ? ` · ${t('complaint.aboutUnit')}：${c.about.name}` : ''} · {t('complaint.sender')}：{sender(t, c)}
      </p>
      {open && (
        <>
          {c.contactPhone && (
            <p>
              {t('complaint.contactPhone')}：<a href={`tel:${c.contactPhone}`}>{c.contactPhone}</a>
            </p>
          )}
          {saved && (
            <p class="form-ok" role="status">
              {t('complaint.replied')}
            </p>
          )}
          <ReplyForm
            c={c}
            onDone={(next) => {
              setC({ ...c, ...next });
              setSaved(true);
            }}
          />
        </>
      )}
      <button type="button" class="btn secondary block" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="complaint-open">
        {open ? t('complaint.close') : t('complaint.open')}
      </button>
    </li>
  );
}

function YearDownload() {
  const t = useT();
  const year = new Date().getFullYear();
  const [st, setSt] = useState({ busy: false, done: null, error: null });
  async function run() {
    setSt({ busy: true, done: null, error: null });
    try {
      const name = await download(`/exports/complaints-${year}.xlsx`, `投诉建议年度汇总-${year}.xlsx`);
      setSt({ busy: false, done: name, error: null });
    } catch (x) {
      setSt({ busy: false, done: null, error: x });
    }
  }
  return (
    <section class="card" aria-labelledby="cp-year">
      <h2 id="cp-year">{t('complaint.year')}</h2>
      <button type="button" class="btn secondary block" disabled={st.busy} onClick={run} data-testid="complaints-download">
        {t('complaint.download', { year })}
      </button>
      {st.done && (
        <p class="form-ok small" role="status">
          {t('complaint.downloaded', { name: st.done })}
        </p>
      )}
      {st.error && (
        <p class="form-err" role="alert">
          {errMsg(st.error)}
        </p>
      )}
    </section>
  );
}

export default function ComplaintInbox() {
  const t = useT();
  const [state, setState] = useState('');
  const page = usePaged((after) => gql(Q, { s: state || null, after }).then((d) => d.complaints), [state]);
  return (
    <>
      <section class="card cp" aria-labelledby="cp-inbox">
        <Back fallback="/" />
        <h2 id="cp-inbox">{t('complaint.inbox')}</h2>
        <div class="cp-filter" role="group" aria-label={t('complaint.filter')}>
          {['', ...STATES].map((s) => (
            <button
              key={s || 'all'}
              type="button"
              class={`btn secondary${state === s ? ' on' : ''}`}
              aria-pressed={state === s}
              onClick={() => setState(s)}
              data-testid={`filter-${s || 'ALL'}`}
            >
              {s ? t(`complaint.states.${s}`) : t('complaint.all')}
            </button>
          ))}
        </div>
        <PagedList page={page} label={t('complaint.inbox')} render={(c) => <Item key={`${c.id}-${c.state}`} c={c} />} />
      </section>
      <YearDownload />
    </>
  );
}
