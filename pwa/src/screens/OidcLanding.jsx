// /login/oidc: where a login through the province's identity platform comes back. The server put a
// one-time ticket (or an error code) in the fragment; the ticket is exchanged once for the session
// and the fragment wiped from the address bar and history. Plain navigation only (no pop-ups), so
// it works the same inside a super-app's H5 container.
import { useEffect, useState } from 'preact/hooks';
import { completeExternalLogin } from '../auth.js';
import { navigate } from '../router.js';
import { useT, errorText } from '../i18n.js';
import '../i18n/identity.js';
import { Loading } from '../ui.jsx';

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(history.state, '', location.pathname);
  return { ticket: params.get('ticket'), next: params.get('next'), error: params.get('error') };
}

const localPath = (p) => (p && p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\') ? p : '/');

export default function OidcLanding() {
  const t = useT();
  const [error, setError] = useState(null);
  useEffect(() => {
    const { ticket, next, error: code } = readFragment();
    if (!ticket) {
      setError({ code: code || 'LOGIN_TICKET_INVALID' });
      return;
    }
    completeExternalLogin(ticket).then(
      (failure) => (failure ? setError(failure) : navigate(localPath(next), { replace: true })),
      (e) => setError(e),
    );
  }, []);
  if (!error)
    return (
      <section class="card" aria-busy="true">
        <p>{t('identity.completing')}</p>
        <Loading />
      </section>
    );
  return (
    <section class="card" data-testid="oidc-error">
      <h2>{t('identity.failed')}</h2>
      <p class="form-err" role="alert" data-code={error.code}>
        {errorText(error.code, error.message)}
      </p>
      <a class="btn block" href="/">
        {t('identity.backToLogin')}
      </a>
    </section>
  );
}
