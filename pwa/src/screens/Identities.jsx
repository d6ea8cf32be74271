// County: 统一身份认证 — staff password login on/off, the platform accounts bound to the county's
// accounts (list, bind by the platform's account identifier, unbind after a confirmation).
import { useState } from 'preact/hooks';
import { gql } from '../api.js';
import { useT, errorText } from '../i18n.js';
import '../i18n/identity.js';
import { BackLink, Loading, ErrorBox, PagedList, useLoad, usePaged } from '../ui.jsx';
import { Input, useMutationForm, FormStatus } from '../forms.jsx';

const SETTINGS_Q = `{ identitySettings { providerEnabled staffPasswordLogin } }`;
const SET_M = `mutation($e: Boolean!) { setStaffPasswordLogin(enabled: $e) {
  settings { providerEnabled staffPasswordLogin } errors { code message field } } }`;
const LIST_Q = `query($after: String) { externalIdentities(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id subject method createdAt user { id name phone } } } } }`;
const USERS_Q = `query($s: String) { users(search: $s, first: 10) { edges { node { id name phone role } } } }`;
const BIND_M = `mutation($u: ID!, $s: String!) { bindExternalIdentity(userId: $u, subject: $s) {
  identity { id } errors { code message field } } }`;
const UNBIND_M = `mutation($id: ID!) { unbindExternalIdentity(id: $id) { ok errors { code message } } }`;

function PasswordLogin({ settings, onChange }) {
  const t = useT();
  const [state, setState] = useState({ busy: false, error: null });
  const on = settings.staffPasswordLogin;
  async function toggle() {
    if (on && !confirm(t('identity.confirmOff'))) return;
    setState({ busy: true, error: null });
    try {
      const p = (await gql(SET_M, { e: !on })).setStaffPasswordLogin;
      if (p.errors.length) setState({ busy: false, error: p.errors[0] });
      else {
        setState({ busy: false, error: null });
        onChange(p.settings);
      }
    } catch (e) {
      setState({ busy: false, error: e });
    }
  }
  return (
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h">{t('identity.passwordTitle')}</h2>
      <p data-testid="password-login-state">{on ? t('identity.passwordOn') : t('identity.passwordOff')}</p>
      {state.error && (
        <p class="form-err" role="alert" data-code={state.error.code}>
          {errorText(state.error.code, state.error.message)}
        </p>
      )}
      {(settings.providerEnabled || !on) && (
        <button type="button" class="btn secondary block" disabled={state.busy} onClick={toggle} data-testid="password-login-toggle">
          {on ? t('identity.turnOff') : t('identity.turnOn')}
        </button>
      )}
    </section>
  );
}

function BindForm({ onBound }) {
  const t = useT();
  const f = useMutationForm({ search: '', userId: '', subject: '' });
  const [found, setFound] = useState([]);
  async function search(value) {
    f.set('search')(value);
    f.set('userId')('');
    const s = value.trim();
    if (s.length < 2) return setFound([]);
    try {
      setFound((await gql(USERS_Q, { s })).users.edges.map((e) => e.node));
    } catch {
      setFound([]);
    }
  }
  const v = f.values;
  return (
    <form
      class="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await f.run(BIND_M, { u: v.userId, s: v.subject.trim() }, (d) => d.bindExternalIdentity)) {
          setFound([]);
          onBound();
        }
      }}
    >
      <Input label={t('identity.user')} name="user-search" value={v.search} onInput={search} placeholder={t('identity.searchHint')} />
      {found.length > 0 && (
        <fieldset class="choices">
          <legend class="sr-only">{t('identity.user')}</legend>
          {found.map((u) => (
            <div class="check" key={u.id}>
              <input
                id={`u-${u.id}`}
                type="radio"
                name="user"
                value={u.id}
                checked={v.userId === u.id}
                onChange={() => f.set('userId')(u.id)}
              />
              <label for={`u-${u.id}`}>
                {u.name} · {u.phone}
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <Input
        label={t('identity.subject')}
        name="subject"
        value={v.subject}
        onInput={f.set('subject')}
        error={f.state.fieldErrors.subject}
        placeholder={t('identity.subjectHint')}
        autoComplete="off"
      />
      <FormStatus state={f.state} />
      <button type="submit" class="btn block" disabled={f.state.busy || !v.userId || !v.subject.trim()}>
        {t('identity.bind')}
      </button>
    </form>
  );
}

function Mapping({ node, onUnbound }) {
  const t = useT();
  const [error, setError] = useState(null);
  async function unbind() {
    if (!confirm(t('identity.confirmUnbind', { name: node.user.name }))) return;
    try {
      const p = (await gql(UNBIND_M, { id: node.id })).unbindExternalIdentity;
      if (p.errors.length) setError(p.errors[0]);
      else onUnbound();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <li class="item" data-testid="identity-row">
      <div class="item-main">
        <span class="item-title">
          {node.user.name} <span class="muted">{node.user.phone}</span>
        </span>
        <button type="button" class="btn secondary" onClick={unbind}>
          {t('identity.unbind')}
        </button>
      </div>
      <div>
        <p class="muted small">
          {t('identity.subject')}：<code>{node.subject}</code> · {node.method === 'PHONE' ? t('identity.byPhone') : t('identity.byCounty')}{' '}
          · {t('identity.boundAt', { when: new Date(node.createdAt).toLocaleDateString('zh-CN') })}
        </p>
        {error && (
          <p class="form-err" role="alert">
            {errorText(error.code, error.message)}
          </p>
        )}
      </div>
    </li>
  );
}

export default function Identities() {
  const t = useT();
  const settings = useLoad(() => gql(SETTINGS_Q).then((d) => d.identitySettings), []);
  const [current, setCurrent] = useState(null);
  const [version, setVersion] = useState(0);
  const page = usePaged((after) => gql(LIST_Q, { after }).then((d) => d.externalIdentities), [version]);
  const reload = () => setVersion((n) => n + 1);
  if (settings.loading && !settings.data) return <Loading />;
  if (settings.error) return <ErrorBox error={settings.error} onRetry={settings.reload} />;
  const s = current || settings.data;
  return (
    <>
      <section class="card">
        <BackLink href="/admin" />
        <h2>{t('identity.title')}</h2>
        <p class="muted">{s.providerEnabled ? t('identity.intro') : t('identity.notConfigured')}</p>
      </section>
      <PasswordLogin settings={s} onChange={setCurrent} />
      {s.providerEnabled && (
        <section class="card" aria-labelledby="bind-h">
          <h2 id="bind-h">{t('identity.bindTitle')}</h2>
          <BindForm onBound={reload} />
        </section>
      )}
      <section class="card" aria-labelledby="list-h">
        <h2 id="list-h">{t('identity.listTitle')}</h2>
        <PagedList page={page} label={t('identity.listTitle')} render={(n) => <Mapping key={n.id} node={n} onUnbound={reload} />} />
      </section>
    </>
  );
}
