// Enrolling an authenticator (the QR code and the key in groups, then the first code) and showing
// the recovery codes once — on the 账号安全 screen and in the login the county may require.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { AUTH_FIELDS } from '../../auth.js';
import { useT } from '../../i18n.js';
import '../../i18n/security.js';
import { useLoad, Loading } from '../../ui.jsx';
import { ErrLine, saveBlob } from '../review/kit.jsx';
import './security.css';

const BEGIN = `mutation BeginTotp($c: String) { beginTotpEnrolment(challenge: $c) {
  secret otpauthUri qrCode errors { code message field } } }`;
const CONFIRM = `mutation ConfirmTotp($k: String!, $c: String) { confirmTotpEnrolment(code: $k, challenge: $c) {
  recoveryCodes auth { ${AUTH_FIELDS} } errors { code message field } } }`;

/** A payload's first error thrown, else the payload. */
export function ok(payload) {
  if (payload.errors?.length) throw payload.errors[0];
  return payload;
}

/** The 6-digit code field: numeric keypad, the one-time-code autofill. */
export function CodeInput({ id, label, value, onInput, error }) {
  return (
    <div class="input">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        pattern="[0-9]{6}"
        required
        value={value}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => onInput(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
      />
      {error && <p class="field-err">{error}</p>}
    </div>
  );
}

/** Begin on mount; confirm with the first code → onDone({ recoveryCodes, auth }). */
export function Enrol({ challenge, onDone, onCancel }) {
  const t = useT();
  const begun = useLoad(() => gql(BEGIN, { c: challenge || null }).then((d) => ok(d.beginTotpEnrolment)), [challenge]);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState(null);
  if (begun.loading && !begun.data) return <Loading />;
  if (begun.error) return <ErrLine error={begun.error} />;
  const { secret, qrCode } = begun.data;

  async function confirm(e) {
    e.preventDefault();
    setErr(null);
    setFieldErr(/^\d{6}$/.test(code) ? null : t('security.codeInvalid'));
    if (!/^\d{6}$/.test(code)) return;
    setBusy(true);
    try {
      const p = ok((await gql(CONFIRM, { k: code, c: challenge || null })).confirmTotpEnrolment);
      onDone(p);
    } catch (ex) {
      setErr(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form enrol" onSubmit={confirm} noValidate data-testid="totp-enrol">
      <p>{t('security.enrolSteps')}</p>
      <ol class="steps">
        <li>{t('security.step1')}</li>
        <li>{t('security.step2')}</li>
      </ol>
      <img class="qr" src={qrCode} width="208" height="208" alt={t('security.qrAlt')} data-testid="totp-qr" />
      <p class="secret-label">{t('security.secret')}</p>
      <p class="secret" data-testid="totp-secret">
        <code translate="no" lang="zxx">
          {secret.match(/.{1,4}/g).join(' ')}
        </code>
      </p>
      <ol class="steps" start="3">
        <li>{t('security.step3')}</li>
      </ol>
      <CodeInput id="totp-code" label={t('security.code')} value={code} onInput={setCode} error={fieldErr} />
      <ErrLine error={err} />
      <button type="submit" class="btn block" disabled={busy} data-testid="totp-confirm">
        {busy ? t('security.confirming') : t('security.confirm')}
      </button>
      {onCancel && (
        <button type="button" class="btn secondary block" onClick={onCancel}>
          {t('security.cancel')}
        </button>
      )}
    </form>
  );
}

/** The recovery codes, shown once, with "我已保存" before going on. */
export function RecoveryCodes({ codes, onDone }) {
  const t = useT();
  const [saved, setSaved] = useState(false);
  const download = () =>
    saveBlob(new Blob([`${t('security.codesFile')}\n\n${codes.join('\n')}\n`], { type: 'text/plain' }), `${t('security.codesFile')}.txt`);
  return (
    <div class="codes" data-testid="recovery-codes">
      <h3>{t('security.codesTitle')}</h3>
      <p>{t('security.codesIntro')}</p>
      <ol class="code-list" translate="no" lang="zxx">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" class="btn secondary block" onClick={download}>
        {t('security.codesDownload')}
      </button>
      <div class="check">
        <input
          id="codes-saved"
          type="checkbox"
          checked={saved}
          onChange={(e) => setSaved(e.currentTarget.checked)}
          data-testid="codes-saved"
        />
        <label for="codes-saved">{t('security.codesSaved')}</label>
      </div>
      <button type="button" class="btn block" disabled={!saved} onClick={onDone} data-testid="codes-done">
        {t('security.codesDone')}
      </button>
    </div>
  );
}
