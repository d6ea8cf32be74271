import { useEffect, useState } from 'preact/hooks';
import { login, identityProvider } from '../auth.js';
import { useT, errorText } from '../i18n.js';

/** The platform's start URL, coming back to where the user was (a path of this app only). */
function platformHref(startUrl) {
  const here = location.pathname + location.search;
  return here === '/' || here.startsWith('/login') ? startUrl : `${startUrl}?next=${encodeURIComponent(here)}`;
}

export default function Login() {
  const t = useT();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState({});
  const [platform, setPlatform] = useState(null);
  useEffect(() => {
    identityProvider().then((p) => setPlatform(p?.enabled ? p : null));
  }, []);

  async function submit(e) {
    e.preventDefault();
    const fe = {};
    if (!/^1\d{10}$/.test(phone)) fe.phone = t('login.phoneInvalid');
    if (!password) fe.password = t('login.passwordRequired');
    setFieldErr(fe);
    setErr(null);
    if (Object.keys(fe).length) return;
    setBusy(true);
    try {
      const e2 = await login(phone, password);
      if (e2) setErr(e2);
    } catch (ex) {
      setErr(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <div class="login-brand">
        <img src="/icons/icon-192.png" width="72" height="72" alt="" fetchpriority="high" />
        <h1>{t('common.appName')}</h1>
        <p class="muted">{t('common.tagline')}</p>
      </div>
      <form class="card form" onSubmit={submit} noValidate>
        <h2 class="sr-only">{t('login.submit')}</h2>
        <div class="input">
          <label for="phone">{t('login.phone')}</label>
          <input
            id="phone"
            name="phone"
            type="tel"
            inputMode="numeric"
            autoComplete="username tel"
            maxLength={11}
            pattern="1[0-9]{10}"
            required
            placeholder={t('login.phoneHint')}
            value={phone}
            aria-invalid={fieldErr.phone ? 'true' : undefined}
            aria-describedby={fieldErr.phone ? 'phone-err' : undefined}
            onInput={(e) => setPhone(e.currentTarget.value.replace(/\D/g, '').slice(0, 11))}
          />
          {fieldErr.phone && (
            <p id="phone-err" class="field-err">
              {fieldErr.phone}
            </p>
          )}
        </div>
        <div class="input">
          <label for="password">{t('login.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={fieldErr.password ? 'true' : undefined}
            aria-describedby={fieldErr.password ? 'password-err' : undefined}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          {fieldErr.password && (
            <p id="password-err" class="field-err">
              {fieldErr.password}
            </p>
          )}
        </div>
        {err && (
          <p class="form-err" role="alert" data-code={err.code}>
            {errorText(err.code, err.message)}
          </p>
        )}
        <button type="submit" class="btn block" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      {platform && (
        // below the form, so nothing moves when it appears; a plain link (a full-page redirect), as
        // an H5 container's WebView needs
        <div class="card login-platform">
          <p class="muted">{t('login.or')}</p>
          <a class="btn secondary block" href={platformHref(platform.startUrl)} data-testid="oidc-login">
            {t('login.oidc', { name: platform.displayName })}
          </a>
        </div>
      )}
    </main>
  );
}
