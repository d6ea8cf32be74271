// Household roster of one village: search + load more. Used by the secretary home and village detail.
import { useState } from 'preact/hooks';
import { gql } from './api.js';
import { useT } from './i18n.js';
import { usePaged, PagedList } from './ui.jsx';

const Q = `query Households($v: ID!, $s: String, $after: String) {
  households(villageId: $v, search: $s, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code headName memberCount address isHardship } } } }`;

export function HouseholdList({ villageId, searchable = true }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const page = usePaged((after) => gql(Q, { v: villageId, s: search || null, after }).then((d) => d.households), [villageId, search]);
  return (
    <section aria-labelledby="hh-title">
      <h2 id="hh-title">{t('household.title')}</h2>
      {searchable && (
        <form
          class="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(q.trim());
          }}
        >
          <label class="sr-only" for="hh-search">
            {t('common.search')}
          </label>
          <input
            id="hh-search"
            type="search"
            value={q}
            placeholder={t('household.searchPlaceholder')}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
          <button type="submit" class="btn">
            {t('common.search')}
          </button>
        </form>
      )}
      <PagedList
        page={page}
        label={t('household.title')}
        render={(h) => (
          <li key={h.id} class="item">
            <div class="item-main">
              <span class="item-title">{h.headName}</span>
              {h.isHardship && <span class="tag">{t('household.hardship')}</span>}
            </div>
            <div class="item-sub">
              {h.code} · {t('household.members', { n: h.memberCount })} · {h.address}
            </div>
          </li>
        )}
      />
    </section>
  );
}
