// COUNTY role: the county's townships (villages / households counts) → tap for villages.
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/org.js';
import { usePaged, PagedList, useLoad, Fields } from '../ui.jsx';

const Q = `query Townships($after: String) { townships(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id name code villageCount householdCount } } } }`;

export default function CountyHome({ me }) {
  const t = useT();
  const page = usePaged((after) => gql(Q, { after }).then((d) => d.townships), []);
  const county = useLoad(
    () =>
      gql(`query C($id: ID!) { orgUnit(id: $id) { id name villageCount householdCount } }`, { id: me.orgUnit.id }).then((d) => d.orgUnit),
    [me.orgUnit.id],
  );
  return (
    <>
      <section class="card" aria-labelledby="county-title">
        <h2 id="county-title">{t('org.overview')}</h2>
        <Fields
          rows={[
            [t('common.townships'), page.total ?? '…'],
            [t('org.villagesCount'), county.data?.villageCount ?? '…'],
            [t('household.count'), county.data?.householdCount ?? '…'],
          ]}
        />
        <nav aria-label={t('org.admin')} style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '.5rem', marginTop: '.75rem' }}>
          <a class="btn" href="/progress" data-testid="nav-progress">
            {t('nav.progress')}
          </a>
          <a class="btn" href="/attendance" data-testid="nav-attendance">
            {t('nav.attendance')}
          </a>
        </nav>
        <nav
          aria-label={t('nav.assessment')}
          style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '.5rem', marginTop: '.75rem' }}
        >
          <a class="btn" href="/rankings" data-testid="nav-rankings">
            {t('nav.rankings')}
          </a>
          <a class="btn" href="/assessments" data-testid="nav-assessments">
            {t('nav.assessments')}
          </a>
        </nav>
        <a class="btn secondary block" href="/polls" data-testid="nav-polls">
          {t('nav.polls')}
        </a>
        <a class="btn secondary block" href="/settings" data-testid="nav-settings">
          {t('nav.settings')}
        </a>
        <a class="btn secondary block" href="/admin">
          {t('org.admin')}
        </a>
      </section>
      <section class="card" aria-labelledby="tw-title">
        <h2 id="tw-title">{t('common.townships')}</h2>
        <PagedList
          page={page}
          label={t('common.townships')}
          render={(tw) => (
            <li key={tw.id}>
              <a class="item link" href={`/t/${encodeURIComponent(tw.id)}`} data-testid="township-item">
                <span class="item-main">
                  <span class="item-title">{tw.name}</span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                <span class="item-sub">
                  {t('common.villageCountN', { n: tw.villageCount })} · {t('org.householdCountN', { n: tw.householdCount })}
                </span>
              </a>
            </li>
          )}
        />
      </section>
    </>
  );
}
