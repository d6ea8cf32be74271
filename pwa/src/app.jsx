// App shell: header (title, language switch, logout), offline banner, routes by role.
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { session, logout } from './auth.js';
import { useStore } from './store.js';
import { useT, toggleLang, t } from './i18n.js';
import { useRoute, match, navigate } from './router.js';
import { Loading, ErrorBox } from './ui.jsx';
import Login from './screens/Login.jsx';
import VillageHome from './screens/VillageHome.jsx';
import MemberHome from './screens/MemberHome.jsx';
import { restore } from './auth.js';
import { startOutbox, stopOutbox, unsent } from './outbox/engine.js';

// Lazy chunks: not part of the initial JS (see scripts/check-budget.mjs).
const CountyHome = lazy(() => import('./screens/CountyHome.jsx'));
const TownshipVillages = lazy(() => import('./screens/TownshipVillages.jsx'));
const VillageDetail = lazy(() => import('./screens/VillageDetail.jsx'));
const Admin = lazy(() => import('./screens/Admin.jsx'));
const Import = lazy(() => import('./screens/Import.jsx'));
// first secretary: duties, outbox, inbox, check-in, problems, service card
const Checklist = lazy(() => import('./screens/duties/Checklist.jsx'));
const FilingForm = lazy(() => import('./screens/duties/FilingForm.jsx'));
const Outbox = lazy(() => import('./screens/duties/Outbox.jsx'));
const Inbox = lazy(() => import('./screens/duties/Inbox.jsx'));
const CheckIn = lazy(() => import('./screens/duties/CheckIn.jsx'));
const Problems = lazy(() => import('./screens/duties/Problems.jsx'));
const ServiceCard = lazy(() => import('./screens/duties/ServiceCard.jsx'));
// township review, roll call, attendance, progress, county settings; member problem reports
const ReviewQueue = lazy(() => import('./screens/review/ReviewQueue.jsx'));
const FilingDetail = lazy(() => import('./screens/review/FilingDetail.jsx'));
const FilingList = lazy(() => import('./screens/review/FilingList.jsx'));
const RollCalls = lazy(() => import('./screens/attendance/RollCalls.jsx'));
const AttendanceSummary = lazy(() => import('./screens/attendance/AttendanceSummary.jsx'));
const TownshipProgress = lazy(() => import('./screens/progress/TownshipProgress.jsx'));
const DutyProgress = lazy(() => import('./screens/progress/DutyProgress.jsx'));
const CountySettings = lazy(() => import('./screens/progress/CountySettings.jsx'));
const ReportProblem = lazy(() => import('./screens/member/ReportProblem.jsx'));
const MyProblems = lazy(() => import('./screens/member/MyProblems.jsx'));
// satisfaction polls: township/county/member screens, and two public ones that need no login
const PollsList = lazy(() => import('./screens/polls/PollsList.jsx'));
const PollManage = lazy(() => import('./screens/polls/PollManage.jsx'));
const MemberPoll = lazy(() => import('./screens/polls/MemberPoll.jsx'));
const PollVote = lazy(() => import('./screens/polls/Vote.jsx'));
const PollResult = lazy(() => import('./screens/polls/PollResult.jsx'));
// assessment and rankings (leaders): scoring, rubric, org classes, disqualifications, rankings, charts
const AssessmentList = lazy(() => import('./screens/assessment/AssessmentList.jsx'));
const AssessmentSheet = lazy(() => import('./screens/assessment/AssessmentSheet.jsx'));
const RubricEditor = lazy(() => import('./screens/assessment/RubricEditor.jsx'));
const OrgClasses = lazy(() => import('./screens/assessment/OrgClasses.jsx'));
const Disqualifications = lazy(() => import('./screens/assessment/Disqualifications.jsx'));
const Rankings = lazy(() => import('./screens/ranking/Rankings.jsx'));
const MyAssessment = lazy(() => import('./screens/assessment/MyAssessment.jsx'));
const RankingSnapshot = lazy(() => import('./screens/ranking/Snapshot.jsx'));
const RankingCharts = lazy(() => import('./screens/ranking/Charts.jsx'));

/** Routes anyone may open, logged in or not: the paper-slip ballot and a poll's result/board. */
function publicRoute(path) {
  let p;
  if ((p = match('/vote/:id', path))) return <PollVote key={path} id={p.id} />;
  if ((p = match('/polls/:id/result', path))) return <PollResult key={path} id={p.id} />;
  return null;
}

// The outbox sends by itself whenever a first secretary is logged in (also offline starts).
session.subscribe((s) => {
  if (s.status === 'in' && s.me?.role === 'VILLAGE') startOutbox(s.me.id);
  else if (s.status !== 'loading') stopOutbox();
});

function confirmLogout() {
  const n = unsent();
  return !n || confirm(t('logoutUnsent', { n }));
}

function useOnline() {
  const [on, setOn] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOn(true), down = () => setOn(false);
    addEventListener('online', up); addEventListener('offline', down);
    return () => { removeEventListener('online', up); removeEventListener('offline', down); };
  }, []);
  return on;
}

function Header({ me }) {
  const t = useT();
  return (
    <header class="top">
      <div class="top-title">
        <span class="brand">{t('appName')}</span>
        {me && <span class="who">{me.name} · {t(`role_${me.role}`)}</span>}
      </div>
      <div class="top-actions">
        <button type="button" class="btn ghost" lang={t('switchLang') === 'English' ? 'en' : 'zh-CN'}
          aria-label={t('switchLangLabel')} data-testid="lang-switch" onClick={toggleLang}>{t('switchLang')}</button>
        {me && <button type="button" class="btn ghost" data-testid="logout" onClick={() => confirmLogout() && logout().then(() => navigate('/', { replace: true }))}>{t('logout')}</button>}
      </div>
    </header>
  );
}

function Home({ me }) {
  switch (me.role) {
    case 'COUNTY': return <CountyHome me={me} />;
    case 'TOWNSHIP': return <TownshipVillages me={me} townshipId={me.orgUnit.id} />;
    case 'VILLAGE': return <VillageHome me={me} />;
    case 'MEMBER': return <MemberHome me={me} />;
    default: return <ErrorBox error={{ code: 'FORBIDDEN' }} />;
  }
}

function Routes({ me, path }) {
  const t = useT();
  const staff = me.role === 'COUNTY' || me.role === 'TOWNSHIP';
  let p;
  if (path === '/' || path.startsWith('/?') || path === '/login' || path === '/index.html') return <Home me={me} />;
  if (staff && (p = match('/t/:id', path))) return <TownshipVillages me={me} townshipId={p.id} />;
  if (staff && (p = match('/v/:id', path))) return <VillageDetail villageId={p.id} />;
  if (staff && match('/admin', path)) return <Admin me={me} />;
  if (me.role === 'COUNTY' && match('/admin/import', path)) return <Import />;
  if (staff) {
    const q = new URLSearchParams(path.split('?')[1] || '');
    if (me.role === 'TOWNSHIP' && match('/review', path)) return <ReviewQueue me={me} />;
    if (me.role === 'TOWNSHIP' && match('/rollcalls', path)) return <RollCalls me={me} />;
    if ((p = match('/filings/:id', path))) return <FilingDetail me={me} id={p.id} />;
    if (match('/filings', path)) return <FilingList key={path} me={me} secretaryId={q.get('secretaryId')} initialKind={q.get('kind') || ''} />;
    if (match('/attendance', path)) return <AttendanceSummary me={me} />;
    if (match('/progress', path)) return <TownshipProgress me={me} />;
    if (me.role === 'COUNTY' && (p = match('/progress/t/:id', path))) return <TownshipProgress me={me} townshipId={p.id} />;
    if ((p = match('/progress/s/:id', path))) return <DutyProgress me={me} secretaryId={p.id} />;
    if (me.role === 'COUNTY' && match('/settings', path)) return <CountySettings me={me} />;
    if (match('/assessments', path)) return <AssessmentList me={me} />;
    if ((p = match('/assessments/:id', path))) return <AssessmentSheet key={path} me={me} secretaryId={p.id} />;
    if (me.role === 'COUNTY' && match('/rubric', path)) return <RubricEditor me={me} />;
    if (me.role === 'COUNTY' && match('/org-classes', path)) return <OrgClasses me={me} />;
    if (match('/disqualifications', path)) return <Disqualifications me={me} />;
    if (match('/rankings', path)) return <Rankings me={me} />;
    if (match('/rankings/charts', path)) return <RankingCharts me={me} />;
    if ((p = match('/rankings/snapshots/:id', path))) return <RankingSnapshot key={path} me={me} id={p.id} />;
  }
  const pub = publicRoute(path);
  if (pub) return pub;
  if (match('/polls', path)) return <PollsList me={me} />;
  if (staff && (p = match('/polls/:id', path))) return <PollManage key={path} me={me} id={p.id} />;
  if (me.role === 'MEMBER' && (p = match('/polls/:id', path))) return <MemberPoll key={path} me={me} id={p.id} />;
  if (me.role === 'MEMBER' && match('/report', path)) return <ReportProblem me={me} />;
  if (me.role === 'MEMBER' && match('/my-problems', path)) return <MyProblems me={me} />;
  if (me.role === 'VILLAGE') {
    if (match('/duties', path)) return <Checklist me={me} />;
    if ((p = match('/duties/new/:kind', path))) return <FilingForm me={me} kind={p.kind} />;
    if (match('/outbox', path)) return <Outbox me={me} />;
    if (match('/inbox', path)) return <Inbox me={me} />;
    if ((p = match('/inbox/:id', path))) return <FilingForm me={me} editId={p.id} />;
    if (match('/checkin', path)) return <CheckIn me={me} />;
    if (match('/problems', path)) return <Problems me={me} />;
    if (match('/card', path)) return <ServiceCard me={me} />;
    if (match('/my-assessment', path)) return <MyAssessment me={me} />;
  }
  return <section class="card"><h2>{t('notFound')}</h2><a class="btn block" href="/">{t('home')}</a></section>;
}

function roleTitle(t, me) {
  if (me.role === 'VILLAGE') return t('myVillage');
  if (me.role === 'MEMBER') return t('publicPage');
  return me.orgUnit?.name || t('appName');
}

export function App() {
  const s = useStore(session);
  const path = useRoute();
  const online = useOnline();
  const t = useT();
  useEffect(() => { document.title = s.me ? `${roleTitle(t, s.me)} · ${t('appName')}` : `${t('appName')} · ${t('tagline')}`; });

  const pub = s.status !== 'in' && publicRoute(path);
  let body;
  if (pub) body = <main id="main" class="page"><Suspense fallback={<Loading />}>{pub}</Suspense></main>;
  else if (s.status === 'loading') body = <main id="main"><Loading /></main>;
  else if (s.status === 'error') body = <main id="main"><ErrorBox error={s.error} onRetry={() => { session.set({ status: 'loading', me: null }); restore(); }} /></main>;
  else if (s.status !== 'in') body = <Login />;
  else body = (
    <main id="main" class="page">
      <h1 class="page-title" data-testid="page-title">{roleTitle(t, s.me)}</h1>
      <Suspense fallback={<Loading />}><Routes me={s.me} path={path} /></Suspense>
    </main>
  );
  return (
    <>
      <Header me={s.status === 'in' ? s.me : null} />
      {!online && <div class="offline" role="status" data-testid="offline-banner">{t('offline')}</div>}
      {body}
    </>
  );
}
