// GraphQL documents of the ranking screens (docs/ASSESSMENT.md; schema.graphql is authoritative).
// Only what the table shows and links to: a county's first pages are 16 groups x 20 rows.
export const ROW = `rank secretaryId name townshipId townshipName villageId villageName
  targetScore satisfactionPercent total rankable grade reasonCode reason`;
export const GROUP = `groupKey label rankableCount notRankableCount excellentQuota goodQuota totalCount
  rows { ${ROW} } hasMore endCursor`;

export const Q_RANKING = `query R($p: String!, $tw: ID, $g: String, $q: String) {
  ranking(period: $p, townshipId: $tw, groupKey: $g, search: $q, first: 20) { period groups { ${GROUP} } } }`;

export const Q_GROUP_PAGE = `query G($p: String!, $g: String!, $tw: ID, $q: String, $after: String) {
  rankingGroup(period: $p, groupKey: $g, townshipId: $tw, search: $q, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { ${ROW} } } } }`;

export const SNAPSHOT = `id period sha256 publishedAt rowCount`;
export const Q_SNAPSHOTS = `query S($p: String) { rankingSnapshots(period: $p) { ${SNAPSHOT} } }`;
/** A published ranking: up to 100 rows per group (the Excel export has them all). */
export const Q_SNAPSHOT = `query S($id: ID!) { rankingSnapshot(id: $id, first: 100) { period snapshot { ${SNAPSHOT} } groups { ${GROUP} } } }`;
export const M_PUBLISH = `mutation P($input: PublishRankingInput!) { publishRanking(input: $input) {
  snapshot { ${SNAPSHOT} } errors { code message field } } }`;

export const COMPARISON = `townshipId townshipName secretaryCount dutyCompletedShare averageSatisfaction averageTotal averageStationedDays`;
export const Q_COMPARISON = `query C($p: String!) { townshipComparison(period: $p) { ${COMPARISON} } }`;
export const Q_CHARTS = `query C($p: String!, $tw: ID) {
  townshipComparison(period: $p) { ${COMPARISON} }
  rankingDistribution(period: $p) { buckets { label lower upper count } grades { grade count } notRankable }
  rankingTrend(townshipId: $tw) { period snapshotId publishedAt rankableCount averageTotal grades { grade count } } }`;
