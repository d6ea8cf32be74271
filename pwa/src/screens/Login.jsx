import { useEffect, useState } from 'preact/hooks';
import { lazy, Suspense } from 'preact/compat';
import { login, verifySecondFactor, identityProvider } from '../auth.js';
import { sessionEndReason } from '../transport.js';
import { useStore } from '../store.js';
import { useT, errorText } from '../i18n.js';
import { Loading } from '../ui.jsx';
import { preloadVillageHome } from './preload.js';

/** The platform's start URL, coming back to where the user was (a path of this app only). */
function platformHref(startUrl) {
  const here = location.pathname + location.search;
  return here === '/' || here.startsWith('/login') ? startUrl : `${startUrl}?next=${encodeURIComponent(here)}`;
}

// The enrolment a county may require before the first session: its own chunk (rarely needed).
const ForcedEnrolment = lazy(() => import('./security/ForcedEnrolment.jsx'));

function FormError({ err }) {
  if (!err) return null;
  return (
    <p class="form-err" role="alert" data-code={err.code}>
      {errorText(err.code, err.message)}
    </p>
  );
}

function PasswordStep({ onStep }) {
  const t = useT();
  const idle = useStore(sessionEndReason) === 'idle';
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState({});

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
      const r = await login(phone, password);
      if (r?.step) onStep(r);
      else if (r) setErr(r);
    } catch (ex) {
      setErr(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <h2 class="sr-only">{t('login.submit')}</h2>
      {idle && (
        <p class="form-ok login-notice" role="status" data-testid="idle-notice">
          {t('login.idleNotice')}
        </p>
      )}
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
      <FormError err={err} />
      <button type="submit" class="btn block" disabled={busy}>
        {busy ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}

/** After the password: the 6-digit code of the authenticator, or one of the recovery codes. */
function CodeStep({ challenge, onBack }) {
  const t = useT();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState(null);

  function toggle() {
    setRecovery(!recovery);
    setCode('');
    setErr(null);
    setFieldErr(null);
  }

  async function submit(e) {
    e.preventDefault();
    const fe = recovery ? (code.trim() ? null : t('login.recoveryRequired')) : /^\d{6}$/.test(code) ? null : t('login.codeInvalid');
    setFieldErr(fe);
    setErr(null);
    if (fe) return;
    setBusy(true);
    try {
      const r = await verifySecondFactor(challenge, code);
      if (r) setErr(r);
    } catch (ex) {
      setErr(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate data-testid="second-factor-step">
      <h2>{recovery ? t('login.recoveryTitle') : t('login.codeTitle')}</h2>
      <p class="muted">{recovery ? t('login.recoveryHint') : t('login.codeHint')}</p>
      <div class="input">
        <label for="otp">{recovery ? t('login.recovery') : t('login.code')}</label>
        <input
          key={recovery ? 'recovery' : 'otp'}
          id="otp"
          name="otp"
          type="text"
          inputMode={recovery ? 'text' : 'numeric'}
          autoComplete={recovery ? 'off' : 'one-time-code'}
          autoCapitalize={recovery ? 'characters' : undefined}
          maxLength={recovery ? 16 : 6}
          pattern={recovery ? undefined : '[0-9]{6}'}
          required
          autoFocus
          value={code}
          aria-invalid={fieldErr ? 'true' : undefined}
          aria-describedby={fieldErr ? 'otp-err' : undefined}
          onInput={(e) => setCode(recovery ? e.currentTarget.value : e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
        />
        {fieldErr && (
          <p id="otp-err" class="field-err">
            {fieldErr}
          </p>
        )}
      </div>
      <FormError err={err} />
      <button type="submit" class="btn block" disabled={busy} data-testid="second-factor-submit">
        {busy ? t('login.verifying') : t('login.verify')}
      </button>
      <button type="button" class="btn secondary block" onClick={toggle} data-testid="second-factor-toggle">
        {recovery ? t('login.useCode') : t('login.useRecovery')}
      </button>
      <button type="button" class="btn secondary block" onClick={onBack}>
        {t('login.back')}
      </button>
    </form>
  );
}

export default function Login() {
  const t = useT();
  const [step, setStep] = useState(null); // { step: 'verify' | 'enrol', challenge } after the password
  const back = () => setStep(null);
  const [platform, setPlatform] = useState(null);
  useEffect(() => {
    identityProvider().then((p) => setPlatform(p?.enabled ? p : null));
    preloadVillageHome();
  }, []);
  let body;
  if (step?.step === 'verify') body = <CodeStep challenge={step.challenge} onBack={back} />;
  else if (step?.step === 'enrol')
    body = (
      <Suspense fallback={<Loading />}>
        <ForcedEnrolment challenge={step.challenge} onBack={back} />
      </Suspense>
    );
  else body = <PasswordStep onStep={setStep} />;
  return (
    <main id="main" class="login">
      <div class="login-brand">
        <img src="/icons/icon-192.png" width="72" height="72" alt="" fetchpriority="high" />
        <h1>{t('common.appName')}</h1>
        <p class="muted">{t('common.tagline')}</p>
      </div>
      {body}
      {platform && !step && (
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
