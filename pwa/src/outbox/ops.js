// The operations the outbox can send (registry.js): each registers its mutation, where its
// record is in the answer and — for filings — how to follow the record's review state later.
// Imported once by the app shell (and by what enqueues): items queued before a reload are sent
// by the engine as soon as the app starts, so every kind must be registered by then.
import { registerOp, mutationOp } from './registry.js';
import { graphqlRequest } from '../api.js';

const PAYLOAD = 'errors { code message field }';
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
  }),
);

registerOp(
  'editFiling',
  mutationOp({
    mutation: `mutation($input: FilingInput!, $baseVersion: Int!) { editFiling(input: $input, baseVersion: $baseVersion) { ${FILING} } }`,
    field: 'editFiling',
    result: filingResult,
    track: trackFilings,
  }),
);

registerOp(
  'checkIn',
  mutationOp({
    mutation: `mutation($input: CheckInInput!) { checkIn(input: $input) { checkIn { id distanceM insideGeofence flag }
    rollCalls { rollCallId answered reason } notice ${PAYLOAD} } }`,
    field: 'checkIn',
    result: (p) => ({ result: { ...p.checkIn, rollCalls: p.rollCalls, notice: p.notice } }),
  }),
);

const problemResult = (p) => ({ result: { ...p.problem }, reviewStatus: p.problem.status });

registerOp(
  'fileProblem',
  mutationOp({
    mutation: `mutation($input: FileProblemInput!) { fileProblem(input: $input) { problem { id status version } ${PAYLOAD} } }`,
    field: 'fileProblem',
    result: problemResult,
  }),
);

registerOp(
  'updateProblemStatus',
  mutationOp({
    mutation: `mutation($input: UpdateProblemStatusInput!) { updateProblemStatus(input: $input) { problem { id status version } ${PAYLOAD} } }`,
    field: 'updateProblemStatus',
    result: problemResult,
  }),
);

registerOp(
  'reportProblem',
  mutationOp({
    mutation: `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { problem { id status } ${PAYLOAD} } }`,
    field: 'reportProblem',
    result: problemResult,
  }),
);
