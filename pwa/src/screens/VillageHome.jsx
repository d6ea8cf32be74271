// VILLAGE role (first secretary): 我的村 — own village, own posting, household roster.
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import { useLoad, Loading, ErrorBox, Fields, SecretaryFields, SECRETARY_FIELDS } from '../ui.jsx';
import { HouseholdList } from '../households.jsx';
import { useStore } from '../store.js';
import { outbox } from '../outbox/engine.js';

/** Entry to the eight duties with the outbox state (unsent / failed / returned counts). */
function DutiesCard() {
  const t = useT();
  const o = useStore(outbox);
  const unsent = o.items.filter((i) => i.state === 'waiting' || i.state === 'sending').length;
  const failed = o.items.filter((i) => i.state === 'failed').length;
  const returned = new Set(o.items.filter((i) => i.state === 'sent' && i.reviewStatus === 'RETURNED').map((i) => i.ref)).size;
  return (
    <section class="card" aria-labelledby="duties-entry">
      <h2 id="duties-entry">
        <a href="/duties" data-testid="duties-link">
          {t('village.dutiesEntry')}
        </a>
      </h2>
      <p class="small" data-testid="outbox-badge" data-unsent={unsent}>
        {o.busy ? t('outbox.syncing') : unsent ? t('village.outboxBadge', { n: unsent }) : t('outbox.allSent')}
        {failed > 0 && (
          <>
            {' '}
            · <span class="tag">{t('outbox.failedN', { n: failed })}</span>
          </>
        )}
        {returned > 0 && (
          <>
            {' '}
            ·{' '}
            <a href="/inbox">
              <span class="tag">{t('outbox.returnedN', { n: returned })}</span>
            </a>
          </>
        )}
      </p>
      <a class="btn block" href="/duties">
        {t('village.duties')}
      </a>
      <a class="btn secondary block" href="/checkin">
        {t('village.checkin')}
      </a>
    </section>
  );
}

const Q = `{ mySecretaryProfile { ${SECRETARY_FIELDS} village { id name householdCount parent { id name } } }
  me { id orgUnit { id name householdCount parent { id name } } }
  villagePublicPage { townshipName } }`;

export default function VillageHome() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q), []);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const s = data.mySecretaryProfile;
  const v = s?.village || data.me.orgUnit;
  return (
    <>
      <DutiesCard />
      <section class="card" aria-labelledby="village-title">
        <h2 id="village-title">
          {t('village.title')}：<span data-testid="village-name">{v.name}</span>
        </h2>
        <Fields
          rows={[
            [t('secretary.township'), v.parent?.name || data.villagePublicPage?.townshipName],
            [t('household.count'), v.householdCount],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">{t('village.profile')}</h2>
        {s ? <SecretaryFields s={s} t={t} /> : <p class="muted">{t('village.noProfile')}</p>}
        {s && (
          <a class="btn secondary block" href="/my-assessment" data-testid="my-assessment-link">
            {t('village.myAssessment')}
            <span class="muted small"> · {t('village.myAssessmentHint')}</span>
          </a>
        )}
      </section>
      <div class="card">
        <HouseholdList villageId={v.id} />
      </div>
    </>
  );
}
