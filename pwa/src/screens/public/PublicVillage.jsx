// 村务公开: the village's public page — what the service card's QR opens, for anyone (no account;
// the same page for a logged-in member, secretary or neighbour). The village, its first secretary
// as the card shows them, the pledge, the problem ledger in numbers, and 反映问题. The last answer
// is kept on the phone, so the page opens again without signal (the app shell is precached).
import { useEffect } from 'preact/hooks';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/public.js';
import { useStore } from '../../store.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { reports, startPublicQueue, retryReport, discardReport } from './queue.js';
import { loadPublicPage } from './page.js';
import './public.css';

const PhoneIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z" />
  </svg>
);

function Secretary({ s }) {
  const t = useT();
  if (!s) return <p class="pub-text">{t('publicPage.noSecretary')}</p>;
  return (
    <>
      <div class="pub-person">
        {s.photoUrl && <img class="pub-photo" src={s.photoUrl} alt={t('publicPage.photoAlt', { name: s.name })} width="96" height="128" />}
        <div>
          <p class="pub-name" data-testid="secretary-name">
            {s.name}
          </p>
          <p class="pub-text">
            {t('publicPage.dispatchUnit', { unit: s.dispatchUnit })}
          </p>
        </div>
      </div>
      <a class="btn block call pub-call" href={`tel:${s.phone}`} data-testid="call-secretary">
        <PhoneIcon />
        {t('publicPage.call', { phone: s.phone })}
      </a>
    </>
  );
}

function Ledger({ p }) {
  const t = useT();
  if (!p.total) return <p class="pub-text">{t('publicPage.ledgerNone')}</p>;
  return (
    <p class="pub-text" data-testid="public-ledger">
      {t('publicPage.ledgerLine', p)}
      {p.closed > 0 && `；${t('publicPage.ledgerClosed', { n: p.closed })}`}
    </p>
  );
}

function SavedHere({ villageId }) {
  const t = useT();
  const st = useStore(reports);
  const mine = st.items.filter((i) => String(i.villageId) === String(villageId)).reverse();
  if (!mine.length) return null;
  return (
    <section class="card" aria-labelledby="pub-saved">
      <h2 id="pub-saved">{t('publicPage.savedHere')}</h2>
      <ul class="list plain pub-saved">
        {mine.map((it) => (
          <li key={it.id} data-testid="public-report" data-state={it.state}>
            <p class="pub-text">
              <strong>{it.title}</strong>
            </p>
            <p class={`small ${it.state === 'sent' ? 'pub-ok' : it.state === 'failed' ? 'field-err' : 'muted'}`}>
              {t(`publicPage.state.${it.state === 'sending' ? 'waiting' : it.state}`)}
              {it.reference ? ` · ${t('publicPage.reference', { ref: it.reference })}` : ''}
            </p>
            {it.state === 'failed' && <p class="small">{errorText(it.error?.code || 'UNKNOWN', it.error?.message)}</p>}
            {it.state !== 'waiting' && it.state !== 'sending' && (
              <div class="pub-actions">
                {it.state === 'failed' && (
                  <button type="button" class="btn secondary" onClick={() => retryReport(it.id)}>
                    {t('publicPage.retry')}
                  </button>
                )}
                <button type="button" class="btn secondary" onClick={() => discardReport(it.id)}>
                  {it.state === 'sent' ? t('publicPage.forget') : t('publicPage.discard')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function PublicVillage({ me, villageId }) {
  const t = useT();
  useEffect(() => startPublicQueue(), []);
  const { data, error, loading, reload } = useLoad(() => loadPublicPage(villageId), [villageId]);
  useEffect(() => {
    if (data?.page) document.title = `${data.page.villageName} · ${t('publicPage.title')}`;
  });
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const { page, stale } = data;
  const ownMember = me?.role === 'MEMBER' && String(me.orgUnit?.id) === String(page.villageId);
  return (
    <div class="pub">
      {stale && navigator.onLine !== false && (
        <p class="pub-stale" role="status">
          {t('publicPage.offlineCopy')}
        </p>
      )}
      <section class="card" aria-labelledby="pub-village">
        {me?.role !== 'MEMBER' && <p class="pub-kicker">{t('publicPage.title')}</p>}
        <h2 id="pub-village" class="pub-village" data-testid="village-name">
          {page.villageName}
        </h2>
        <p class="pub-text">{page.townshipName}</p>
      </section>
      <section class="card" aria-labelledby="pub-sec">
        <h2 id="pub-sec">{t('publicPage.secretary')}</h2>
        <Secretary s={page.secretary} />
      </section>
      <section class="card pub-report" aria-labelledby="pub-report">
        <h2 id="pub-report">{t('publicReport.title')}</h2>
        <p class="pub-text">{t('publicPage.reportHint')}</p>
        <a class="btn block pub-big" href={`/v/${encodeURIComponent(page.villageId)}/report`} data-testid="public-report-link">
          {t('publicPage.reportButton')}
        </a>
        {ownMember && (
          <a class="btn secondary block" href="/report">
            {t('publicPage.memberReport')}
          </a>
        )}
      </section>
      <SavedHere villageId={page.villageId} />
      {page.pledge && (
        <section class="card" aria-labelledby="pub-pledge">
          <h2 id="pub-pledge">{t('publicPage.pledge')}</h2>
          <p class="pub-text pre">{page.pledge}</p>
        </section>
      )}
      <section class="card" aria-labelledby="pub-ledger">
        <h2 id="pub-ledger">{t('publicPage.ledger')}</h2>
        <Ledger p={page.problems} />
      </section>
      <section class="card" aria-labelledby="pub-complaint">
        <h2 id="pub-complaint">{t('publicPage.complaintTitle')}</h2>
        <p class="pub-text">{t('publicPage.complaintHint')}</p>
        <a class="btn secondary block pub-big" href={`/v/${encodeURIComponent(page.villageId)}/complaint`} data-testid="public-complaint-link">
          {t('publicPage.complaintButton')}
        </a>
        <a class="btn secondary block" href="/complaints/track" data-testid="public-track-link">
          {t('publicPage.trackButton')}
        </a>
      </section>
      {!me && (
        <p class="pub-login">
          <a href="/">{t('publicPage.login')}</a>
        </p>
      )}
    </div>
  );
}
