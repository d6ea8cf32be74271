// GraphQL client over the transport (transport.js: bearer token, refresh once, ApiError):
// POST /graphql, multipart upload with progress, and the offline fallback of queries to their
// last cached result.
import { currentTokens, cacheGet, cachePut } from './tokens.js';
import { request, parseError, ApiError } from './transport.js';

export { ApiError, refreshSession, sessionEnded } from './transport.js';

const ENDPOINT = '/graphql';

/** The JSON of a 2xx GraphQL answer; an answer that is not JSON is a broken connection
 * (a captive portal, a proxy page) unless the server said 5xx. */
async function readJson(res) {
  try {
    return await res.json();
  } catch {
    throw new ApiError(res.status >= 500 ? 'INTERNAL' : 'NETWORK', `HTTP ${res.status}`, { status: res.status });
  }
}

/** POST a GraphQL operation → the whole answer `{ data, errors }` (for callers that read a
 * mutation payload next to top-level errors, like the outbox). `opts` go to the transport. */
export async function graphqlRequest(query, variables = {}, opts = {}) {
  const res = await request(ENDPOINT, { method: 'POST', json: { query, variables }, ...opts });
  return readJson(res);
}

/** `data` of an answer, or the ApiError of its first error (partial data: only when the field
 * that failed is missing). */
function dataOf(json) {
  const err = parseError(200, json);
  if (err && !json.data) throw err;
  if (err) {
    const key = err.path?.[0];
    if (key && json.data[key] == null) throw err;
  }
  return json.data;
}

/** Run a query/mutation; resolves with `data`, rejects with ApiError(code).
 * Queries (not mutations) fall back to their last cached result when the network is down. */
function cacheKey(query, variables) {
  const user = currentTokens()?.me?.id;
  return !/^\s*mutation\b/.test(query) && user ? `${user}|${query}|${JSON.stringify(variables)}` : null;
}

/** The last answer this user got to this query on this phone (or undefined): shown at once while
 * the fresh one travels (useLoad's `peek`), so a screen opened on a slow link is not blank. */
export async function cachedQuery(query, variables = {}) {
  const key = cacheKey(query, variables);
  return key ? cacheGet(key) : undefined;
}

export async function gql(query, variables = {}) {
  const key = cacheKey(query, variables);
  try {
    const data = dataOf(await graphqlRequest(query, variables));
    if (key) cachePut(key, data);
    return data;
  } catch (e) {
    if (key && e.code === 'NETWORK') {
      const hit = await cacheGet(key);
      if (hit) return hit;
    }
    throw e;
  }
}

/** Multipart upload (GraphQL multipart request spec) with progress callback (0..1). */
export async function gqlUpload(query, variables, fileVar, file, onProgress) {
  const fd = new FormData();
  fd.append('operations', JSON.stringify({ query, variables: { ...variables, [fileVar]: null } }));
  fd.append('map', JSON.stringify({ 0: [`variables.${fileVar}`] }));
  fd.append('0', file, file.name);
  const res = await request(ENDPOINT, {
    method: 'POST',
    body: fd,
    headers: { 'Apollo-Require-Preflight': 'true' },
    onProgress: onProgress || (() => {}),
  });
  return dataOf(await readJson(res));
}
