// GraphQL documents of the assessment screens (docs/ASSESSMENT.md; schema.graphql is authoritative).
export const RUBRIC_ITEM = `key part group groupLabel label kind basePoints perOccurrence cap unit evidence minPoints maxPoints formula`;
export const RUBRIC = `period version saved sha256 createdAt baseTotal items { ${RUBRIC_ITEM} }`;

export const ASSESSMENT_ITEM = `key item { ${RUBRIC_ITEM} } scored occurrences points overridden note scoredAt
  proposedOccurrences proposedPoints evidenceChanged evidence { summary filingIds filings { id kind title occurredOn status } }`;
export const ASSESSMENT = `id period status version rubricVersion canScore assessorRole updatedAt
  secretary { id name mode village { id name parent { id name } } }
  basic discipline results orgUpgrade basicPlusDiscipline target itemsScored itemsTotal
  items { ${ASSESSMENT_ITEM} }`;

/** An assessment item with its rubric item's fields at the top (the rubric's evidence key as `evidenceKey`). */
export function flatItem({ item, ...score }) {
  return { ...item, evidenceKey: item.evidence, ...score };
}
export const flatAssessment = (a) => a && { ...a, items: a.items.map(flatItem) };

export const Q_ASSESSMENT = `query A($s: ID!, $p: String!) { assessment(secretaryId: $s, period: $p) { ${ASSESSMENT} } }`;

export const Q_ASSESSMENTS = `query L($p: String!, $tw: ID, $q: String, $after: String) {
  assessments(period: $p, townshipId: $tw, search: $q, first: 30, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { secretary { id name mode } villageName townshipId townshipName assessorRole canScore status
      target itemsScored itemsTotal version } } } }`;

export const M_SCORE = `mutation S($input: ScoreAssessmentInput!) { scoreAssessment(input: $input) {
  assessment { ${ASSESSMENT} } currentVersion errors { code message field } } }`;

export const Q_RUBRIC = `query R($p: String!) { rubric(period: $p) { ${RUBRIC} } rubricVersions(period: $p) { version sha256 createdAt items { key } } }`;
export const M_RUBRIC = `mutation U($input: UpdateRubricInput!) { updateRubric(input: $input) {
  rubric { version } currentVersion errors { code message field } } }`;

export const Q_ORG_CLASSES = `query O($p: String!, $tw: ID) { orgClasses(period: $p, townshipId: $tw) {
  village { id name } orgClass note recordedAt previousPeriod previousClass change } }`;
export const M_ORG_CLASS = `mutation C($input: RecordOrgClassInput!) { recordOrgClass(input: $input) {
  orgClass { orgClass change } errors { code message field } } }`;

export const DISQ = `id kind kindLabel reason recordedAt recordedByName withdrawn withdrawnReason withdrawnAt withdrawnByName
  secretary { id name village { name } }`;
export const Q_DISQ = `query D($p: String!) { disqualifications(period: $p) { ${DISQ} } }`;
export const M_DISQ = `mutation R($input: RecordDisqualificationInput!) { recordDisqualification(input: $input) {
  disqualification { ${DISQ} } errors { code message field } } }`;
export const M_WITHDRAW = `mutation W($input: WithdrawDisqualificationInput!) { withdrawDisqualification(input: $input) {
  disqualification { ${DISQ} } errors { code message field } } }`;

export const Q_TOWNSHIPS = `query($after: String) { townships(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
export const Q_SECRETARIES = `query S($q: String, $after: String) { secretaries(search: $q, first: 20, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name village { id name } } } } }`;
