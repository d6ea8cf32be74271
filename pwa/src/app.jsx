// App shell: header (title, language switch, logout), offline banner, routes by role.
import { Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { session, logout, restore } from './auth.js';
import { useStore } from './store.js';
import { useT, toggleLang, t } from './i18n.js';
import { useRoute, navigate, resolveRoute } from './router.js';
import { ROUTES } from './routes.jsx';
import { Loading, ErrorBox } from './ui.jsx';
import Login from './screens/Login.jsx';
import { OfflineSupportNote } from './offlineSupport.jsx';
import { watchIdle, stopIdle } from './idle.js';

// The outbox sends by itself whenever a first secretary is logged in (also offline starts). It is
// loaded then (not with the login page), with every kind of queued operation registered first.
let outboxLoading = null;
let outboxEngine = null;
function withOutbox(fn) {
  outboxLoading ??= Promise.all([import('./outbox/engine.js'), import('./outbox/ops.js')]).then(([engine]) => (outboxEngine = engine));
  return outboxLoading.then(fn);
}
session.subscribe((s) => {
  if (s.status === 'in' && s.me?.role === 'VILLAGE') withOutbox((engine) => engine.startOutbox(s.me.id));
  else if (s.status !== 'loading' && outboxLoading) withOutbox((engine) => engine.stopOutbox());
});
// County and township accounts are logged out after the server's idle time without input.
session.subscribe((s) => {
  if (s.status === 'in') watchIdle(s.me, () => logout().then(() => navigate('/', { replace: true })));
  else stopIdle();
});

function confirmLogout() {
  const n = outboxEngine ? outboxEngine.unsent() : 0;
  return !n || confirm(t('village.logoutUnsent', { n }));
}

function useOnline() {
  const [on, setOn] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOn(true),
      down = () => setOn(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, []);
  return on;
}

function Header({ me }) {
  const t = useT();
  return (
    <header class="top">
      <div class="top-title">
        <span class="brand">{t('common.appName')}</span>
        {/* always two lines (the tagline until someone is logged in): nothing below moves when the session arrives */}
        <span class="who">{me ? `${me.name} · ${t(`role.${me.role}`)}` : t('common.tagline')}</span>
      </div>
      <div class="top-actions">
        <button
          type="button"
          class="btn ghost"
          lang={t('common.switchLang') === 'English' ? 'en' : 'zh-CN'}
          aria-label={t('common.switchLangLabel')}
          data-testid="lang-switch"
          onClick={toggleLang}
        >
          {t('common.switchLang')}
        </button>
        {me && (
          <button
            type="button"
            class="btn ghost"
            data-testid="logout"
            onClick={() => confirmLogout() && logout().then(() => navigate('/', { replace: true }))}
          >
            {t('common.logout')}
          </button>
        )}
      </div>
    </header>
  );
}

/** The screen of the route table (routes.jsx) for this path and user, or 页面不存在. */
function Screen({ hit }) {
  const t = useT();
  if (!hit)
    return (
      <section class="card">
        <h2>{t('common.notFound')}</h2>
        <a class="btn block" href="/">
          {t('common.home')}
        </a>
      </section>
    );
  const { component: C, props, key } = hit;
  return <C key={key} {...props} />;
}

function roleTitle(t, me) {
  if (me.role === 'VILLAGE') return t('village.title');
  if (me.role === 'MEMBER') return t('member.title');
  return me.orgUnit?.name || t('common.appName');
}

export function App() {
  const s = useStore(session);
  const path = useRoute();
  const online = useOnline();
  const t = useT();
  useEffect(() => {
    document.title = s.me ? `${roleTitle(t, s.me)} · ${t('common.appName')}` : `${t('common.appName')} · ${t('common.tagline')}`;
  });

  // A public page (the village's page, a vote) looks the same logged in or not: no page title
  // above it, so nothing moves when the session is restored after the first paint.
  const signedIn = s.status === 'in' && resolveRoute(ROUTES, path, s.me);
  const pub = signedIn?.public ? signedIn : s.status !== 'in' && resolveRoute(ROUTES, path, null);
  let body;
  if (pub)
    body = (
      <main id="main" class="page">
        <Suspense fallback={<Loading />}>
          <Screen hit={pub} />
        </Suspense>
      </main>
    );
  else if (s.status === 'loading')
    body = (
      <main id="main">
        <Loading />
      </main>
    );
  else if (s.status === 'error')
    body = (
      <main id="main">
        <ErrorBox
          error={s.error}
          onRetry={() => {
            session.set({ status: 'loading', me: null });
            restore();
          }}
        />
      </main>
    );
  else if (s.status !== 'in') body = <Login />;
  else
    body = (
      <main id="main" class="page" data-role={s.me.role}>
        <h1 class="page-title" data-testid="page-title">
          {roleTitle(t, s.me)}
        </h1>
        <Suspense fallback={<Loading />}>
          <Screen hit={signedIn} />
        </Suspense>
      </main>
    );
  return (
    <>
      <Header me={s.status === 'in' ? s.me : null} />
      {!online && (
        <div class="offline" role="status" data-testid="offline-banner">
          {t('common.offline')}
        </div>
      )}
      {s.status === 'in' && (s.me.role === 'VILLAGE' || s.me.role === 'MEMBER') && <OfflineSupportNote />}
      {body}
    </>
  );
}
