// VILLAGE (first secretary): 我的考勤 — the month's stationed days and what they come from (work
// filed in the village, optional check-ins, roll-call verifications, declared official days), its
// confirmation by the township, each day with its state, declaring a day or requesting leave (with
// a confirmation before sending) and withdrawing one. Checking in is offered as optional.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/attendance.js';
import './attendance.css';
import { useLoad, Loading, ErrorBox, BackLink } from '../../ui.jsx';
import { thisMonth, ErrLine, useToast, Confirm, mutate, params } from '../review/kit.jsx';
import { useRoute, navigate } from '../../router.js';

const Q = `query My($m: String!) { myAttendanceMonth(month: $m) {
  month label derivedDays stationedDays confirmed statusLabel correctionNote rateYuanPerDay allowanceYuan
  reviewDays leaveDays pendingLeaveDays bySource { source label days }
  days { day weekday workday state stateLabel counted sources declaration { reason reasonLabel note status statusLabel decisionNote } } } }`;
const DECLARE = `mutation D($i: DeclareDayInput!) { declareDay(input: $i) { declaration { id } errors { code field message } } }`;
const WITHDRAW = `mutation W($d: Date!) { withdrawDayDeclaration(day: $d) { declaration { id } errors { code field message } } }`;
const REASONS = ['TOWNSHIP_MEETING', 'TRAINING', 'OFFICIAL_TRIP', 'LEAVE'];
const STATE_CLASS = { COUNTED: 'counted', REVIEW: 'review', LEAVE: 'leave', LEAVE_PENDING: 'pending' };

const dayText = (iso) => `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

export default function MyAttendance() {
  const t = useT();
  const path = useRoute();
  const qp = params(path);
  const month = /^\d{4}-\d{2}$/.test(qp.get('month') || '') ? qp.get('month') : thisMonth();
  const [all, setAll] = useState(false);
  const [toast, show] = useToast();
  const { data, error, loading, reload } = useLoad(() => gql(Q, { m: month }).then((d) => d.myAttendanceMonth), [month]);
  const m = data;
  const days = (m?.days || []).filter((d) => all || d.workday || d.sources.length);
  return (
    <>
      <section class="card" aria-labelledby="ma-title">
        <BackLink href="/" />
        <h2 id="ma-title">{t('attendance.my.title')}</h2>
        <p class="muted small">{t('attendance.my.hint')}</p>
        <div class="input">
          <label for="ma-month">{t('attendance.month')}</label>
          <input
            id="ma-month"
            type="month"
            value={month}
            onChange={(e) => e.currentTarget.value && navigate(`/my-attendance?month=${e.currentTarget.value}`, { replace: true })}
          />
        </div>
        {loading && !m && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
        {m && (
          <div data-testid="my-month">
            <dl class="fields">
              <div class="field">
                <dt>{t('attendance.my.days')}</dt>
                <dd>
                  <strong class="num-strong" data-testid="my-days">
                    {m.stationedDays}
                  </strong>{' '}
                  <span class={`day-state ${m.confirmed ? 'confirmed' : 'pending'}`} data-testid="my-status">
                    {m.statusLabel}
                  </span>
                  {m.confirmed && m.derivedDays !== m.stationedDays && (
                    <span class="muted small"> {t('attendance.my.derived', { n: m.derivedDays })}</span>
                  )}
                </dd>
              </div>
              <div class="field">
                <dt>{t('attendance.my.allowance')}</dt>
                <dd data-testid="my-allowance">{m.allowanceYuan}</dd>
              </div>
              {m.bySource.length > 0 && (
                <div class="field">
                  <dt>{t('attendance.my.bySource')}</dt>
                  <dd data-testid="my-sources">
                    {m.bySource.map((s) => t('attendance.my.source', { label: s.label, n: s.days })).join(' · ')}
                  </dd>
                </div>
              )}
            </dl>
            {m.correctionNote && <p class="small">{t('attendance.my.correction', { note: m.correctionNote })}</p>}
            {m.reviewDays > 0 && <p class="small form-err">{t('attendance.my.review', { n: m.reviewDays })}</p>}
            {m.leaveDays > 0 && <p class="small muted">{t('attendance.my.leave', { n: m.leaveDays })}</p>}
            {m.pendingLeaveDays > 0 && <p class="small muted">{t('attendance.my.pendingLeave', { n: m.pendingLeaveDays })}</p>}
          </div>
        )}
        <a class="btn secondary block" href="/checkin" data-testid="optional-checkin">
          {t('attendance.my.checkin')}
        </a>
        <p class="muted small">{t('attendance.my.checkinHint')}</p>
      </section>
      {m && !m.confirmed && <Declare month={month} onDone={(msg) => (show(msg), reload())} />}
      {m && (
        <section class="card" aria-labelledby="ma-days">
          <h2 id="ma-days">{t('attendance.my.list')}</h2>
          <button type="button" class="btn small secondary" onClick={() => setAll(!all)} aria-pressed={all ? 'true' : 'false'}>
            {all ? t('attendance.my.showWork') : t('attendance.my.showAll')}
          </button>
          <ul class="list" data-testid="my-days-list">
            {days.map((d) => (
              <DayItem key={d.day} d={d} canWithdraw={!m.confirmed} onDone={(msg) => (show(msg), reload())} />
            ))}
          </ul>
        </section>
      )}
      {toast}
    </>
  );
}

function DayItem({ d, canWithdraw, onDone }) {
  const t = useT();
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const dec = d.declaration;
  const withdrawable = canWithdraw && dec && (dec.status === 'DECLARED' || dec.status === 'PENDING');
  async function withdraw() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(WITHDRAW, { d: d.day }, 'withdrawDayDeclaration');
      setAsk(false);
      onDone(t('attendance.my.withdrawn'));
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  }
  return (
    <li class="item" data-testid="my-day" data-day={d.day} data-state={d.state}>
      <span class="item-main">
        <span class="item-title">
          {dayText(d.day)} <span class="muted small">{t(`attendance.my.weekday.${d.weekday}`)}</span>
        </span>
        <span class={`day-state ${STATE_CLASS[d.state] || ''}`}>{d.stateLabel}</span>
      </span>
      {d.sources.length > 0 && <span class="item-sub">{d.sources.join('、')}</span>}
      {dec && (
        <span class="item-sub small">
          {dec.reasonLabel} · {dec.statusLabel}
          {dec.note ? ` · ${dec.note}` : ''}
          {dec.decisionNote ? ` · ${dec.decisionNote}` : ''}
        </span>
      )}
      {withdrawable && !ask && (
        <button type="button" class="btn small secondary" onClick={() => setAsk(true)} data-testid="withdraw">
          {t('attendance.my.withdraw')}
        </button>
      )}
      {ask && (
        <Confirm
          text={t('attendance.my.confirmWithdraw', { day: dayText(d.day) })}
          onYes={withdraw}
          onNo={() => setAsk(false)}
          busy={busy}
          danger
        />
      )}
      <ErrLine error={err} />
    </li>
  );
}

function Declare({ month, onDone }) {
  const t = useT();
  const [day, setDay] = useState('');
  const [reason, setReason] = useState('TRAINING');
  const [note, setNote] = useState('');
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const leave = reason === 'LEAVE';
  function check(e) {
    e.preventDefault();
    setErr(null);
    if (!day) return setErr({ code: 'INVALID_INPUT', message: t('attendance.my.pickDay') });
    if (leave && !note.trim()) return setErr({ code: 'INVALID_INPUT', message: t('attendance.my.noteNeeded') });
    setAsk(true);
  }
  async function send() {
    setBusy(true);
    try {
      await mutate(DECLARE, { i: { day, reason, note: note.trim() || null } }, 'declareDay');
      setAsk(false);
      setDay('');
      setNote('');
      onDone(t('attendance.my.declared'));
    } catch (e2) {
      setAsk(false);
      setErr(e2);
    }
    setBusy(false);
  }
  const reasonText = t(`attendance.my.reasons.${reason}`);
  return (
    <section class="card" aria-labelledby="ma-declare">
      <h2 id="ma-declare">{t('attendance.my.declare')}</h2>
      <p class="muted small">{t('attendance.my.declareHint')}</p>
      <form onSubmit={check} noValidate>
        <div class="input">
          <label for="ma-day">{t('attendance.my.day')}</label>
          <input
            id="ma-day"
            type="date"
            value={day}
            min={`${month}-01`}
            onChange={(e) => setDay(e.currentTarget.value)}
            data-testid="declare-day"
          />
        </div>
        <div class="input">
          <label for="ma-reason">{t('attendance.my.reason')}</label>
          <select id="ma-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="declare-reason">
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`attendance.my.reasons.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="input">
          <label for="ma-note">{leave ? t('attendance.my.noteLeave') : t('attendance.my.note')}</label>
          <input id="ma-note" value={note} maxLength={200} onInput={(e) => setNote(e.currentTarget.value)} data-testid="declare-note" />
        </div>
        <ErrLine error={err} />
        {!ask && (
          <button type="submit" class="btn block" data-testid="declare-submit">
            {t('attendance.my.submit')}
          </button>
        )}
      </form>
      {ask && (
        <Confirm
          text={
            leave
              ? t('attendance.my.confirmLeave', { day: dayText(day) })
              : t('attendance.my.confirmDeclare', { day: dayText(day), reason: reasonText })
          }
          onYes={send}
          onNo={() => setAsk(false)}
          busy={busy}
        />
      )}
    </section>
  );
}
