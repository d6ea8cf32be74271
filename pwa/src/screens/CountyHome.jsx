// COUNTY: a leader's overview at a glance, in one request (countyOverview) — the duty checklist by
// township, secretaries behind the pace of their term, last month's attendance notes, polls in
// progress with their turnout, unresolved problems, this year's ranking. Every number is a link
// to the list behind it. Nothing here counts app use (DOMAIN.md section 8).
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/homes.js';
import '../i18n/org.js';
import { useLoad, ErrorBox, HomeSkeleton, MoreLinks } from '../ui.jsx';

const Q = `{ countyOverview {
  townships { townshipId townshipName secretaryCount completedShare behindCount } completedShare
  behindCount
  attendance { month secretaryCount fewDaysCount }
  polls { draft issuing voting closed inProgress { id secretaryName villageName status turnout } }
  problems { ageDays unresolved overdue }
  ranking { period published snapshotId publishedAt } }
  dutyChecklist { name } }`;

const pct = (x) => (x == null ? '—' : `${Math.round(x * 100)}%`);
const enc = encodeURIComponent;

function Duties({ o }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="od-title" data-testid="overview-duties">
      <h2 id="od-title">
        {o.checklistName ? t('overview.dutiesOf', { name: o.checklistName }) : t('overview.duties')}
        <a class="num" href="/progress" data-testid="county-share">
          {pct(o.completedShare)}
        </a>
      </h2>
      <table class="ov-table">
        <thead>
          <tr>
            <th scope="col">{t('overview.colTownship')}</th>
            <th scope="col">{t('overview.colShare')}</th>
            <th scope="col">{t('overview.colBehind')}</th>
          </tr>
        </thead>
        <tbody>
          {o.townships.map((tw) => (
            <tr key={tw.townshipId} data-testid="township-item">
              <th scope="row">
                <a href={`/t/${enc(tw.townshipId)}`}>{tw.townshipName}</a>
              </th>
              <td>
                <a href={`/progress/t/${enc(tw.townshipId)}`} data-testid="township-share">
                  {pct(tw.completedShare)}
                </a>
              </td>
              <td>
                <a href={`/progress/behind?townshipId=${enc(tw.townshipId)}`} data-testid="township-behind">
                  {tw.behindCount}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Behind({ n }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="ob-title" data-testid="overview-behind">
      <h2 id="ob-title">
        {t('overview.behind')}
        <a class={n ? 'num' : 'num ok'} href="/progress/behind" data-testid="behind-count">
          {n}
        </a>
      </h2>
      <p>{n ? t('overview.behindN', { n }) : t('overview.behindNone')}</p>
      <p class="small muted">{t('overview.behindRule')}</p>
    </section>
  );
}

function Attendance({ a }) {
  const t = useT();
  const m = t('overview.month', { y: a.month.slice(0, 4), m: Number(a.month.slice(5)) });
  return (
    <section class="card task" aria-labelledby="oa-title" data-testid="overview-attendance">
      <h2 id="oa-title">
        {t('overview.attendance')}
        <a class={a.fewDaysCount ? 'num' : 'num ok'} href={`/attendance?month=${a.month}&few=1`} data-testid="few-days-count">
          {a.fewDaysCount}
        </a>
      </h2>
      <p>{a.fewDaysCount ? t('overview.attendanceN', { m, n: a.fewDaysCount }) : t('overview.attendanceNone', { m })}</p>
      <p class="small muted">{t('overview.attendanceRule')}</p>
    </section>
  );
}

function Polls({ p }) {
  const t = useT();
  const running = p.issuing + p.voting;
  return (
    <section class="card task" aria-labelledby="op-title" data-testid="overview-polls">
      <h2 id="op-title">
        {t('overview.polls')}
        <a class={running ? 'num' : 'num ok'} href="/polls" data-testid="polls-running">
          {running}
        </a>
      </h2>
      <p class="small muted">{t('overview.pollsStats', { v: p.voting, i: p.issuing, d: p.draft, c: p.closed })}</p>
      {running === 0 ? (
        <p class="muted">{t('overview.pollsNone')}</p>
      ) : (
        <ul class="list">
          {p.inProgress.slice(0, 3).map((x) => (
            <li key={x.id}>
              <a class="item link" href={`/polls/${enc(x.id)}`} data-testid="poll-turnout">
                <span class="item-main">
                  <span class="item-title">
                    {x.secretaryName}
                    <span class="muted small"> · {x.villageName}</span>
                  </span>
                  <span class="tag">{t('overview.turnout', { p: pct(x.turnout) })}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Problems({ p }) {
  const t = useT();
  return (
    <section class="card task" aria-labelledby="opb-title" data-testid="overview-problems">
      <h2 id="opb-title">{t('overview.problems')}</h2>
      <div class="stats">
        <a href="/ledger?unresolved=1" class={p.unresolved ? '' : 'calm'} data-testid="unresolved-count">
          <strong>{p.unresolved}</strong>
          {t('overview.unresolved')}
        </a>
        <a href="/ledger?overdue=1" class={p.overdue ? '' : 'calm'} data-testid="overdue-count">
          <strong>{p.overdue}</strong>
          {t('overview.overdue', { d: p.ageDays })}
        </a>
      </div>
    </section>
  );
}

function Ranking({ r }) {
  const t = useT();
  const href = r.published ? `/rankings/snapshots/${enc(r.snapshotId)}` : `/rankings?period=${r.period}`;
  return (
    <section class="card task" aria-labelledby="or-title" data-testid="overview-ranking">
      <h2 id="or-title">{t('overview.ranking', { y: r.period })}</h2>
      <a class="item link" href={href} data-testid="ranking-status" data-published={r.published ? '1' : '0'}>
        <span class="item-main">
          <span class="item-title">
            {r.published ? t('overview.published', { date: r.publishedAt.slice(0, 10) }) : t('overview.notPublished')}
          </span>
          <span class="chev" aria-hidden="true">
            ›
          </span>
        </span>
      </a>
    </section>
  );
}

function More() {
  const t = useT();
  const links = [
    ['/progress', t('nav.progress'), 'nav-progress'],
    ['/attendance', t('nav.attendance'), 'nav-attendance'],
    ['/rollcalls', t('nav.rollCall'), 'nav-rollcalls'],
    ['/rankings', t('nav.rankings'), 'nav-rankings'],
    ['/assessments', t('nav.assessments'), 'nav-assessments'],
    ['/polls', t('nav.polls'), 'nav-polls'],
    ['/settings', t('nav.settings'), 'nav-settings'],
    ['/admin/checklist', t('nav.checklist'), 'nav-checklist'],
    ['/admin', t('org.admin'), 'nav-admin'],
    ['/one-table', t('nav.oneTable'), 'nav-one-table'],
    ['/compliance', t('nav.compliance'), 'nav-compliance'],
    ['/complaints', t('nav.complaintsInbox'), 'nav-complaints-inbox'],
    ['/security', t('nav.securityLog'), 'nav-security-log'],
    ['/account/security', t('nav.security'), 'nav-security'],
    ['/me/data', t('nav.myData'), 'nav-my-data'],
    ['/complaints/new', t('nav.complaints'), 'nav-complaints'],
  ];
  return <MoreLinks title={t('overview.more')} links={links} />;
}

export default function CountyHome() {
  const { data, error, loading, reload } = useLoad(
    () => gql(Q).then((d) => ({ ...d.countyOverview, checklistName: d.dutyChecklist?.name })),
    [],
  );
  if (loading && !data) return <HomeSkeleton />;
  if (error || !data)
    return (
      <>
        <ErrorBox error={error} onRetry={reload} />
        <More />
      </>
    );
  return (
    <>
      <Duties o={data} />
      <Behind n={data.behindCount} />
      <Attendance a={data.attendance} />
      <Polls p={data.polls} />
      <Problems p={data.problems} />
      <Ranking r={data.ranking} />
      <More />
    </>
  );
}
