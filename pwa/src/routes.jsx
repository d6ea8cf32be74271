// Every screen of the app in one table: { path, roles, component, props?, keyed? }.
// `path` is a pattern ("/v/:id") or a list of them; `roles` who may open it (a list of roles,
// LOGGED_IN: any logged-in user, PUBLIC: anyone, logged in or not); `component` the screen —
// lazy, each its own chunk (scripts/check-budget.mjs); `props({ me, params,
// query })` what the screen is given (default `{ me }`); `keyed` remounts it when the path changes.
// The first entry whose pattern matches and whose roles let the user in wins; when none does,
// the app shows "页面不存在" (app.jsx). The matcher is resolveRoute in router.js.
import { lazy } from 'preact/compat';
import { PUBLIC, LOGGED_IN } from './router.js';
import { ErrorBox } from './ui.jsx';
import { loadVillageHome } from './screens/preload.js';

const COUNTY = ['COUNTY'];
const TOWNSHIP = ['TOWNSHIP'];
const STAFF = ['COUNTY', 'TOWNSHIP'];
const VILLAGE = ['VILLAGE'];
const MEMBER = ['MEMBER'];
const HOME = ['/', '/login', '/index.html'];

const screen = (load) => lazy(load);
// The first secretary's home: fetched while the login page waits (Login.jsx) or from the service worker.
const VillageHome = screen(loadVillageHome);
const MemberHome = screen(() => import('./screens/MemberHome.jsx'));
const CountyHome = screen(() => import('./screens/CountyHome.jsx'));
const TownshipHome = screen(() => import('./screens/TownshipHome.jsx'));
const TownshipVillages = screen(() => import('./screens/TownshipVillages.jsx'));
const FilingForm = screen(() => import('./screens/duties/FilingForm.jsx'));
const TownshipProgress = screen(() => import('./screens/progress/TownshipProgress.jsx'));

const Forbidden = () => <ErrorBox error={{ code: 'FORBIDDEN' }} />;
const id = ({ params }) => ({ id: params.id });
const villageOf = ({ me, params }) => ({ me, villageId: params.id });
const withId =
  (name) =>
  ({ me, params }) => ({ me, [name]: params.id });

export const ROUTES = [
  // role homes
  { path: HOME, roles: COUNTY, component: CountyHome },
  { path: HOME, roles: TOWNSHIP, component: TownshipHome },
  { path: HOME, roles: VILLAGE, component: VillageHome },
  { path: HOME, roles: MEMBER, component: MemberHome },
  { path: HOME, roles: LOGGED_IN, component: Forbidden, props: () => ({}) },

  // county and township: villages, admin
  { path: '/t/:id', roles: STAFF, component: TownshipVillages, props: withId('townshipId') },
  {
    path: '/v/:id',
    roles: STAFF,
    component: screen(() => import('./screens/VillageDetail.jsx')),
    props: ({ params }) => ({ villageId: params.id }),
  },
  // the village's public page — what the service card's QR opens — and reports without an
  // account: anyone, logged in or not (county and township staff get the village's detail above)
  { path: '/v/:id', roles: PUBLIC, keyed: true, component: screen(() => import('./screens/public/PublicVillage.jsx')), props: villageOf },
  {
    path: '/v/:id/report',
    roles: PUBLIC,
    keyed: true,
    component: screen(() => import('./screens/public/PublicReport.jsx')),
    props: villageOf,
  },
  { path: '/admin', roles: STAFF, component: screen(() => import('./screens/Admin.jsx')) },
  { path: '/admin/import', roles: COUNTY, component: screen(() => import('./screens/Import.jsx')), props: () => ({}) },
  { path: '/admin/identities', roles: COUNTY, component: screen(() => import('./screens/Identities.jsx')), props: () => ({}) },
  // 履职清单设置: the county's duty checklist (N个一) as versioned data
  {
    path: '/admin/checklist',
    roles: COUNTY,
    component: screen(() => import('./screens/progress/ChecklistSettings.jsx')),
    props: () => ({}),
  },
  // where a login through the province's identity platform comes back (a one-time ticket in the fragment)
  { path: '/login/oidc', roles: PUBLIC, component: screen(() => import('./screens/OidcLanding.jsx')), props: () => ({}) },

  // township review, roll call, attendance, progress, problem ledgers, county settings
  { path: '/review', roles: TOWNSHIP, component: screen(() => import('./screens/review/ReviewQueue.jsx')) },
  { path: '/rollcalls', roles: STAFF, component: screen(() => import('./screens/attendance/RollCalls.jsx')) },
  {
    path: '/filings/:id',
    roles: STAFF,
    component: screen(() => import('./screens/review/FilingDetail.jsx')),
    props: ({ me, params }) => ({ me, id: params.id }),
  },
  {
    path: '/filings',
    roles: STAFF,
    keyed: true,
    component: screen(() => import('./screens/review/FilingList.jsx')),
    props: ({ me, query }) => ({ me, secretaryId: query.get('secretaryId'), initialKind: query.get('kind') || '' }),
  },
  {
    path: '/attendance/confirm',
    roles: TOWNSHIP,
    component: screen(() => import('./screens/attendance/AttendanceConfirm.jsx')),
  },
  { path: '/attendance', roles: STAFF, component: screen(() => import('./screens/attendance/AttendanceSummary.jsx')) },
  { path: '/progress', roles: STAFF, component: TownshipProgress },
  { path: '/progress/behind', roles: COUNTY, component: screen(() => import('./screens/progress/Behind.jsx')), props: () => ({}) },
  { path: '/progress/t/:id', roles: COUNTY, component: TownshipProgress, props: withId('townshipId') },
  {
    path: '/progress/s/:id',
    roles: STAFF,
    component: screen(() => import('./screens/progress/DutyProgress.jsx')),
    props: withId('secretaryId'),
  },
  { path: '/settings', roles: COUNTY, component: screen(() => import('./screens/progress/CountySettings.jsx')) },
  { path: '/compliance', roles: COUNTY, component: screen(() => import('./screens/Compliance.jsx')) },
  { path: '/one-table', roles: COUNTY, component: screen(() => import('./screens/OneTable.jsx')) },
  { path: '/ledger', roles: STAFF, component: screen(() => import('./screens/ledger/ProblemLedger.jsx')) },

  // assessment and rankings (leaders)
  { path: '/assessments', roles: STAFF, component: screen(() => import('./screens/assessment/AssessmentList.jsx')) },
  {
    path: '/assessments/:id',
    roles: STAFF,
    keyed: true,
    component: screen(() => import('./screens/assessment/AssessmentSheet.jsx')),
    props: withId('secretaryId'),
  },
  { path: '/rubric', roles: COUNTY, component: screen(() => import('./screens/assessment/RubricEditor.jsx')) },
  { path: '/org-classes', roles: COUNTY, component: screen(() => import('./screens/assessment/OrgClasses.jsx')) },
  { path: '/disqualifications', roles: STAFF, component: screen(() => import('./screens/assessment/Disqualifications.jsx')) },
  { path: '/rankings', roles: STAFF, component: screen(() => import('./screens/ranking/Rankings.jsx')) },
  { path: '/rankings/charts', roles: STAFF, component: screen(() => import('./screens/ranking/Charts.jsx')) },
  {
    path: '/rankings/snapshots/:id', // not keyed: ?groupKey= switches the group without a reload
    roles: STAFF,
    component: screen(() => import('./screens/ranking/Snapshot.jsx')),
    props: ({ me, params }) => ({ me, id: params.id }),
  },

  // satisfaction polls: two public screens (no login needed), then by role
  { path: '/vote/:id', roles: PUBLIC, keyed: true, component: screen(() => import('./screens/polls/Vote.jsx')), props: id },
  {
    path: '/polls/:id/result',
    roles: PUBLIC,
    keyed: true,
    component: screen(() => import('./screens/polls/PollResult.jsx')),
    props: ({ me, params }) => ({ me, id: params.id }),
  },
  { path: '/polls', roles: LOGGED_IN, component: screen(() => import('./screens/polls/PollsList.jsx')) },
  {
    path: '/polls/:id',
    roles: STAFF,
    keyed: true,
    component: screen(() => import('./screens/polls/PollManage.jsx')),
    props: ({ me, params }) => ({ me, id: params.id }),
  },
  {
    path: '/polls/:id',
    roles: MEMBER,
    keyed: true,
    component: screen(() => import('./screens/polls/MemberPoll.jsx')),
    props: ({ me, params }) => ({ me, id: params.id }),
  },

  // complaints and suggestions (投诉建议) to the county: every role sends and follows its own; anyone
  // follows one by its tracking number and sends one from a village's public page; the county answers
  { path: '/complaints', roles: COUNTY, component: screen(() => import('./screens/complaints/Inbox.jsx')) },
  // 安全审计: the county's security log (logins, lockouts, account changes, exports, bulk reads)
  { path: '/security', roles: COUNTY, component: screen(() => import('./screens/SecurityLog.jsx')) },
  { path: '/complaints/new', roles: LOGGED_IN, component: screen(() => import('./screens/complaints/Send.jsx')) },
  { path: '/me/data', roles: LOGGED_IN, component: screen(() => import('./screens/MyData.jsx')) },
  // 账号安全: the second factor and the password of the accounts that can change everyone's data
  { path: '/account/security', roles: STAFF, component: screen(() => import('./screens/security/Security.jsx')) },
  { path: '/complaints/mine', roles: LOGGED_IN, component: screen(() => import('./screens/complaints/Mine.jsx')) },
  { path: '/complaints/track', roles: PUBLIC, keyed: true, component: screen(() => import('./screens/complaints/Track.jsx')) },
  {
    path: '/v/:id/complaint',
    roles: PUBLIC,
    keyed: true,
    component: screen(() => import('./screens/complaints/Public.jsx')),
    props: villageOf,
  },

  // party members and villagers: problem reports
  { path: '/report', roles: MEMBER, component: screen(() => import('./screens/member/ReportProblem.jsx')) },
  { path: '/my-problems', roles: MEMBER, component: screen(() => import('./screens/member/MyProblems.jsx')) },

  // first secretary: duties, roster, outbox, inbox, check-in, problems, service card, own assessment
  { path: '/duties', roles: VILLAGE, component: screen(() => import('./screens/duties/Checklist.jsx')) },
  { path: '/households', roles: VILLAGE, component: screen(() => import('./screens/duties/Roster.jsx')) },
  { path: '/duties/new/:kind', roles: VILLAGE, component: FilingForm, props: ({ me, params }) => ({ me, kind: params.kind }) },
  { path: '/outbox', roles: VILLAGE, component: screen(() => import('./screens/duties/Outbox.jsx')) },
  { path: '/inbox', roles: VILLAGE, component: screen(() => import('./screens/duties/Inbox.jsx')) },
  { path: '/inbox/:id', roles: VILLAGE, component: FilingForm, props: withId('editId') },
  { path: '/my-attendance', roles: VILLAGE, component: screen(() => import('./screens/attendance/MyAttendance.jsx')) },
  { path: '/checkin', roles: VILLAGE, component: screen(() => import('./screens/duties/CheckIn.jsx')) },
  { path: '/problems', roles: VILLAGE, component: screen(() => import('./screens/duties/Problems.jsx')) },
  { path: '/card', roles: VILLAGE, component: screen(() => import('./screens/duties/ServiceCard.jsx')) },
  { path: '/my-assessment', roles: VILLAGE, component: screen(() => import('./screens/assessment/MyAssessment.jsx')) },
];
