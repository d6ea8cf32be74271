// TOWNSHIP (and COUNTY read-only): one poll — key fingerprint + board head, counts only while it
// runs, the roster editor (draft), paper slips (issuing), and draft → issuing → voting → closed.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT, t } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back, fmtTime, mutate, saveBlob, usePoll, useToast } from '../review/kit.jsx';
import { POLL_FIELDS, CATEGORIES, PollHead, Fingerprint, HexBlock, PErr, ResultView } from './common.jsx';

const Q = `query P($id: ID!) { poll(id: $id) { ${POLL_FIELDS} scrubbedAt } }`;
const PROGRESS = `query Pr($id: ID!) { pollProgress(pollId: $id) { status rosterSize rosterWithAccount credentialsIssued paperSlipsIssued ballotsCast } }`;
const ROSTER = `query R($id: ID!) { pollRoster(pollId: $id) { totalCount voters { id name category hasPhone hasAccount credentialIssued paperIssued } } }`;
const ERR = 'errors { code message field }';
const IMPORT = `mutation I($p: ID!, $v: [PollVoterInput!]!) { importPollRoster(pollId: $p, voters: $v) { voters { id } ${ERR} } }`;
const UPDATE = `mutation U($id: ID!, $input: PollVoterInput!) { updatePollVoter(id: $id, input: $input) { voter { id } ${ERR} } }`;
const REMOVE = `mutation D($id: ID!) { removePollVoter(id: $id) { poll { id } ${ERR} } }`;
const SLIPS = `mutation S($p: ID!, $v: [ID!]!) { issuePaperSlips(pollId: $p, voterIds: $v) { batch count pdfBase64 filename ${ERR} } }`;
const CHECK = 'step allowed needsConfirmation missing warnings consequences';
const READY = `query Rd($id: ID!, $n: Int!) { poll(id: $id) { id readiness(paperBatch: $n) { neededForValid
  nextStep { ${CHECK} } paperSlips { ${CHECK} } } } }`;
// The server's step → its mutation and its label. Whether a step is allowed, what it needs and
// what it does come from Poll.readiness only (backend/polls/readiness.py): no rule lives here.
const STEP = {
  START_ISSUING: ['startPollIssuing', 'poll.manage.startIssuing'],
  OPEN_VOTING: ['openPollVoting', 'poll.manage.openVoting'],
  CLOSE_POLL: ['closePoll', 'poll.manage.closePoll'],
};

/** A step's check as the server gave it: what is missing, the warnings, what it changes. */
function StepCheck({ check, label }) {
  const tr = useT();
  if (!check) return null;
  return (
    <div class="p9-stepcheck" data-testid="step-check" data-step={check.step} data-allowed={String(check.allowed)}>
      {!check.allowed && (
        <div class="p9-missing" role="alert">
          <p>
            <strong>{tr('poll.manage.cannotYet', { s: label })}</strong>
          </p>
          <ul>
            {check.missing.map((m) => (
              <li key={m} data-testid="step-missing">
                {m}
              </li>
            ))}
          </ul>
        </div>
      )}
      {check.warnings.length > 0 && (
        <div class="p9-note" role="alert">
          <p>
            <strong>{tr('poll.manage.warnTitle')}</strong>
          </p>
          <ul>
            {check.warnings.map((m) => (
              <li key={m} data-testid="step-warning">
                {m}
              </li>
            ))}
          </ul>
        </div>
      )}
      {check.allowed && check.consequences.length > 0 && (
        <div class="p9-after">
          <p>
            <strong>{tr('poll.manage.after', { s: label })}</strong>
          </p>
          <ul>
            {check.consequences.map((m) => (
              <li key={m} data-testid="step-consequence">
                {m}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** Confirm a step: its warnings must be ticked off in so many words before "yes" is possible. */
function ConfirmStep({ check, label, yes, busy, onYes, onNo }) {
  const tr = useT();
  const [accepted, setAccepted] = useState(false);
  const needs = check.needsConfirmation;
  return (
    <div class="confirm danger" role="alertdialog" aria-label={tr('poll.manage.confirmTitle', { s: label })}>
      <p>
        <strong>{tr('poll.manage.confirmTitle', { s: label })}</strong>
      </p>
      {needs && (
        <div class="check p9-accept">
          <input
            type="checkbox"
            id="p9-accept"
            checked={accepted}
            onChange={(e) => setAccepted(e.currentTarget.checked)}
            data-testid="accept-warnings"
          />
          <label for="p9-accept">{tr('poll.manage.acceptWarnings', { s: label })}</label>
        </div>
      )}
      <div class="row">
        <button
          type="button"
          class="btn"
          disabled={busy || (needs && !accepted)}
          onClick={() => onYes(needs && accepted)}
          data-testid="confirm-yes"
        >
          {busy ? tr('common.saving') : yes}
        </button>
        <button type="button" class="btn secondary" disabled={busy} onClick={onNo}>
          {tr('common.cancel')}
        </button>
      </div>
    </div>
  );
}

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

function PaperSlips({ poll, roster, onChanged }) {
  const tr = useT();
  const open = (roster.data?.voters || []).filter((v) => !v.credentialIssued && !v.paperIssued);
  const [picked, setPicked] = useState(null); // null = default (everyone without an account)
  const sel = picked || new Set(open.filter((v) => !v.hasAccount).map((v) => v.id));
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [done, setDone] = useState(null);
  const [tick, setTick] = useState(0);
  // whether a batch of this size may be issued now — the server's rule, asked for this size
  const check = useLoad(
    () => gql(READY, { id: poll.id, n: sel.size }).then((d) => ({ n: sel.size, c: d.poll.readiness?.paperSlips })),
    [poll.id, sel.size, tick, roster.data],
  );
  const c = check.data?.n === sel.size ? check.data.c : null;
  const toggle = (id) => {
    const s = new Set(sel);
    s.has(id) ? s.delete(id) : s.add(id);
    setPicked(s);
    setAsking(false);
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
      setTick((x) => x + 1);
      onChanged();
    } catch (e) {
      setErr(e);
      setAsking(false);
      setTick((x) => x + 1);
    } finally {
      setBusy(false);
    }
  };
  const label = tr('poll.manage.issueSlips', { n: sel.size });
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
        <>
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
          {sel.size < open.length && (
            <button
              type="button"
              class="btn secondary block"
              onClick={() => {
                setPicked(new Set(open.map((v) => v.id)));
                setAsking(false);
              }}
              data-testid="slip-pick-all"
            >
              {tr('poll.manage.pickAllLeft', { n: open.length })}
            </button>
          )}
          <StepCheck check={c} label={label} />
        </>
      )}
      <PErr error={err} />
      {open.length > 0 &&
        (!asking ? (
          <button type="button" class="btn block" disabled={!c?.allowed || busy} onClick={() => setAsking(true)} data-testid="issue-slips">
            {label}
          </button>
        ) : (
          <ConfirmStep
            check={c}
            label={label}
            yes={tr('poll.manage.issueAndDownload')}
            busy={busy}
            onYes={issue}
            onNo={() => setAsking(false)}
          />
        ))}
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

function Counts({ pr, needed }) {
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
      {needed != null && (
        <div>
          <strong data-testid="c-needed">{needed}</strong>
          {tr('poll.manage.count.needed')}
        </div>
      )}
    </div>
  );
}

export default function PollManage({ me, id }) {
  const tr = useT();
  const manage = me.role === 'TOWNSHIP';
  const poll = useLoad(() => gql(Q, { id }).then((d) => d.poll), [id]);
  const progress = useLoad(() => gql(PROGRESS, { id }).then((d) => d.pollProgress), [id]);
  const roster = useLoad(() => gql(ROSTER, { id }).then((d) => d.pollRoster), [id]);
  const ready = useLoad(() => gql(READY, { id, n: 0 }).then((d) => d.poll.readiness), [id]);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const p = poll.data;
  usePoll(
    () => {
      progress.reload();
      ready.reload();
    },
    15_000,
    p && (p.status === 'ISSUING' || p.status === 'VOTING'),
  );
  if (poll.loading && !p) return <Loading />;
  if (poll.error) return <ErrorBox error={poll.error} onRetry={poll.reload} />;
  const reloadAll = () => {
    poll.reload();
    progress.reload();
    roster.reload();
    ready.reload();
  };
  const next = ready.data?.nextStep;
  const step = next && STEP[next.step];
  const advance = async (accept) => {
    setBusy(true);
    setErr(null);
    try {
      await mutate(
        `mutation M($id: ID!, $a: Boolean!) { ${step[0]}(pollId: $id, acceptWarnings: $a) { poll { id status } ${ERR} } }`,
        { id: p.id, a: !!accept },
        step[0],
      );
      setAsking(false);
      reloadAll();
    } catch (e) {
      setErr(e);
      setAsking(false);
      ready.reload(); // the counts moved since they were shown: show the server's current words
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
        {progress.error ? (
          <ErrorBox error={progress.error} onRetry={progress.reload} />
        ) : (
          <Counts pr={progress.data} needed={ready.data?.neededForValid} />
        )}
        {ready.error && <ErrorBox error={ready.error} onRetry={ready.reload} />}
        {step && (
          <div class="p9-next" data-testid="next-step">
            <h3>{tr('poll.manage.next', { s: tr(step[1]) })}</h3>
            <StepCheck check={next} label={tr(step[1])} />
            {manage && (
              <>
                <PErr error={err} />
                {!asking ? (
                  <button
                    type="button"
                    class="btn block"
                    disabled={!next.allowed}
                    onClick={() => setAsking(true)}
                    data-testid="advance"
                    data-step={step[0]}
                  >
                    {tr(step[1])}
                  </button>
                ) : (
                  <ConfirmStep
                    check={next}
                    label={tr(step[1])}
                    yes={tr(step[1])}
                    busy={busy}
                    onYes={advance}
                    onNo={() => setAsking(false)}
                  />
                )}
              </>
            )}
          </div>
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
            ready.reload();
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
          ready.reload();
        }}
      />
    </>
  );
}
