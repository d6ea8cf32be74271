// TOWNSHIP (and COUNTY read-only): one poll — key fingerprint + board head, counts only while it
// runs, the roster editor (draft), paper slips (issuing), and draft → issuing → voting → closed.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT, t } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back, Confirm, fmtTime, mutate, usePoll, useToast } from '../review/kit.jsx';
import { POLL_FIELDS, CATEGORIES, PollHead, Fingerprint, HexBlock, PErr, ResultView } from './common.jsx';

const Q = `query P($id: ID!) { poll(id: $id) { ${POLL_FIELDS} scrubbedAt } }`;
const PROGRESS = `query Pr($id: ID!) { pollProgress(pollId: $id) { status rosterSize rosterWithAccount credentialsIssued paperSlipsIssued ballotsCast } }`;
const ROSTER = `query R($id: ID!) { pollRoster(pollId: $id) { totalCount voters { id name category hasPhone hasAccount credentialIssued paperIssued } } }`;
const ERR = 'errors { code message field }';
const IMPORT = `mutation I($p: ID!, $v: [PollVoterInput!]!) { importPollRoster(pollId: $p, voters: $v) { voters { id } ${ERR} } }`;
const UPDATE = `mutation U($id: ID!, $input: PollVoterInput!) { updatePollVoter(id: $id, input: $input) { voter { id } ${ERR} } }`;
const REMOVE = `mutation D($id: ID!) { removePollVoter(id: $id) { poll { id } ${ERR} } }`;
const SLIPS = `mutation S($p: ID!, $v: [ID!]!) { issuePaperSlips(pollId: $p, voterIds: $v) { batch count pdfBase64 filename ${ERR} } }`;
const STEP = {
  DRAFT: ['startPollIssuing', 'poll.manage.startIssuing', 'poll.manage.confirmIssuing'],
  ISSUING: ['openPollVoting', 'poll.manage.openVoting', 'poll.manage.confirmVoting'],
  VOTING: ['closePoll', 'poll.manage.closePoll', 'poll.manage.confirmClose'],
};

// Paste import: "姓名,类别[,手机号]" per line (comma, Chinese comma, tab or spaces).
const CAT_WORDS = {
  COMMITTEE: ['村两委成员', '两委成员', '两委', '村两委', 'committee'],
  PARTY_MEMBER: ['党员', 'party_member', 'party member'],
  REPRESENTATIVE: ['村民代表', '代表', 'representative'],
  RETIRED_CADRE: ['离退职老干部', '老干部', '离退职干部', 'retired_cadre', 'retired cadre'],
  PARTY_APPLICANT: ['入党积极分子', '积极分子', 'party_applicant', 'party applicant'],
};
export function parseCategory(s) {
  const v = String(s || '')
    .trim()
    .toLowerCase();
  for (const [k, words] of Object.entries(CAT_WORDS)) if (v === k.toLowerCase() || words.includes(v)) return k;
  return null;
}
export function parseRoster(text) {
  const voters = [],
    errors = [];
  String(text)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const parts = line.split(/\s*[,，\t;；]\s*|\s+/).filter(Boolean);
      const [name, cat, phone] = parts;
      const category = parseCategory(cat);
      if (!name || !category) {
        errors.push(t('poll.manage.lineBadCat', { n: i + 1 }));
        return;
      }
      if (phone && !/^1\d{10}$/.test(phone)) {
        errors.push(t('poll.manage.lineBadPhone', { n: i + 1 }));
        return;
      }
      voters.push({ name, category, phone: phone || null });
    });
  return { voters, errors };
}

function VoterForm({ initial, onSave, onCancel, busy, testid }) {
  const tr = useT();
  const [f, setF] = useState(initial || { name: '', category: 'PARTY_MEMBER', phone: '' });
  const [err, setErr] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    if (!f.name.trim()) {
      setErr({ code: 'INVALID_INPUT', message: tr('poll.manage.nameRequired') });
      return;
    }
    if (f.phone && !/^1\d{10}$/.test(f.phone.trim())) {
      setErr({ code: 'INVALID_INPUT', message: tr('login.phoneInvalid') });
      return;
    }
    setErr(null);
    onSave({ name: f.name.trim(), category: f.category, phone: f.phone.trim() || null }).catch(setErr);
  };
  return (
    <form class="form" onSubmit={submit} data-testid={testid}>
      <div class="input">
        <label for={`${testid}-name`}>{tr('secretary.name')}</label>
        <input id={`${testid}-name`} value={f.name} maxLength={50} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />
      </div>
      <div class="input">
        <label for={`${testid}-cat`}>{tr('poll.manage.category')}</label>
        <select id={`${testid}-cat`} value={f.category} onChange={(e) => setF({ ...f, category: e.currentTarget.value })}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {tr(`poll.category.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div class="input">
        <label for={`${testid}-phone`}>{tr('poll.manage.phoneOptional')}</label>
        <input
          id={`${testid}-phone`}
          inputMode="numeric"
          value={f.phone || ''}
          maxLength={11}
          onInput={(e) => setF({ ...f, phone: e.currentTarget.value })}
        />
        {initial?.hasPhone && (
          <p class="muted small" data-testid="phone-hint">
            {tr('poll.manage.phoneKeep')}
          </p>
        )}
      </div>
      <PErr error={err} />
      <div class="p9-row">
        <button type="submit" class="btn" disabled={busy}>
          {busy ? tr('common.saving') : tr('poll.manage.saveVoter')}
        </button>
        {onCancel && (
          <button type="button" class="btn secondary" onClick={onCancel}>
            {tr('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function Roster({ poll, roster, editable, onChanged }) {
  const tr = useT();
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(null);
  const [paste, setPaste] = useState('');
  const [pasteErr, setPasteErr] = useState(null);
  const [err, setErr] = useState(null);
  const [toast, show] = useToast();
  const voters = roster.data?.voters || [];
  const run = async (fn, ok) => {
    setBusy(true);
    setErr(null);
    try {
      await fn();
      if (ok) show(ok);
      onChanged();
    } catch (e) {
      setErr(e);
      throw e;
    } finally {
      setBusy(false);
    }
  };
  const importText = async () => {
    const { voters: vs, errors } = parseRoster(paste);
    if (errors.length) {
      setPasteErr(errors);
      return;
    }
    if (!vs.length) {
      setPasteErr([tr('poll.manage.pasteEmpty')]);
      return;
    }
    setPasteErr(null);
    await run(() => mutate(IMPORT, { p: poll.id, v: vs }, 'importPollRoster'), tr('poll.manage.imported', { n: vs.length })).catch(
      () => {},
    );
    setPaste('');
  };
  return (
    <section class="card" aria-labelledby="p9-roster">
      {toast}
      <h2 id="p9-roster">
        {tr('poll.manage.roster')}{' '}
        <span class="muted small" data-testid="roster-count">
          {tr('household.members', { n: voters.length })}
        </span>
      </h2>
      {roster.loading && !roster.data && <Loading />}
      {roster.error && <ErrorBox error={roster.error} onRetry={roster.reload} />}
      {roster.data && !voters.length && <Empty />}
      <ul class="list" data-testid="roster">
        {voters.map((v) => (
          <li key={v.id} data-testid="roster-voter" data-name={v.name}>
            {editing === v.id ? (
              <VoterForm
                testid="edit-voter"
                busy={busy}
                initial={{ name: v.name, category: v.category, phone: '', hasPhone: v.hasPhone }}
                onCancel={() => setEditing(null)}
                onSave={(input) =>
                  run(() => mutate(UPDATE, { id: v.id, input }, 'updatePollVoter'), tr('common.saved')).then(() => setEditing(null))
                }
              />
            ) : (
              <div class="item">
                <div class="item-main">
                  <span class="item-title">{v.name}</span>
                  {v.hasAccount && (
                    <span class="tag" data-testid="has-account">
                      {tr('poll.manage.hasAccount')}
                    </span>
                  )}
                  {v.credentialIssued && <span class="st ok">{tr('poll.manage.credIssued')}</span>}
                  {v.paperIssued && <span class="st wait">{tr('poll.manage.paperIssued')}</span>}
                </div>
                <span class="item-sub">
                  {tr(`poll.category.${v.category}`)}
                  {v.hasPhone ? ` · ${tr('poll.manage.hasPhone')}` : ''}
                </span>
                {editable && (
                  <div class="p9-row">
                    <button type="button" class="btn secondary" disabled={busy} onClick={() => setEditing(v.id)} data-testid="voter-edit">
                      {tr('poll.manage.edit')}
                    </button>
                    <button
                      type="button"
                      class="btn secondary"
                      disabled={busy}
                      data-testid="voter-remove"
                      onClick={() =>
                        confirm(tr('poll.manage.confirmRemove', { name: v.name })) &&
                        run(() => mutate(REMOVE, { id: v.id }, 'removePollVoter'), tr('poll.manage.removed')).catch(() => {})
                      }
                    >
                      {tr('poll.manage.remove')}
                    </button>
                  </div>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      <PErr error={err} />
      {editable && (
        <>
          <details class="admin-section" data-testid="add-voter">
            <summary>
              <h2>{tr('poll.manage.addVoter')}</h2>
            </summary>
            <VoterForm
              testid="new-voter"
              busy={busy}
              onSave={(input) => run(() => mutate(IMPORT, { p: poll.id, v: [input] }, 'importPollRoster'), tr('common.saved'))}
            />
          </details>
          <details class="admin-section" data-testid="paste-roster">
            <summary>
              <h2>{tr('poll.manage.pasteTitle')}</h2>
            </summary>
            <p class="muted small">{tr('poll.manage.pasteHint')}</p>
            <label class="sr-only" for="p9-paste">
              {tr('poll.manage.pasteTitle')}
            </label>
            <textarea
              id="p9-paste"
              class="p9-textarea"
              value={paste}
              onInput={(e) => setPaste(e.currentTarget.value)}
              placeholder={'张三,党员,13800000000\n李四,村民代表\n王五,离退职老干部'}
            />
            {pasteErr && (
              <ul class="form-err" role="alert">
                {pasteErr.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            )}
            <button type="button" class="btn block" disabled={busy || !paste.trim()} onClick={importText} data-testid="paste-import">
              {tr('poll.manage.pasteImport')}
            </button>
          </details>
        </>
      )}
    </section>
  );
}

function b64ToBlob(b64, type) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}
function saveBlob(blob, name) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
export { saveBlob };

function PaperSlips({ poll, roster, onChanged }) {
  const tr = useT();
  const open = (roster.data?.voters || []).filter((v) => !v.credentialIssued && !v.paperIssued);
  const [picked, setPicked] = useState(null); // null = default (everyone without an account)
  const sel = picked || new Set(open.filter((v) => !v.hasAccount).map((v) => v.id));
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [done, setDone] = useState(null);
  const toggle = (id) => {
    const s = new Set(sel);
    s.has(id) ? s.delete(id) : s.add(id);
    setPicked(s);
  };
  const issue = async () => {
    setBusy(true);
    setErr(null);
    try {
      const p = await mutate(SLIPS, { p: poll.id, v: [...sel] }, 'issuePaperSlips');
      const name = p.filename || `poll-${poll.id}-slips-${p.batch}.pdf`;
      saveBlob(b64ToBlob(p.pdfBase64, 'application/pdf'), name);
      setDone({ count: p.count, name });
      setPicked(null);
      setAsking(false);
      onChanged();
    } catch (e) {
      setErr(e);
      setAsking(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="p9-slips" data-testid="paper-slips">
      <h2 id="p9-slips">{tr('poll.manage.slips')}</h2>
      <p class="muted small">{tr('poll.manage.slipsHint')}</p>
      {done && (
        <p class="form-ok" role="status" data-testid="slips-done">
          {tr('poll.manage.slipsDone', { n: done.count, name: done.name })}
        </p>
      )}
      {!open.length ? (
        <p class="muted">{tr('poll.manage.noneLeft')}</p>
      ) : (
        <ul class="list">
          {open.map((v) => (
            <li key={v.id} class="check">
              <input type="checkbox" id={`slip-${v.id}`} checked={sel.has(v.id)} onChange={() => toggle(v.id)} data-testid="slip-pick" />
              <label for={`slip-${v.id}`}>
                {v.name}{' '}
                <span class="muted small">
                  {tr(`poll.category.${v.category}`)}
                  {v.hasAccount ? ` · ${tr('poll.manage.hasAccount')}` : ''}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <PErr error={err} />
      {!asking ? (
        <button type="button" class="btn block" disabled={!sel.size || busy} onClick={() => setAsking(true)} data-testid="issue-slips">
          {tr('poll.manage.issueSlips', { n: sel.size })}
        </button>
      ) : (
        <Confirm
          danger
          busy={busy}
          text={tr('poll.manage.confirmSlips', { n: sel.size })}
          yes={tr('poll.manage.issueAndDownload')}
          onYes={issue}
          onNo={() => setAsking(false)}
        />
      )}
    </section>
  );
}

/** After close: whether the rows the close deleted were wiped from the database files. */
function Scrubbed({ at }) {
  const tr = useT();
  return (
    <div class="p9-scrub" data-testid="poll-scrubbed" data-scrubbed={String(!!at)}>
      <p class={at ? 'form-ok' : 'p9-note'}>{at ? tr('poll.manage.scrubbed', { at: fmtTime(at) }) : tr('poll.manage.notScrubbed')}</p>
      <p class="muted small">{tr(at ? 'poll.manage.scrubbedHint' : 'poll.manage.notScrubbedHint')}</p>
    </div>
  );
}

function Counts({ pr }) {
  const tr = useT();
  if (!pr) return null;
  return (
    <div class="p9-nums" data-testid="poll-counts">
      <div>
        <strong data-testid="c-roster">{pr.rosterSize}</strong>
        {tr('poll.manage.count.roster')}
      </div>
      <div>
        <strong data-testid="c-creds">{pr.credentialsIssued}</strong>
        {tr('poll.manage.count.credentials')}
      </div>
      <div>
        <strong data-testid="c-paper">{pr.paperSlipsIssued}</strong>
        {tr('poll.manage.count.paper')}
      </div>
      <div>
        <strong data-testid="c-accounts">{pr.rosterWithAccount}</strong>
        {tr('poll.manage.count.accounts')}
      </div>
      <div>
        <strong data-testid="c-ballots">{pr.ballotsCast}</strong>
        {tr('poll.manage.count.ballots')}
      </div>
    </div>
  );
}

export default function PollManage({ me, id }) {
  const tr = useT();
  const manage = me.role === 'TOWNSHIP';
  const poll = useLoad(() => gql(Q, { id }).then((d) => d.poll), [id]);
  const progress = useLoad(() => gql(PROGRESS, { id }).then((d) => d.pollProgress), [id]);
  const roster = useLoad(() => gql(ROSTER, { id }).then((d) => d.pollRoster), [id]);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const p = poll.data;
  usePoll(() => progress.reload(), 15_000, p && (p.status === 'ISSUING' || p.status === 'VOTING'));
  if (poll.loading && !p) return <Loading />;
  if (poll.error) return <ErrorBox error={poll.error} onRetry={poll.reload} />;
  const reloadAll = () => {
    poll.reload();
    progress.reload();
    roster.reload();
  };
  const step = STEP[p.status];
  const advance = async () => {
    setBusy(true);
    setErr(null);
    try {
      await mutate(`mutation M($id: ID!) { ${step[0]}(pollId: $id) { poll { id status } ${ERR} } }`, { id: p.id }, step[0]);
      setAsking(false);
      reloadAll();
    } catch (e) {
      setErr(e);
      setAsking(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <section class="card">
        <Back fallback="/polls" />
        <PollHead poll={p} />
        <Fingerprint poll={p} />
        {p.boardHeadHash && (
          <>
            <p class="muted small">{tr('poll.headHash')}</p>
            <HexBlock hex={p.boardHeadHash} testid="head-hash" />
          </>
        )}
        {p.status === 'DRAFT' && <p class="muted small">{tr('poll.manage.fpDraftHint')}</p>}
      </section>
      <section class="card" aria-labelledby="p9-progress">
        <h2 id="p9-progress">{tr('poll.manage.progress')}</h2>
        <p class="muted small">{tr('poll.manage.countsOnly')}</p>
        {progress.error ? <ErrorBox error={progress.error} onRetry={progress.reload} /> : <Counts pr={progress.data} />}
        {manage && step && (
          <>
            <PErr error={err} />
            {!asking ? (
              <button type="button" class="btn block" onClick={() => setAsking(true)} data-testid="advance" data-step={step[0]}>
                {tr(step[1])}
              </button>
            ) : (
              <Confirm danger busy={busy} text={tr(step[2])} yes={tr(step[1])} onYes={advance} onNo={() => setAsking(false)} />
            )}
          </>
        )}
        {p.status !== 'DRAFT' && (
          <a class="btn secondary block" href={`/polls/${p.id}/result`} data-testid="to-result">
            {p.status === 'CLOSED' ? tr('poll.seeResult') : tr('poll.manage.seeBoard')}
          </a>
        )}
        {p.status === 'ISSUING' && (
          <a class="btn secondary block" href={`/vote/${p.id}`}>
            {tr('poll.manage.votePage')}
          </a>
        )}
      </section>
      {p.status === 'CLOSED' && (
        <section class="card">
          <h2>{tr('poll.result.title')}</h2>
          <ResultView result={p.result} />
          <Scrubbed at={p.scrubbedAt} />
        </section>
      )}
      {manage && p.status === 'ISSUING' && (
        <PaperSlips
          poll={p}
          roster={roster}
          onChanged={() => {
            roster.reload();
            progress.reload();
          }}
        />
      )}
      <Roster
        poll={p}
        roster={roster}
        editable={manage && p.status === 'DRAFT'}
        onChanged={() => {
          roster.reload();
          progress.reload();
        }}
      />
    </>
  );
}
