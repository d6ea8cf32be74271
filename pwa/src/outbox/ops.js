// The operations the outbox can send (registry.js): each registers its mutation, where its
// record is in the answer, how to describe a queued item so that two of a kind can be told apart
// in the outbox list (`describe`), and — for filings — how to follow the record's review state.
// Imported once by the app shell (and by what enqueues): items queued before a reload are sent
// by the engine as soon as the app starts, so every kind must be registered by then.
import { registerOp, mutationOp } from './registry.js';
import { graphqlRequest } from '../api.js';

const PAYLOAD = 'errors { code message field }';
const EXCERPT = 40;

/** The first words of a text, on one line: "今天走访了三组的五户…" */
export function firstWords(text, n = EXCERPT) {
  const s = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** A filing: who or what it is about (household, topic, project, person) and its first words. */
function describeFiling(it) {
  const input = it.vars?.input || {};
  const body = input.body || {};
  const subject = it.meta?.household || body.topic || body.name || body.person || '';
  const text = body.content ?? body.notes ?? body.minutes ?? body.text ?? body.reason ?? body.milestones ?? '';
  return { subject, excerpt: firstWords(text), date: input.occurredOn || '' };
}
/** A problem or its status change: the title, and the first words of its description or note. */
function describeProblem(it) {
  const input = it.vars?.input || {};
  return { subject: it.title || input.title || '', excerpt: firstWords(input.description ?? input.note ?? ''), date: '' };
}
const FILING = `filing { id status version } currentVersion ${PAYLOAD}`;

/** A sent filing's record, and its review state (followed by trackFilings). */
const filingResult = (p) => ({ result: { ...p.filing }, reviewStatus: p.filing.status });

/** Sent filings → their review state (returned / approved) and version from myFilings. */
async function trackFilings(items) {
  const open = items.filter((i) => i.reviewStatus !== 'APPROVED');
  if (!open.length) return [];
  const j = await graphqlRequest(
    '{ myFilings(first: 100) { edges { node { id status version reviewComment } } } }',
    {},
    { timeoutMs: 30_000 },
  );
  const by = new Map((j.data?.myFilings?.edges || []).map((e) => [e.node.id, e.node]));
  const patches = [];
  for (const it of open) {
    const f = by.get(it.ref);
    if (f && (f.status !== it.reviewStatus || f.version !== it.result?.version)) {
      patches.push({
        id: it.id,
        patch: { reviewStatus: f.status, reviewComment: f.reviewComment, result: { ...it.result, version: f.version } },
      });
    }
  }
  return patches;
}

registerOp(
  'submitFiling',
  mutationOp({
    mutation: `mutation($input: FilingInput!) { submitFiling(input: $input) { ${FILING} } }`,
    field: 'submitFiling',
    result: filingResult,
    track: trackFilings,
    describe: describeFiling,
  }),
);

registerOp(
  'editFiling',
  mutationOp({
    mutation: `mutation($input: FilingInput!, $baseVersion: Int!) { editFiling(input: $input, baseVersion: $baseVersion) { ${FILING} } }`,
    field: 'editFiling',
    result: filingResult,
    track: trackFilings,
    describe: describeFiling,
  }),
);

registerOp(
  'checkIn',
  mutationOp({
    mutation: `mutation($input: CheckInInput!) { checkIn(input: $input) { checkIn { id distanceM insideGeofence flag }
    rollCalls { rollCallId answered reason } notice ${PAYLOAD} } }`,
    field: 'checkIn',
    result: (p) => ({ result: { ...p.checkIn, rollCalls: p.rollCalls, notice: p.notice } }),
    describe: () => ({ subject: '', excerpt: '', date: '' }),
  }),
);

const problemResult = (p) => ({ result: { ...p.problem }, reviewStatus: p.problem.status });

registerOp(
  'fileProblem',
  mutationOp({
    mutation: `mutation($input: FileProblemInput!) { fileProblem(input: $input) { problem { id status version } ${PAYLOAD} } }`,
    field: 'fileProblem',
    result: problemResult,
    describe: describeProblem,
  }),
);

registerOp(
  'updateProblemStatus',
  mutationOp({
    mutation: `mutation($input: UpdateProblemStatusInput!) { updateProblemStatus(input: $input) { problem { id status version } ${PAYLOAD} } }`,
    field: 'updateProblemStatus',
    result: problemResult,
    describe: describeProblem,
  }),
);

registerOp(
  'reportProblem',
  mutationOp({
    mutation: `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { problem { id status } ${PAYLOAD} } }`,
    field: 'reportProblem',
    result: problemResult,
    describe: describeProblem,
  }),
);
