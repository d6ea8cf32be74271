// TOWNSHIP: 今日待办 — what waits for the township today, in one request (townshipToday): filings
// to review (the oldest first), roll calls running, polls needing a step, problems past the age
// line. Every count opens the list behind it; the rest of the township's screens are below.
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/homes.js';
import '../i18n/org.js';
import { useLoad, ErrorBox, HomeSkeleton, MoreLinks } from '../ui.jsx';

const Q = `{ townshipToday {
  review { total oldest { id title secretaryName villageName submittedAt } }
  rollCalls { id deadline note answeredCount totalCount }
  polls { id title status secretaryName villageName rosterSize issued ballotsCast step ready }
  problems { ageDays unresolved overdue oldestOverdue { id title villageName createdAt } } } }`;

const DAY = 86_400_000;
const days = (iso) => Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / DAY));
const pad = (n) => String(n).padStart(2, '0');
const hm = (iso) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function Review({ r }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="tr-title" data-testid="today-review">
      <h2 id="tr-title">
        {t('today.review')}
        <a class={r.total ? 'num' : 'num ok'} href="/review" data-testid="review-count">
          {r.total}
        </a>
      </h2>
      {r.total === 0 ? (
        <p class="muted">{t('today.reviewEmpty')}</p>
      ) : (
        <>
          <p class="small muted">{t('today.oldestFirst')}</p>
          <ul class="list">
            {r.oldest.map((f) => {
              const n = f.submittedAt ? days(f.submittedAt) : 0;
              return (
                <li key={f.id}>
                  <a class="item link" href={`/filings/${encodeURIComponent(f.id)}`} data-testid="waiting-filing">
                    <span class="item-main">
                      <span class="item-title">{f.title}</span>
                      <span class="tag">{n ? t('today.waitedDays', { n }) : t('today.waitedToday')}</span>
                    </span>
                    <span class="item-sub">
                      {f.secretaryName} · {f.villageName}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
          <a class="btn block" href="/review" data-testid="open-queue">
            {t('today.openQueue')}（{r.total}）
          </a>
        </>
      )}
    </section>
  );
}

function RollCalls({ calls }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="trc-title" data-testid="today-rollcalls">
      <h2 id="trc-title">
        {t('today.rollCalls')}
        <a class={calls.length ? 'num' : 'num ok'} href="/rollcalls" data-testid="rollcall-count">
          {calls.length}
        </a>
      </h2>
      {calls.length === 0 ? (
        <p class="muted">{t('today.rollCallsEmpty')}</p>
      ) : (
        <ul class="list">
          {calls.map((rc) => (
            <li key={rc.id}>
              <a class="item link" href="/rollcalls" data-testid="running-rollcall">
                <span class="item-main">
                  <span class="item-title">
                    {t('today.rollCallLine', { time: hm(rc.deadline), a: rc.answeredCount, n: rc.totalCount })}
                  </span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                {rc.note && <span class="item-sub">{rc.note}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function stepText(t, p) {
  const n = p.rosterSize;
  const a = p.step === 'ISSUING' ? p.issued : p.ballotsCast;
  return t(`today.step.${p.step}`, { a, n });
}

function Polls({ polls }) {
  const t = useT();
  const ready = polls.filter((p) => p.ready).length;
  return (
    <section class="card task" aria-labelledby="tp-title" data-testid="today-polls">
      <h2 id="tp-title">
        {t('today.polls')}
        <a class={ready ? 'num' : 'num ok'} href="/polls" data-testid="poll-step-count">
          {ready}
        </a>
      </h2>
      {polls.length === 0 ? (
        <p class="muted">{t('today.pollsEmpty')}</p>
      ) : (
        <>
          {ready > 0 && <p class="small muted">{t('today.pollsReadyN', { n: ready })}</p>}
          <ul class="list">
            {polls.slice(0, 5).map((p) => (
              <li key={p.id}>
                <a class="item link" href={`/polls/${encodeURIComponent(p.id)}`} data-testid="poll-step" data-ready={p.ready ? '1' : '0'}>
                  <span class="item-main">
                    <span class="item-title">
                      {p.secretaryName}
                      <span class="muted small"> · {p.villageName}</span>
                    </span>
                    {p.ready && <span class="tag">{t('today.handle')}</span>}
                  </span>
                  <span class="item-sub">{stepText(t, p)}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Problems({ p }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="tpb-title" data-testid="today-problems">
      <h2 id="tpb-title">
        {t('today.problems')}
        <a class={p.overdue ? 'num' : 'num ok'} href="/ledger?overdue=1" data-testid="overdue-count">
          {p.overdue}
        </a>
      </h2>
      {p.overdue === 0 ? (
        <p class="muted">{t('today.problemsEmpty', { d: p.ageDays })}</p>
      ) : (
        <>
          <p class="small muted">{t('today.problemsN', { n: p.overdue, d: p.ageDays })}</p>
          <ul class="list">
            {p.oldestOverdue.map((x) => (
              <li key={x.id}>
                <a class="item link" href="/ledger?overdue=1" data-testid="overdue-problem">
                  <span class="item-main">
                    <span class="item-title">{x.title}</span>
                    <span class="tag">{t('today.ageDays', { n: days(x.createdAt) })}</span>
                  </span>
                  <span class="item-sub">{x.villageName}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <a class="num-link small" href="/ledger?unresolved=1" data-testid="unresolved-link">
        {t('today.unresolvedN', { n: p.unresolved })} ›
      </a>
    </section>
  );
}

function More({ me }) {
  const t = useT();
  const links = [
    ['/review', t('nav.review'), 'nav-review'],
    ['/rollcalls', t('nav.rollCall'), 'nav-rollcalls'],
    ['/progress', t('nav.progress'), 'nav-progress'],
    ['/attendance', t('nav.attendance'), 'nav-attendance'],
    ['/attendance/confirm', t('nav.attendanceConfirm'), 'nav-attendance-confirm'],
    ['/polls', t('nav.polls'), 'nav-polls'],
    ['/rankings', t('nav.townshipRanking'), 'nav-rankings'],
    ['/assessments', t('nav.assessments'), 'nav-assessments'],
    [`/t/${encodeURIComponent(me.orgUnit.id)}`, t('today.villages'), 'nav-villages'],
    ['/admin', t('org.admin'), 'nav-admin'],
    ['/complaints/new', t('nav.complaints'), 'nav-complaints'],
    ['/account/security', t('nav.security'), 'nav-security'],
    ['/me/data', t('nav.myData'), 'nav-my-data'],
  ];
  return <MoreLinks title={t('today.more')} links={links} />;
}

export default function TownshipHome({ me }) {
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.townshipToday), []);
  if (loading && !data) return <HomeSkeleton />;
  if (error || !data)
    return (
      <>
        <ErrorBox error={error} onRetry={reload} />
        <More me={me} />
      </>
    );
  return (
    <>
      <Review r={data.review} />
      <RollCalls calls={data.rollCalls} />
      <Polls polls={data.polls} />
      <Problems p={data.problems} />
      <More me={me} />
    </>
  );
}
