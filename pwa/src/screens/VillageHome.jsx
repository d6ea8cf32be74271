// VILLAGE role (first secretary): the home is a task list, loaded in one request (secretaryHome):
// an open roll call to answer, returned filings to fix, the outbox in words, this month's diary
// against the rule, and the next item of the county's duty checklist to file (filed where fileHref
// says: the item's first filing kind, the ledger, the card). The roster has its own screen.
import { useEffect, useState } from 'preact/hooks';
import { gql, cachedQuery } from '../api.js';
import { prefetchDuties, fileHref, rememberDutyCount } from './duties/prefetch.js';
import { useT, errorText } from '../i18n.js';
import { useLoad, ErrorBox, SecretaryFields, SECRETARY_FIELDS, HomeSkeleton } from '../ui.jsx';
import { useStore } from '../store.js';
import { outbox, syncNow } from '../outbox/engine.js';

const Q = `{ secretaryHome { villageId villageName townshipName householdCount
  secretary { ${SECRETARY_FIELDS} }
  openRollCalls { id deadline reasonLabel note answered } returnedCount returned { id title reviewComment }
  diary { month count required } checklistName dutiesDone dutiesTotal nextDuty { key label detail kinds rule } } }`;

const pad = (n) => String(n).padStart(2, '0');
/** "10:32" today, "12月5日 10:32" (Dec 5, 10:32) another day. */
function when(t, ms) {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date().toDateString() ? hm : t('home.dayTime', { m: d.getMonth() + 1, d: d.getDate(), hm });
}
const reason = (e) => (!e ? '' : e.code === 'STALE_VERSION' ? errorText('STALE_VERSION') : e.message || errorText(e.code));

/** Roll calls naming me: an unanswered one is the first thing on the screen. */
function RollCalls({ calls }) {
  const t = useT();
  const open = calls.filter((r) => !r.answered);
  if (!calls.length) return null;
  if (!open.length)
    return (
      <p class="card small ok-line" data-testid="rollcall-answered">
        ✓ {t('home.rollCallAnswered')}
      </p>
    );
  return (
    <section class="card task urgent" role="alert" data-testid="home-rollcall">
      <h2>{t('home.rollCall')}</h2>
      {open.map((r) => (
        <p key={r.id}>
          {t('home.rollCallBy', { time: when(t, Date.parse(r.deadline)) })}
          <span class="item-sub" data-testid="home-rollcall-reason">
            {t('home.rollCallReason', { reason: r.reasonLabel })}
            {r.note ? ` · ${r.note}` : ''}
          </span>
        </p>
      ))}
      <a class="btn block" href="/checkin" data-testid="answer-rollcall">
        {t('home.answerRollCall')}
      </a>
    </section>
  );
}

/** Returned filings with the township's comment, one tap to fix each. */
function Returned({ home, pending }) {
  const t = useT();
  if (!home.returnedCount) return null;
  return (
    <section class="card task" aria-labelledby="rt-title" data-testid="home-returned">
      <h2 id="rt-title">{t('home.returnedN', { n: home.returnedCount })}</h2>
      <ul class="list">
        {home.returned.map((f) => (
          <li key={f.id}>
            <a class="item link" href={`/inbox/${encodeURIComponent(f.id)}`} data-testid="returned-item">
              <span class="item-main">
                <span class="item-title">{f.title}</span>
                <span class="tag">{pending.has(f.id) ? t('home.fixQueued') : t('home.fix')}</span>
              </span>
              <span class="item-sub">
                {t('home.comment')}：{f.reviewComment || t('home.noComment')}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {home.returnedCount > home.returned.length && (
        <a class="btn secondary block" href="/inbox">
          {t('home.allReturned', { n: home.returnedCount })}
        </a>
      )}
    </section>
  );
}

/** The outbox in words: what waits, when it last sent, what failed and why. */
function OutboxState() {
  const t = useT();
  const o = useStore(outbox);
  const unsent = o.items.filter((i) => i.state === 'waiting' || i.state === 'sending').length;
  const failed = o.items.filter((i) => i.state === 'failed');
  const last = Math.max(0, ...o.items.map((i) => i.sentAt || 0));
  return (
    <section class="card task" aria-labelledby="ob-title">
      <h2 id="ob-title">{t('outbox.title')}</h2>
      <p class="sync-line" data-testid="outbox-badge" data-unsent={unsent}>
        {o.busy ? t('outbox.syncing') : unsent ? t('village.outboxBadge', { n: unsent }) : t('outbox.allSent')}
        {last > 0 && <span class="muted small"> · {t('home.lastSent', { at: when(t, last) })}</span>}
      </p>
      {o.note && unsent > 0 && (
        <p class="small muted" role="status">
          {reason(o.note)}
          {o.nextAt ? ` · ${t('outbox.autoRetry')}` : ''}
        </p>
      )}
      {failed.slice(0, 2).map((i) => (
        <p key={i.id} class="field-err" data-testid="home-failed">
          {t('home.failed', { title: i.title || '', why: reason(i.error) })}
        </p>
      ))}
      <div class={unsent ? 'row2' : ''}>
        <a class={unsent ? 'btn secondary' : 'btn secondary block'} href="/outbox">
          {failed.length ? t('home.fixFailed', { n: failed.length }) : t('outbox.open')}
        </a>
        {unsent > 0 && (
          <button type="button" class="btn secondary" disabled={o.busy} onClick={() => syncNow()}>
            {t('outbox.syncNow')}
          </button>
        )}
      </div>
    </section>
  );
}

/** This month's diary against the rule, counting entries still in the outbox too. */
function Diary({ diary, queued }) {
  const t = useT();
  const done = diary.count + queued;
  const met = done >= diary.required;
  return (
    <section class="card task" aria-labelledby="dy-title" data-testid="home-diary">
      <h2 id="dy-title">
        {t('home.diary')}{' '}
        <span class={met ? 'num ok' : 'num'} data-testid="diary-count">
          {done}/{diary.required}
        </span>
      </h2>
      <progress max={diary.required || 1} value={Math.min(done, diary.required || 1)} aria-label={t('home.diary')} />
      <p class="small muted">
        {met ? t('home.diaryMet') : t('home.diaryLeft', { n: diary.required - done })}
        {queued > 0 && ` ${t('home.diaryQueued', { n: queued })}`}
      </p>
      <a class="btn secondary block" href="/duties/new/WORK_DIARY" data-testid="write-diary">
        {t('home.writeDiary')}
      </a>
    </section>
  );
}

function NextDuty({ home }) {
  const t = useT();
  const d = home.nextDuty;
  const name = home.checklistName;
  const args = { n: home.dutiesDone, m: home.dutiesTotal, name };
  return (
    <section class="card task" aria-labelledby="nd-title" data-testid="home-next-duty">
      <h2 id="nd-title">
        <a href="/duties" data-testid="duties-link">
          {name ? t('home.duties', args) : t('home.dutiesPlain', args)}
        </a>
      </h2>
      {d ? (
        <>
          <p>
            {t('home.nextDuty')}
            <strong data-testid="next-duty">{d.label}</strong>
            <span class="item-sub">{d.detail}</span>
          </p>
          {(d.rule ? d.rule === 'ROSTER_COVERAGE' : d.key === 'household_visits') && !home.householdCount ? (
            <p class="small muted">{t('home.noRoster')}</p>
          ) : (
            <a class="btn block" href={fileHref(d) || '/duties'} data-testid="file-next-duty">
              {t('home.fileIt')}
            </a>
          )}
        </>
      ) : (
        <p>{t('home.allDone')}</p>
      )}
    </section>
  );
}

function Links({ home }) {
  const t = useT();
  return (
    <nav class="card" aria-label={t('home.more')}>
      <ul class="list">
        {[
          ['/households', t('home.roster', { n: home.householdCount }), 'roster-link'],
          ['/duties', t('village.duties'), null],
          ['/problems', t('home.ledger'), null],
          ['/card', t('home.card'), null],
          ['/my-assessment', t('village.myAssessment'), 'my-assessment-link'],
          ['/my-attendance', t('village.myAttendance'), 'my-attendance-link'],
          ['/checkin', t('village.checkin'), null],
          ['/complaints/new', t('nav.complaints'), 'nav-complaints'],
          ['/me/data', t('nav.myData'), 'nav-my-data'],
        ].map(([href, label, id]) => (
          <li key={href}>
            <a class="item link" href={href} data-testid={id || undefined}>
              <span class="item-main">
                <span class="item-title">{label}</span>
                <span class="chev" aria-hidden="true">
                  ›
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export default function VillageHome() {
  const t = useT();
  const o = useStore(outbox);
  const { data, error, loading, reload } = useLoad(
    () => gql(Q).then((d) => d.secretaryHome),
    [],
    () => cachedQuery(Q).then((d) => d?.secretaryHome),
  );
  // what the outbox sends while the home is open changes it (a diary entry, a fixed filing)
  const [opened] = useState(() => Date.now());
  const lastSent = Math.max(0, ...o.items.map((i) => i.sentAt || 0));
  useEffect(() => {
    if (lastSent > opened) reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when one more queued item has been sent
  }, [lastSent]);
  useEffect(() => {
    if (data) {
      prefetchDuties();
      rememberDutyCount(data.dutiesTotal);
    }
  }, [data]);
  if (loading && !data) return <HomeSkeleton />;
  if (error || !data)
    return (
      <>
        {error?.code === 'NOT_FOUND' ? <p class="card muted">{t('village.noProfile')}</p> : <ErrorBox error={error} onRetry={reload} />}
        <OutboxState />
      </>
    );
  const h = data;
  const pending = new Set(o.items.filter((i) => i.op === 'editFiling' && i.state !== 'sent').map((i) => i.ref));
  const queuedDiary = o.items.filter(
    (i) =>
      i.kind === 'WORK_DIARY' &&
      i.op === 'submitFiling' &&
      (i.state === 'waiting' || i.state === 'sending') &&
      i.vars?.input?.occurredOn?.startsWith(h.diary?.month),
  ).length;
  const urgent = h.openRollCalls.some((r) => !r.answered) || h.returnedCount > 0;
  return (
    <>
      <p class="home-place">
        <strong data-testid="village-name">{h.villageName}</strong>
        {h.townshipName && <span class="muted"> · {h.townshipName}</span>}
      </p>
      <RollCalls calls={h.openRollCalls} />
      <Returned home={h} pending={pending} />
      {!urgent && (
        <p class="card small ok-line" data-testid="home-clear">
          {t('home.nothingUrgent')}
        </p>
      )}
      <OutboxState />
      {h.diary && <Diary diary={h.diary} queued={queuedDiary} />}
      <NextDuty home={h} />
      <Links home={h} />
      <details class="card" data-testid="home-profile">
        <summary class="summary-row">{t('village.profile')}</summary>
        <SecretaryFields s={h.secretary} t={t} />
      </details>
    </>
  );
}
