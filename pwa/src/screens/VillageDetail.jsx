// One village: name, township, household count, secretary, household roster.
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/org.js';
import { useLoad, Loading, ErrorBox, Fields, SecretaryFields, BackLink, SECRETARY_FIELDS } from '../ui.jsx';
import { HouseholdList } from '../households.jsx';

const Q = `query V($id: ID!) { orgUnit(id: $id) { id name code isCommunity householdCount
  parent { id name } secretary { ${SECRETARY_FIELDS} } } }`;

export default function VillageDetail({ villageId }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q, { id: villageId }), [villageId]);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const v = data.orgUnit;
  if (!v) return <ErrorBox error={{ code: 'NOT_FOUND' }} />;
  return (
    <>
      <section class="card" aria-labelledby="vd-title">
        <BackLink href={v.parent ? `/t/${encodeURIComponent(v.parent.id)}` : '/'} />
        <h2 id="vd-title" data-testid="village-name">
          {v.name}
        </h2>
        <Fields
          rows={[
            [t('secretary.township'), v.parent?.name],
            [t('admin.code'), v.code],
            [t('household.count'), v.householdCount],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="vd-sec">
        <h2 id="vd-sec">{t('secretary.title')}</h2>
        <SecretaryFields s={v.secretary} t={t} />
      </section>
      <div class="card">
        <HouseholdList villageId={v.id} />
      </div>
    </>
  );
}
