// 账号安全 (county and township): the authenticator — enrol with the QR code, recovery codes shown
// once, new codes, turning it off —, the county's requirement and its reset of a colleague's lost
// authenticator, and changing one's password with the rules shown before typing.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { AUTH_FIELDS } from '../../auth.js';
import { saveTokens } from '../../tokens.js';
import { useT } from '../../i18n.js';
import '../../i18n/security.js';
import { useLoad, Loading, ErrorBox, Fields } from '../../ui.jsx';
import { Back, ErrLine } from '../review/kit.jsx';
import { Enrol, RecoveryCodes, CodeInput, ok } from './Enrol.jsx';
import './security.css';

const STATUS = `{ mySecondFactor { enabled confirmedAt recoveryCodesLeft required totpRequiredForCounty
  followsDeploymentDefault passwordRules } }`;
const REGENERATE = `mutation Regenerate($k: String!) { regenerateRecoveryCodes(code: $k) {
  recoveryCodes errors { code message field } } }`;
const DISABLE = `mutation DisableTotp($k: String, $w: String) { disableTotp(code: $k, password: $w) {
  ok errors { code message field } } }`;
const SET_REQUIRED = `mutation SetRequired($r: Boolean!) { setTotpRequiredForCounty(required: $r) {
  ok errors { code message field } } }`;
const STAFF_USERS = `{ users(first: 100) { edges { node { id name role orgUnit { name } } } } }`;
const RESET = `mutation ResetTotp($u: ID!, $r: String!) { resetSecondFactor(userId: $u, reason: $r) {
  ok errors { code message field } } }`;
const CHANGE = `mutation ChangePassword($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) {
  ${AUTH_FIELDS} errors { code message field } } }`;

const day = (iso) => (iso || '').slice(0, 10);

/** Run a mutation from a form: busy flag, the error to show, the payload on success. */
function useRun() {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  async function run(doc, vars, field) {
    setBusy(true);
    setErr(null);
    try {
      return ok((await gql(doc, vars))[field]);
    } catch (ex) {
      setErr(ex);
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, err, run };
}

function Regenerate({ onCodes }) {
  const t = useT();
  const { busy, err, run } = useRun();
  const [code, setCode] = useState('');
  async function submit(e) {
    e.preventDefault();
    const p = await run(REGENERATE, { k: code }, 'regenerateRecoveryCodes');
    if (p) onCodes(p.recoveryCodes);
  }
  return (
    <form class="form" onSubmit={submit} noValidate data-testid="regenerate-form">
      <h3>{t('security.regenerate')}</h3>
      <p class="muted">{t('security.regenerateHint')}</p>
      <CodeInput id="regen-code" label={t('security.code')} value={code} onInput={setCode} />
      <ErrLine error={err} />
      <button type="submit" class="btn secondary block" disabled={busy || code.length !== 6}>
        {t('security.regenerateSubmit')}
      </button>
    </form>
  );
}

function Disable({ required, onDone }) {
  const t = useT();
  const { busy, err, run } = useRun();
  const [byPassword, setByPassword] = useState(false);
  const [value, setValue] = useState('');
  async function submit(e) {
    e.preventDefault();
    const p = await run(DISABLE, byPassword ? { w: value } : { k: value }, 'disableTotp');
    if (p) onDone();
  }
  return (
    <form class="form" onSubmit={submit} noValidate data-testid="disable-form">
      <h3>{t('security.disable')}</h3>
      <p class="muted">{t('security.disableHint')}</p>
      {required && <p class="muted">{t('security.disableRequired')}</p>}
      {byPassword ? (
        <div class="input">
          <label for="disable-password">{t('security.password')}</label>
          <input
            id="disable-password"
            type="password"
            autoComplete="current-password"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </div>
      ) : (
        <CodeInput id="disable-code" label={t('security.code')} value={value} onInput={setValue} />
      )}
      <ErrLine error={err} />
      <button type="submit" class="btn secondary block" disabled={busy || !value}>
        {t('security.disableSubmit')}
      </button>
      <button
        type="button"
        class="btn secondary block"
        onClick={() => {
          setByPassword(!byPassword);
          setValue('');
        }}
      >
        {byPassword ? t('security.useCode') : t('security.usePassword')}
      </button>
    </form>
  );
}

function Authenticator({ status, reload }) {
  const t = useT();
  const [enrolling, setEnrolling] = useState(false);
  const [codes, setCodes] = useState(null);
  const [notice, setNotice] = useState('');
  const finish = () => {
    setCodes(null);
    setEnrolling(false);
    reload();
  };
  let body;
  if (codes) body = <RecoveryCodes codes={codes} onDone={finish} />;
  else if (enrolling) body = <Enrol onDone={(p) => setCodes(p.recoveryCodes)} onCancel={() => setEnrolling(false)} />;
  else if (!status.enabled)
    body = (
      <button type="button" class="btn block" onClick={() => setEnrolling(true)} data-testid="totp-start">
        {t('security.enrol')}
      </button>
    );
  else
    body = (
      <>
        <Regenerate onCodes={setCodes} />
        <Disable
          required={status.required}
          onDone={() => {
            setNotice(t('security.disabledDone'));
            reload();
          }}
        />
      </>
    );
  return (
    <section class="card" aria-labelledby="sec-totp">
      <h2 id="sec-totp">{t('security.totp')}</h2>
      <p class="sec-status" data-testid="totp-status">
        {status.enabled ? t('security.enabled') : t('security.disabled')}
      </p>
      {status.enabled && (
        <Fields
          rows={[
            [t('security.since'), day(status.confirmedAt)],
            [t('security.codesLeft'), t('security.codesLeftN', { n: status.recoveryCodesLeft })],
          ]}
        />
      )}
      {status.required && <p class="muted">{t('security.requiredForMe')}</p>}
      {notice && !status.enabled && (
        <p class="form-ok" role="status">
          {notice}
        </p>
      )}
      {body}
    </section>
  );
}

function Policy({ status, reload }) {
  const t = useT();
  const { busy, err, run } = useRun();
  const on = status.totpRequiredForCounty;
  async function flip() {
    if (await run(SET_REQUIRED, { r: !on }, 'setTotpRequiredForCounty')) reload();
  }
  return (
    <section class="card" aria-labelledby="sec-policy">
      <h2 id="sec-policy">{t('security.policy')}</h2>
      <p data-testid="totp-policy">
        {on ? t('security.policyOn') : t('security.policyOff')}
        {status.followsDeploymentDefault && t('security.policyDefault')}
      </p>
      <ErrLine error={err} />
      <button type="button" class="btn secondary block" disabled={busy} onClick={flip}>
        {on ? t('security.policySetOff') : t('security.policySetOn')}
      </button>
    </section>
  );
}

function Reset({ me }) {
  const t = useT();
  const users = useLoad(
    () =>
      gql(STAFF_USERS).then((d) =>
        d.users.edges.map((e) => e.node).filter((u) => u.id !== me.id && (u.role === 'COUNTY' || u.role === 'TOWNSHIP')),
      ),
    [me.id],
  );
  const { busy, err, run } = useRun();
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErr, setFieldErr] = useState({});
  const [done, setDone] = useState('');
  async function submit(e) {
    e.preventDefault();
    const fe = {};
    if (!userId) fe.user = t('security.resetChoose');
    if (!reason.trim()) fe.reason = t('security.resetReasonRequired');
    setFieldErr(fe);
    setDone('');
    if (Object.keys(fe).length) return;
    if (await run(RESET, { u: userId, r: reason }, 'resetSecondFactor')) {
      setDone(t('security.resetDone', { name: users.data.find((u) => u.id === userId)?.name || '' }));
      setReason('');
    }
  }
  return (
    <form class="card form" aria-labelledby="sec-reset" onSubmit={submit} noValidate>
      <h2 id="sec-reset">{t('security.reset')}</h2>
      <p class="muted">{t('security.resetHint')}</p>
      <div class="input">
        <label for="reset-user">{t('security.resetUser')}</label>
        <select
          id="reset-user"
          value={userId}
          onChange={(e) => setUserId(e.currentTarget.value)}
          aria-invalid={fieldErr.user ? 'true' : undefined}
        >
          <option value="">{t('security.resetChoose')}</option>
          {(users.data || []).map((u) => (
            <option key={u.id} value={u.id}>
              {`${u.name}（${u.orgUnit?.name || t(`role.${u.role}`)}）`}
            </option>
          ))}
        </select>
        {fieldErr.user && <p class="field-err">{fieldErr.user}</p>}
      </div>
      <div class="input">
        <label for="reset-reason">{t('security.resetReason')}</label>
        <input
          id="reset-reason"
          maxLength={200}
          placeholder={t('security.resetReasonHint')}
          value={reason}
          aria-invalid={fieldErr.reason ? 'true' : undefined}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {fieldErr.reason && <p class="field-err">{fieldErr.reason}</p>}
      </div>
      <ErrLine error={err} />
      {done && (
        <p class="form-ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" class="btn secondary block" disabled={busy}>
        {t('security.resetSubmit')}
      </button>
    </form>
  );
}

function ChangePassword({ rules }) {
  const t = useT();
  const { busy, err, run } = useRun();
  const [f, setF] = useState({ current: '', next: '', repeat: '' });
  const [fieldErr, setFieldErr] = useState({});
  const [done, setDone] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  async function submit(e) {
    e.preventDefault();
    const fe = {};
    for (const k of ['current', 'next', 'repeat']) if (!f[k]) fe[k] = t('security.required');
    if (!fe.repeat && f.next !== f.repeat) fe.repeat = t('security.mismatch');
    setFieldErr(fe);
    setDone(false);
    if (Object.keys(fe).length) return;
    const p = await run(CHANGE, { c: f.current, n: f.next }, 'changePassword');
    if (p) {
      await saveTokens(p); // this device's new session; the others were ended
      setF({ current: '', next: '', repeat: '' });
      setDone(true);
    }
  }
  const field = (k, id, label, autoComplete) => (
    <div class="input">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
        value={f[k]}
        aria-invalid={fieldErr[k] ? 'true' : undefined}
        onInput={set(k)}
      />
      {fieldErr[k] && <p class="field-err">{fieldErr[k]}</p>}
    </div>
  );
  return (
    <form class="card form" aria-labelledby="sec-password" onSubmit={submit} noValidate data-testid="password-form">
      <h2 id="sec-password">{t('security.changePassword')}</h2>
      <p>{t('security.rules')}</p>
      <ul class="sec-rules" data-testid="password-rules">
        {rules.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {field('current', 'pw-current', t('security.current'), 'current-password')}
      {field('next', 'pw-new', t('security.newPassword'), 'new-password')}
      {field('repeat', 'pw-repeat', t('security.repeat'), 'new-password')}
      <ErrLine error={err} />
      {done && (
        <p class="form-ok" role="status" data-testid="password-changed">
          {t('security.changed')}
        </p>
      )}
      <button type="submit" class="btn block" disabled={busy}>
        {busy ? t('security.changing') : t('security.changeSubmit')}
      </button>
    </form>
  );
}

export default function Security({ me }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(STATUS).then((d) => d.mySecondFactor), []);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <>
      <section class="card" aria-labelledby="sec-title">
        <Back fallback="/" />
        <h2 id="sec-title">{t('security.title')}</h2>
        <p class="muted">{t('security.intro')}</p>
      </section>
      <Authenticator status={data} reload={reload} />
      {me.role === 'COUNTY' && <Policy status={data} reload={reload} />}
      {me.role === 'COUNTY' && <Reset me={me} />}
      <ChangePassword rules={data.passwordRules} />
    </>
  );
}
