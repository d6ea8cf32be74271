// TOWNSHIP: 月度考勤确认 — each secretary's stationed days for the month as derived from their work
// (marked 待镇街确认 until confirmed), confirm one or all (frozen: the allowance uses them), correct a
// count with a required note, look at a secretary's days (待核实 days to review, never deducted
// automatically), and approve or reject leave requests. Every action asks before it commits.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/attendance.js';
import './attendance.css';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back, thisMonth, ErrLine, useToast, Confirm, mutate, params } from '../review/kit.jsx';
import { useRoute, navigate } from '../../router.js';

const ROWS = `rows { secretaryId secretaryName villageName mode stationedDays derivedDays allowanceYuan confirmed statusLabel
  correctionNote reviewDays leaveDays pendingLeaveDays }`;
const Q = `query C($m: String!) { attendanceSummary(month: $m) { month title confirmedCount ${ROWS} }
  dayDeclarations(month: $m, pendingOnly: true) { id day reasonLabel note secretaryName } }`;
const CONFIRM = `mutation C($i: ConfirmAttendanceMonthInput!) { confirmAttendanceMonth(input: $i) { confirmedCount errors { code field message } } }`;
const CORRECT = `mutation R($i: CorrectAttendanceMonthInput!) { correctAttendanceMonth(input: $i) { row { stationedDays } errors { code field message } } }`;
const DECIDE = `mutation L($i: DecideLeaveInput!) { decideLeave(input: $i) { declaration { status } errors { code field message } } }`;
const DAYS = `query D($s: ID!, $m: String!) { attendanceMonth(secretaryId: $s, month: $m) { days { day weekday workday state stateLabel sources } } }`;

const STATE_CLASS = { COUNTED: 'counted', REVIEW: 'review', LEAVE: 'leave', LEAVE_PENDING: 'pending' };
const dayText = (iso) => `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const monthText = (m) => `${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月`;

export default function AttendanceConfirm() {
  const t = useT();
  const path = useRoute();
  const qp = params(path);
  const month = /^\d{4}-\d{2}$/.test(qp.get('month') || '') ? qp.get('month') : thisMonth();
  const [toast, show] = useToast();
  const [askAll, setAskAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const { data, error, loading, reload } = useLoad(() => gql(Q, { m: month }), [month]);
  const rows = data?.attendanceSummary.rows || [];
  const open = rows.filter((r) => !r.confirmed);
  const done = (msg) => {
    show(msg);
    reload();
  };
  async function confirmAll() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(CONFIRM, { i: { month } }, 'confirmAttendanceMonth');
      setAskAll(false);
      done(t('attendance.confirm.confirmed'));
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  }
  return (
    <>
      <section class="card" aria-labelledby="ac-title">
        <Back fallback="/attendance" />
        <h2 id="ac-title">{t('attendance.confirm.title')}</h2>
        <p class="muted small">{t('attendance.confirm.hint')}</p>
        <div class="input">
          <label for="ac-month">{t('attendance.month')}</label>
          <input
            id="ac-month"
            type="month"
            value={month}
            max={thisMonth()}
            onChange={(e) => e.currentTarget.value && navigate(`/attendance/confirm?month=${e.currentTarget.value}`, { replace: true })}
          />
        </div>
        {data && (
          <p class="muted small" data-testid="confirmed-count">
            {t('attendance.confirmedN', { n: data.attendanceSummary.confirmedCount, m: rows.length })}
          </p>
        )}
        {open.length > 0 && !askAll && (
          <button type="button" class="btn block" onClick={() => setAskAll(true)} data-testid="confirm-all">
            {t('attendance.confirm.confirmAll', { n: open.length })}
          </button>
        )}
        {askAll && (
          <Confirm
            text={t('attendance.confirm.confirmAllQ', { m: monthText(month), n: open.length })}
            onYes={confirmAll}
            onNo={() => setAskAll(false)}
            busy={busy}
          />
        )}
        <ErrLine error={err} />
      </section>
      {data && <Leaves list={data.dayDeclarations} onDone={done} />}
      <section class="card" aria-labelledby="ac-rows">
        <h2 id="ac-rows">{data?.attendanceSummary.title || t('attendance.monthSheet', { m: month })}</h2>
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
        {data && !rows.length && <Empty />}
        <ul class="list" data-testid="confirm-rows">
          {rows.map((r) => (
            <Row key={r.secretaryId} r={r} month={month} onDone={done} />
          ))}
        </ul>
      </section>
      {toast}
    </>
  );
}

function Row({ r, month, onDone }) {
  const t = useT();
  const [mode, setMode] = useState(null); // 'confirm' | 'correct' | 'ask-correct'
  const [days, setDays] = useState(String(r.stationedDays));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [detail, setDetail] = useState(null);
  async function run(fn, msg) {
    setBusy(true);
    setErr(null);
    try {
      await fn();
      setMode(null);
      onDone(msg);
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  }
  const confirmOne = () =>
    run(
      () => mutate(CONFIRM, { i: { month, secretaryIds: [r.secretaryId] } }, 'confirmAttendanceMonth'),
      t('attendance.confirm.confirmed'),
    );
  const correct = () =>
    run(
      () =>
        mutate(
          CORRECT,
          { i: { month, secretaryId: r.secretaryId, stationedDays: Number(days), note: note.trim() } },
          'correctAttendanceMonth',
        ),
      t('attendance.confirm.corrected'),
    );
  function askCorrect(e) {
    e.preventDefault();
    setErr(null);
    if (!note.trim()) return setErr({ code: 'INVALID_INPUT', message: t('attendance.confirm.correctNoteNeeded') });
    if (!/^\d{1,2}$/.test(days))
      return setErr({ code: 'INVALID_INPUT', field: 'stationedDays', message: t('attendance.confirm.correctDays') });
    setMode('ask-correct');
  }
  async function toggleDays() {
    if (detail) return setDetail(null);
    try {
      const d = await gql(DAYS, { s: r.secretaryId, m: month });
      setDetail(d.attendanceMonth.days.filter((x) => x.workday || x.sources.length));
    } catch (e) {
      setErr(e);
    }
  }
  return (
    <li class="item" data-testid="confirm-row" data-secretary={r.secretaryName}>
      <div class="item-main">
        <span class="item-title">
          {r.secretaryName} <span class="muted small">· {r.villageName}</span>
        </span>
        <span class={`day-state ${r.confirmed ? 'confirmed' : 'pending'}`} data-testid="row-status">
          {r.statusLabel}
        </span>
      </div>
      <span class="item-sub">
        {t('attendance.stationedDays')}{' '}
        <strong class="ink" data-testid="row-days">
          {r.stationedDays}
        </strong>{' '}
        · {t('attendance.allowance')} <strong class="ink">{r.allowanceYuan}</strong>
        {r.confirmed && r.derivedDays !== r.stationedDays && <> · {t('attendance.confirm.derived', { n: r.derivedDays })}</>}
      </span>
      {(r.reviewDays > 0 || r.pendingLeaveDays > 0) && (
        <span class="item-sub small">
          {r.reviewDays > 0 && t('attendance.confirm.reviewN', { n: r.reviewDays })}
          {r.reviewDays > 0 && r.pendingLeaveDays > 0 && ' · '}
          {r.pendingLeaveDays > 0 && t('attendance.confirm.pendingN', { n: r.pendingLeaveDays })}
        </span>
      )}
      {r.correctionNote && <span class="item-sub small">{r.correctionNote}</span>}
      {!mode && (
        <div class="row">
          {!r.confirmed && (
            <button type="button" class="btn small" onClick={() => setMode('confirm')} data-testid="confirm-one">
              {t('attendance.confirm.confirmOne')}
            </button>
          )}
          <button type="button" class="btn small secondary" onClick={() => setMode('correct')} data-testid="correct">
            {t('attendance.confirm.correct')}
          </button>
          <button type="button" class="btn small secondary" onClick={toggleDays} aria-expanded={detail ? 'true' : 'false'}>
            {t('attendance.confirm.days')}
          </button>
        </div>
      )}
      {mode === 'confirm' && (
        <Confirm
          text={t('attendance.confirm.confirmOneQ', { name: r.secretaryName, m: monthText(month), n: r.stationedDays })}
          onYes={confirmOne}
          onNo={() => setMode(null)}
          busy={busy}
        />
      )}
      {(mode === 'correct' || mode === 'ask-correct') && (
        <form onSubmit={askCorrect} noValidate>
          <div class="input">
            <label for={`cd-${r.secretaryId}`}>{t('attendance.confirm.correctDays')}</label>
            <input
              id={`cd-${r.secretaryId}`}
              type="number"
              inputMode="numeric"
              min="0"
              max="31"
              value={days}
              onInput={(e) => setDays(e.currentTarget.value)}
              data-testid="correct-days"
            />
          </div>
          <div class="input">
            <label for={`cn-${r.secretaryId}`}>{t('attendance.confirm.correctNote')}</label>
            <input
              id={`cn-${r.secretaryId}`}
              value={note}
              maxLength={200}
              onInput={(e) => setNote(e.currentTarget.value)}
              data-testid="correct-note"
            />
          </div>
          {mode === 'correct' && (
            <div class="row">
              <button type="submit" class="btn small" data-testid="correct-save">
                {t('attendance.confirm.correct')}
              </button>
              <button type="button" class="btn small secondary" onClick={() => setMode(null)}>
                {t('common.cancel')}
              </button>
            </div>
          )}
        </form>
      )}
      {mode === 'ask-correct' && (
        <Confirm
          text={t('attendance.confirm.correctQ', { name: r.secretaryName, m: monthText(month), n: days })}
          onYes={correct}
          onNo={() => setMode('correct')}
          busy={busy}
        />
      )}
      <ErrLine error={err} />
      {detail && (
        <ul class="list" data-testid="row-detail">
          {detail.map((d) => (
            <li key={d.day} class="item small" data-state={d.state}>
              <span class="item-main">
                <span>
                  {dayText(d.day)} {t(`attendance.my.weekday.${d.weekday}`)}
                </span>
                <span class={`day-state ${STATE_CLASS[d.state] || ''}`}>{d.stateLabel}</span>
              </span>
              {d.sources.length > 0 && <span class="item-sub small">{d.sources.join('、')}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function Leaves({ list, onDone }) {
  const t = useT();
  return (
    <section class="card" aria-labelledby="ac-leaves">
      <h2 id="ac-leaves">{t('attendance.confirm.leaves')}</h2>
      {!list.length && <p class="muted small">{t('attendance.confirm.noLeaves')}</p>}
      <ul class="list" data-testid="leave-list">
        {list.map((d) => (
          <Leave key={d.id} d={d} onDone={onDone} />
        ))}
      </ul>
    </section>
  );
}

function Leave({ d, onDone }) {
  const t = useT();
  const [ask, setAsk] = useState(null); // true: approve, false: reject
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  async function decide() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(DECIDE, { i: { declarationId: d.id, approve: ask, note: note.trim() || null } }, 'decideLeave');
      setAsk(null);
      onDone(t('attendance.confirm.decided'));
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  }
  return (
    <li class="item" data-testid="leave">
      <span class="item-main">
        <span class="item-title">
          {d.secretaryName} · {dayText(d.day)}
        </span>
        <span class="day-state pending">{d.reasonLabel}</span>
      </span>
      {d.note && <span class="item-sub">{d.note}</span>}
      {ask === false && (
        <div class="input">
          <label for={`ln-${d.id}`}>{t('attendance.confirm.rejectNote')}</label>
          <input id={`ln-${d.id}`} value={note} maxLength={200} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
      )}
      {ask === null ? (
        <div class="row">
          <button type="button" class="btn small" onClick={() => setAsk(true)} data-testid="leave-approve">
            {t('attendance.confirm.approve')}
          </button>
          <button type="button" class="btn small secondary" onClick={() => setAsk(false)} data-testid="leave-reject">
            {t('attendance.confirm.reject')}
          </button>
        </div>
      ) : (
        <Confirm
          text={t(ask ? 'attendance.confirm.approveQ' : 'attendance.confirm.rejectQ', { name: d.secretaryName, day: dayText(d.day) })}
          onYes={decide}
          onNo={() => setAsk(null)}
          busy={busy}
          danger={!ask}
        />
      )}
      <ErrLine error={err} />
    </li>
  );
}
