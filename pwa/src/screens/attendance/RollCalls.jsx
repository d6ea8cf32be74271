// TOWNSHIP: 点名. Start a roll call naming secretaries of its villages (all / some) with a stated
// reason (督查抽查 / 应急 / 安全 / 其他, 国办函〔2026〕12号: roll calls are exceptional spot checks,
// capped per secretary per month by the county), then watch who answered (polled every 15 s while
// one is open and the page is visible), or record a phone / video verification; past roll calls.
// COUNTY: every roll call of the county with its reason (read only).
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/attendance.js';
import { Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back, Confirm, mutate, ErrLine, uuid, fmtTime, usePoll, useToast, loadAllPages } from '../review/kit.jsx';
import { fromEntries } from '../../compat.js';

const SECS = `query Secs($tw: ID, $after: String) { secretaries(townshipId: $tw, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name mode hasAccount village { id name } } } } }`;
export const ROLL_FIELDS = `id reason reasonLabel note startedAt deadline open answeredCount totalCount township { name }
  targets { secretary { id name village { id name } } answered checkIn { at distanceM insideGeofence }
    verification { mode modeLabel note at } }`;
const REASONS = ['SPOT_CHECK', 'EMERGENCY', 'SECURITY', 'OTHER'];
const ALLOWANCE = `{ rollCallAllowance { secretary { id } used cap left } }`;
const VERIFY = `mutation Verify($input: VerifyRollCallTargetInput!) { verifyRollCallTarget(input: $input) {
  rollCall { ${ROLL_FIELDS} } errors { code message field } } }`;
// A target answers with an inside check-in; an outside one does not answer, so for the unanswered
// targets of open roll calls we look at their latest check-in (aliases, ≤ 14 per request).
const LATEST = (n) => `query Latest(${[...Array(n).keys()].map((i) => `$s${i}: ID!`).join(', ')}) {
  ${[...Array(n).keys()].map((i) => `c${i}: checkIns(secretaryId: $s${i}, first: 1) { edges { node { at distanceM insideGeofence } } }`).join('\n  ')} }`;
async function latestCheckIns(ids) {
  const out = {};
  for (let i = 0; i < ids.length; i += 14) {
    const part = ids.slice(i, i + 14);
    const d = await gql(LATEST(part.length), fromEntries(part.map((id, j) => [`s${j}`, id])));
    part.forEach((id, j) => {
      out[id] = d[`c${j}`]?.edges?.[0]?.node || null;
    });
  }
  return out;
}
const LIST = `query RollCalls($first: Int, $after: String) { rollCalls(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { ${ROLL_FIELDS} } } } }`;
const START = `mutation Start($input: StartRollCallInput!) { startRollCall(input: $input) {
  rollCall { ${ROLL_FIELDS} } errors { code message field } } }`;
const PAGE = 10;
const POLL_MS = 15_000;

function targetState(tg, rc) {
  if (tg.verification) return 'verified';
  if (tg.answered) return 'ok';
  const late = tg.latest;
  if (late && !late.insideGeofence && new Date(late.at) >= new Date(rc.startedAt)) return 'outside';
  return rc.open ? 'wait' : 'missed';
}
const ST_CLASS = { ok: 'ok', verified: 'ok', outside: 'no', wait: 'wait', missed: 'no' };

function counts(rc) {
  const c = { ok: 0, verified: 0, outside: 0, wait: 0, missed: 0 };
  for (const tg of rc.targets || []) c[targetState(tg, rc)]++;
  return c;
}

// The township records that it reached a named secretary by phone or video: the target counts as
// answered. A mode, what the call showed, then a confirmation.
function VerifyForm({ rc, tg, onDone, onCancel }) {
  const t = useT();
  const [mode, setMode] = useState('PHONE');
  const [note, setNote] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const fid = `vf-${rc.id}-${tg.secretary.id}`;
  async function save() {
    setBusy(true);
    setErr(null);
    try {
      const input = { rollCallId: rc.id, secretaryId: tg.secretary.id, mode, note: note.trim() };
      const p = await mutate(VERIFY, { input }, 'verifyRollCallTarget');
      onDone(p.rollCall);
    } catch (e) {
      setErr(e);
      setConfirm(false);
    }
    setBusy(false);
  }
  return (
    <form
      class="form verify"
      data-testid="verify-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (note.trim()) setConfirm(true);
        else setErr({ code: 'INVALID_INPUT', message: t('rollCall.verifyNoteNeeded') });
      }}
    >
      <fieldset class="choices" role="radiogroup">
        <legend>{t('rollCall.verifyMode')}</legend>
        {['PHONE', 'VIDEO'].map((m) => (
          <label key={m} class="check">
            <input type="radio" name={`${fid}-mode`} checked={mode === m} onChange={() => (setMode(m), setConfirm(false))} />
            {t(`rollCall.mode.${m}`)}
          </label>
        ))}
      </fieldset>
      <div class="input">
        <label for={`${fid}-note`}>{t('rollCall.verifyNote')}</label>
        <input
          id={`${fid}-note`}
          value={note}
          maxLength={200}
          placeholder={t('rollCall.verifyNoteHint')}
          onInput={(e) => (setNote(e.currentTarget.value), setConfirm(false))}
        />
      </div>
      <ErrLine error={err} />
      {confirm ? (
        <Confirm
          busy={busy}
          yes={t('rollCall.verifySave')}
          text={t('rollCall.verifyConfirm', { name: tg.secretary.name, mode: t(`rollCall.mode.${mode}`) })}
          onYes={save}
          onNo={() => setConfirm(false)}
        />
      ) : (
        <div class="actions">
          <button type="submit" class="btn small" data-testid="verify-submit">
            {t('rollCall.verifySave')}
          </button>
          <button type="button" class="btn small secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </form>
  );
}

function RollCallCard({ rc, canVerify, onChanged }) {
  const t = useT();
  const [verifying, setVerifying] = useState(null);
  const c = counts(rc);
  const total = rc.targets?.length || 0;
  const body = (
    <ul class="list" data-testid="rollcall-targets">
      {(rc.targets || []).map((tg) => {
        const s = targetState(tg, rc);
        const ci = tg.checkIn || (s === 'outside' ? tg.latest : null);
        const v = tg.verification;
        return (
          <li key={tg.secretary.id} class="item" data-testid="rollcall-target" data-state={s}>
            <div class="item-main">
              <span class="item-title">
                {tg.secretary.name}
                <span class="muted small"> · {tg.secretary.village?.name}</span>
              </span>
              <span class={`st ${ST_CLASS[s]}`}>{v ? v.modeLabel : t(`rollCall.state.${s}`)}</span>
            </div>
            {ci && (
              <span class="item-sub">
                {fmtTime(ci.at)}
                {ci.distanceM != null ? ` · ${t('attendance.distance', { km: (ci.distanceM / 1000).toFixed(2) })}` : ''}
              </span>
            )}
            {v && (
              <span class="item-sub" data-testid="verification">
                {fmtTime(v.at)} · {v.note}
              </span>
            )}
            {canVerify && !tg.answered && verifying !== tg.secretary.id && (
              <button type="button" class="btn small secondary" data-testid="verify-open" onClick={() => setVerifying(tg.secretary.id)}>
                {t('rollCall.verify')}
              </button>
            )}
            {canVerify && !tg.answered && verifying === tg.secretary.id && (
              <VerifyForm
                rc={rc}
                tg={tg}
                onCancel={() => setVerifying(null)}
                onDone={(updated) => {
                  setVerifying(null);
                  onChanged(updated);
                }}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
  const head = (
    <>
      <span class="item-main">
        <span class="item-title">{fmtTime(rc.startedAt)}</span>
        <span class={`st ${rc.open ? 'wait' : 'off'}`} data-testid="rollcall-state">
          {rc.open ? t('rollCall.open') : t('rollCall.closed')}
        </span>
      </span>
      <span class="item-sub">
        {t('rollCall.deadline')} {fmtTime(rc.deadline)} ·{' '}
        {t('rollCall.counts', { a: rc.answeredCount ?? c.ok + c.verified, n: rc.totalCount ?? total })}
        {c.outside ? ` · ${t('rollCall.state.outside')} ${c.outside}` : ''}
      </span>
      <span class="item-sub" data-testid="rollcall-reason">
        {t('rollCall.reason')}：<b>{rc.reasonLabel}</b>
        {rc.note ? ` · ${rc.note}` : ''}
        {!canVerify && rc.township?.name ? ` · ${rc.township.name}` : ''}
      </span>
    </>
  );
  return (
    <li class="filing" data-testid="rollcall" data-open={rc.open ? '1' : '0'}>
      {rc.open ? (
        <>
          {head}
          {body}
        </>
      ) : (
        <details>
          <summary class="rc-sum">
            <span>{head}</span>
          </summary>
          {body}
        </details>
      )}
    </li>
  );
}

function StartForm({ me, onStarted, onCancel }) {
  const t = useT();
  const [secs, setSecs] = useState(null);
  const [loadErr, setLoadErr] = useState(null);
  const [picked, setPicked] = useState(() => new Set());
  const [reason, setReason] = useState(null);
  const [note, setNote] = useState('');
  const [left, setLeft] = useState(null); // secretary id → roll calls left this month
  const [id, setId] = useState(uuid);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [minutes, setMinutes] = useState(null);
  useEffect(() => {
    gql('{ countySettings { rollCallMinutes } }').then(
      (d) => setMinutes(d.countySettings.rollCallMinutes),
      () => {},
    );
  }, []);
  const loadLeft = () =>
    gql(ALLOWANCE).then(
      (d) => {
        const byId = fromEntries(d.rollCallAllowance.map((a) => [a.secretary.id, a]));
        setLeft(byId);
        return byId;
      },
      () => null,
    );
  const load = () => {
    setLoadErr(null);
    loadAllPages(SECS, { tw: me.orgUnit.id }, (d) => d.secretaries).then(setSecs, setLoadErr);
    loadLeft();
  };
  useEffect(load, [me.orgUnit.id]);
  if (loadErr) return <ErrorBox error={loadErr} onRetry={load} />;
  if (!secs) return <Loading />;
  if (!secs.length) return <Empty />;
  const exhausted = (sid) => left && left[sid]?.left === 0;
  const pickable = secs.filter((s) => !exhausted(s.id));
  const allOn = pickable.length > 0 && pickable.every((s) => picked.has(s.id));
  const toggle = (sid) => {
    setConfirm(false);
    setPicked((s) => {
      const n = new Set(s);
      if (n.has(sid)) n.delete(sid);
      else n.add(sid);
      return n;
    });
  };
  async function start() {
    setBusy(true);
    setErr(null);
    try {
      const input = { id, secretaryIds: [...picked], reason, note: note.trim() };
      const p = await mutate(START, { input }, 'startRollCall');
      setPicked(new Set());
      setReason(null);
      setNote('');
      setId(uuid());
      setConfirm(false);
      onStarted(p.rollCall);
      loadLeft();
    } catch (e) {
      setErr(e);
      setConfirm(false);
      // the cap was reached meanwhile (another phone): show what is left, unpick who has none
      if (e.code === 'ROLL_CALL_CAP_REACHED')
        loadLeft().then((byId) => byId && setPicked((p) => new Set([...p].filter((sid) => byId[sid]?.left !== 0))));
    }
    setBusy(false);
  }
  return (
    <form
      class="form"
      data-testid="rollcall-form"
      onSubmit={(e) => {
        e.preventDefault();
        setErr(null);
        if (!reason) setErr({ code: 'INVALID_INPUT', message: t('rollCall.pickReason') });
        else if (reason === 'OTHER' && !note.trim()) setErr({ code: 'INVALID_INPUT', message: t('rollCall.explainOther') });
        else if (picked.size) setConfirm(true);
        else setErr({ code: 'INVALID_INPUT', message: t('rollCall.pickSomeone') });
      }}
    >
      <p class="muted small" data-testid="rollcall-rule">
        {t('rollCall.rule', { n: Object.values(left || {})[0]?.cap ?? '—' })}
      </p>
      <fieldset class="choices" role="radiogroup" data-testid="rollcall-reasons">
        <legend>
          {t('rollCall.reason')}
          <span class="req"> *</span>
        </legend>
        {REASONS.map((r) => (
          <label key={r} class="check">
            <input
              type="radio"
              name="rc-reason"
              value={r}
              checked={reason === r}
              onChange={() => {
                setReason(r);
                setConfirm(false);
                setErr(null);
              }}
            />
            {t(`rollCall.reasons.${r}`)}
          </label>
        ))}
      </fieldset>
      <div class="input">
        <label for="rc-note">{reason === 'OTHER' ? t('rollCall.noteRequired') : t('rollCall.noteLabel')}</label>
        <textarea
          id="rc-note"
          value={note}
          maxLength={200}
          placeholder={t('rollCall.noteHint')}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </div>
      <div class="row">
        <button
          type="button"
          class="btn small secondary"
          data-testid="pick-all"
          onClick={() => {
            setConfirm(false);
            setPicked(allOn ? new Set() : new Set(pickable.map((s) => s.id)));
          }}
        >
          {allOn ? t('rollCall.pickNone') : t('rollCall.pickAll')}
        </button>
        <span class="muted small">{t('rollCall.pickedN', { n: picked.size, m: pickable.length })}</span>
      </div>
      <div class="picklist" role="group" aria-label={t('rollCall.who')}>
        {secs.map((s) => {
          const a = left?.[s.id];
          const off = exhausted(s.id);
          return (
            <div class={`check${off ? ' off' : ''}`} key={s.id} data-testid="rollcall-pick">
              <input
                id={`rc-${s.id}`}
                type="checkbox"
                checked={picked.has(s.id)}
                disabled={off && !picked.has(s.id)}
                onChange={() => toggle(s.id)}
              />
              <label for={`rc-${s.id}`}>
                <span>
                  {s.name}
                  <span class="muted small">&nbsp;· {s.village?.name}</span>
                  {a && (
                    <span class={`small ${off ? 'left-none' : 'muted'}`} data-testid="rollcall-left">
                      &nbsp;· {off ? t('rollCall.noneLeft', { n: a.cap }) : t('rollCall.left', { n: a.left })}
                    </span>
                  )}
                </span>
              </label>
            </div>
          );
        })}
      </div>
      <ErrLine error={err} />
      {confirm ? (
        <Confirm
          busy={busy}
          yes={t('rollCall.start')}
          text={`${t('rollCall.reason')}：${t(`rollCall.reasons.${reason}`)}。${
            minutes ? t('rollCall.confirmMin', { n: picked.size, m: minutes }) : t('rollCall.confirm', { n: picked.size })
          }`}
          onYes={start}
          onNo={() => setConfirm(false)}
        />
      ) : (
        <div class="actions">
          <button type="submit" class="btn" data-testid="rollcall-start">
            {t('rollCall.startN', { n: picked.size })}
          </button>
          <button type="button" class="btn secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </form>
  );
}

export default function RollCalls({ me }) {
  const t = useT();
  const township = me.role === 'TOWNSHIP';
  const [st, setSt] = useState({ items: [], loading: true, error: null, hasNext: false, cursor: null });
  const [toast, show] = useToast();
  const [formOpen, setFormOpen] = useState(false);
  async function fetchList(first, after, append) {
    setSt((s) => ({ ...s, loading: !append ? s.items.length === 0 : true, error: null }));
    try {
      const conn = (await gql(LIST, { first, after })).rollCalls;
      const nodes = conn.edges.map((e) => e.node);
      const waiting = [
        ...new Set(nodes.filter((r) => r.open).flatMap((r) => r.targets.filter((x) => !x.answered).map((x) => x.secretary.id))),
      ];
      if (waiting.length) {
        const latest = await latestCheckIns(waiting).catch(() => ({}));
        for (const r of nodes)
          if (r.open) r.targets = r.targets.map((x) => (x.answered ? x : { ...x, latest: latest[x.secretary.id] || null }));
      }
      setSt((s) => ({
        items: append ? [...s.items, ...nodes] : nodes,
        loading: false,
        error: null,
        hasNext: conn.pageInfo.hasNextPage,
        cursor: conn.pageInfo.endCursor,
      }));
    } catch (error) {
      setSt((s) => ({ ...s, loading: false, error }));
    }
  }
  useEffect(() => {
    fetchList(PAGE, null, false);
  }, []);
  const anyOpen = st.items.some((r) => r.open);
  // refresh what is on screen (up to 50) while something is open
  usePoll(() => fetchList(Math.min(50, Math.max(PAGE, st.items.length)), null, false), POLL_MS, anyOpen);
  return (
    <>
      <section class="card" aria-labelledby="rc-title">
        <Back fallback="/" />
        <h2 id="rc-title">{t('rollCall.title')}</h2>
        <p class="muted small">{township ? t('rollCall.hint') : t('rollCall.countyHint')}</p>
        {!township ? null : formOpen ? (
          <StartForm
            me={me}
            onCancel={() => setFormOpen(false)}
            onStarted={(rc) => {
              setFormOpen(false);
              show(t('rollCall.started'));
              if (rc) setSt((s) => ({ ...s, items: [rc, ...s.items.filter((x) => x.id !== rc.id)] }));
              fetchList(PAGE, null, false);
            }}
          />
        ) : (
          <button type="button" class="btn block" data-testid="rollcall-new" onClick={() => setFormOpen(true)}>
            {t('rollCall.new')}
          </button>
        )}
      </section>
      <section class="card" aria-labelledby="rc-list">
        <h2 id="rc-list">
          {t('rollCall.list')}
          {anyOpen && <span class="muted small"> · {t('rollCall.live')}</span>}
        </h2>
        {st.items.length > 0 && (
          <ul class="list plain" data-testid="rollcalls">
            {st.items.map((rc) => (
              <RollCallCard
                key={rc.id}
                rc={rc}
                canVerify={township}
                onChanged={(updated) => {
                  show(t('rollCall.verified'));
                  setSt((s) => ({ ...s, items: s.items.map((x) => (x.id === updated.id ? { ...x, ...updated } : x)) }));
                }}
              />
            ))}
          </ul>
        )}
        {st.loading && <Loading />}
        {!st.loading && st.error && (
          <ErrorBox error={st.error} onRetry={() => fetchList(PAGE, st.items.length ? st.cursor : null, st.items.length > 0)} />
        )}
        {!st.loading && !st.error && !st.items.length && <Empty />}
        {!st.loading && !st.error && st.hasNext && (
          <button type="button" class="btn secondary block" onClick={() => fetchList(PAGE, st.cursor, true)}>
            {t('common.loadMore')}
          </button>
        )}
      </section>
      {toast}
    </>
  );
}
