// The village's public page as data, for both public screens: from the server (anonymously:
// nothing of a login is needed or sent), else the last copy this phone kept (offline).
import { graphqlRequest } from '../../api.js';
import { cacheGet, cachePut } from '../../tokens.js';

const Q = `query($v: ID!) { publicVillagePage(villageId: $v) { villageId villageName townshipId townshipName pledge
  secretary { name phone dispatchUnit photoUrl } problems { total open inProgress resolved closed } } }`;

/** The page, from the server (anonymously: nothing of a login is needed or sent), else the last
 * copy this phone kept → { page, stale }. */
export async function loadPublicPage(villageId) {
  const key = `public|village|${villageId}`;
  try {
    const json = await graphqlRequest(Q, { v: villageId }, { anonymous: true, timeoutMs: 20_000 });
    const page = json.data?.publicVillagePage;
    if (!page) {
      const e = json.errors?.[0];
      throw Object.assign(new Error(e?.message), { code: e?.extensions?.code || 'INTERNAL' });
    }
    cachePut(key, page);
    return { page, stale: false };
  } catch (e) {
    if (e.code === 'NETWORK' || e.code === 'TIMEOUT') {
      const page = await cacheGet(key);
      if (page) return { page, stale: true };
    }
    throw e;
  }
}

