// MEMBER role: the village public page with the first secretary's service card.
import { useEffect } from 'preact/hooks';
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import { useLoad, Loading, ErrorBox, Fields, enumLabel, termText } from '../ui.jsx';
import { BigTextToggle } from '../bigText.jsx';

const Q = `{ villagePublicPage { townshipName village { id name }
  secretary { id name phone dispatchUnit mode termStart termEnd } } }`;

const PhoneIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z" />
  </svg>
);

export default function MemberHome({ me }) {
  const t = useT();
  // reports queued offline are sent from here on (the queue module is a lazy chunk)
  useEffect(() => {
    if (me?.id)
      import('./member/queue.js').then(
        (m) => m.start(me),
        () => {},
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- start once per user
  }, [me?.id]);
  const { data, error, loading, reload } = useLoad(() => gql(Q), []);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const p = data.villagePublicPage;
  const s = p.secretary;
  return (
    <>
      <BigTextToggle />
      <section class="card" aria-labelledby="pub-title">
        <h2 id="pub-title">
          <span data-testid="village-name">{p.village.name}</span>
        </h2>
        <p class="muted">
          {t('secretary.township')}：{p.townshipName}
        </p>
      </section>
      <section class="card service-card" aria-labelledby="sec-title">
        <h2 id="sec-title">{t('secretary.title')}</h2>
        {s ? (
          <>
            <p class="big-name" data-testid="secretary-name">
              {s.name}
            </p>
            <Fields
              rows={[
                [t('secretary.dispatchUnit'), s.dispatchUnit],
                [t('secretary.mode'), enumLabel(t, s.mode)],
                [t('secretary.term'), termText(s)],
                [t('member.phone'), s.phone],
              ]}
            />
            <a class="btn block call" href={`tel:${s.phone}`}>
              <PhoneIcon />
              {t('member.call')} {s.phone}
            </a>
          </>
        ) : (
          <p class="muted">{t('secretary.none')}</p>
        )}
      </section>
      <a class="btn block" href="/polls" data-testid="nav-polls">
        {t('nav.myPolls')}
      </a>
      <section class="card" aria-labelledby="report-title">
        <h2 id="report-title">{t('nav.report')}</h2>
        <p class="muted">{t('member.hint')}</p>
        <a class="btn block" href="/report" data-testid="nav-report">
          {t('nav.report')}
        </a>
        <a class="btn secondary block" href="/my-problems" data-testid="nav-my-problems">
          {t('nav.myProblems')}
        </a>
      </section>
      <a class="btn secondary block" href="/complaints/new" data-testid="nav-complaints">
        {t('nav.complaints')}
      </a>
      <a class="btn secondary block" href="/me/data" data-testid="nav-my-data">
        {t('nav.myData')}
      </a>
    </>
  );
}
