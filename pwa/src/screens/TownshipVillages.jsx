// Villages of one township with each village's current first secretary.
// COUNTY sees name + mode; TOWNSHIP (its own, from the home's 本镇村（社区）) also phone and cadre class.
import { useState } from 'preact/hooks';
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/org.js';
import { usePaged, PagedList, useLoad, enumLabel, BackLink } from '../ui.jsx';

const Q = `query Villages($tw: ID, $s: String, $after: String) {
  villages(townshipId: $tw, search: $s, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name isCommunity householdCount secretary { id name phone mode cadreClass } } } } }`;

export default function TownshipVillages({ me, townshipId }) {
  const t = useT();
  const own = me.role === 'TOWNSHIP';
  const tw = useLoad(
    () =>
      own
        ? Promise.resolve(me.orgUnit)
        : gql(`query T($id: ID!) { orgUnit(id: $id) { id name villageCount householdCount } }`, { id: townshipId }).then((d) => d.orgUnit),
    [townshipId],
  );
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const page = usePaged((after) => gql(Q, { tw: townshipId, s: search || null, after }).then((d) => d.villages), [townshipId, search]);
  return (
    <>
      <section class="card" aria-labelledby="tw-name">
        <BackLink href="/" />
        <h2 id="tw-name" data-testid="township-name">
          {tw.data?.name || '…'}
        </h2>
        {!own && (
          <a class="btn secondary block" href={`/rankings?townshipId=${encodeURIComponent(townshipId)}`} data-testid="nav-township-ranking">
            {t('nav.townshipRankingOf')}
          </a>
        )}
      </section>
      <section class="card" aria-labelledby="vl-title">
        <h2 id="vl-title">{t('common.villages')}</h2>
        <form
          class="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(q.trim());
          }}
        >
          <label class="sr-only" for="v-search">
            {t('common.search')}
          </label>
          <input id="v-search" type="search" value={q} placeholder={t('common.villages')} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit" class="btn">
            {t('common.search')}
          </button>
        </form>
        <PagedList
          page={page}
          label={t('common.villages')}
          render={(v) => (
            <li key={v.id}>
              <a class="item link" href={`/v/${encodeURIComponent(v.id)}`} data-testid="village-item">
                <span class="item-main">
                  <span class="item-title">{v.name}</span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                <span class="item-sub">
                  {v.secretary ? (
                    <>
                      {t('secretary.title')}：<span data-testid="secretary-name">{v.secretary.name}</span> ·{' '}
                      {enumLabel(t, v.secretary.mode)}
                      {own && (
                        <>
                          {' '}
                          · {v.secretary.phone} · {enumLabel(t, v.secretary.cadreClass)}
                        </>
                      )}
                    </>
                  ) : (
                    t('secretary.none')
                  )}
                </span>
              </a>
            </li>
          )}
        />
      </section>
    </>
  );
}
