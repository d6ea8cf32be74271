// Small form helpers for the admin screens (lazy-loaded with them).
import { useState } from 'preact/hooks';
import { gql } from './api.js';
import { useT, errorText } from './i18n.js';

export function Input({ label, name, type = 'text', required, value, onInput, error, idSuffix = '', ...rest }) {
  const id = `f-${name}-${idSuffix}`;
  return (
    <div class="input">
      <label for={id}>
        {label}
        {required && (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        required={required}
        value={value ?? ''}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
        {...rest}
      />
      {error && <p class="field-err">{error}</p>}
    </div>
  );
}

export function Check({ label, name, value, onInput, idSuffix = '' }) {
  const id = `f-${name}-${idSuffix}`;
  return (
    <div class="check">
      <input id={id} name={name} type="checkbox" checked={!!value} onChange={(e) => onInput(e.currentTarget.checked)} />
      <label for={id}>{label}</label>
    </div>
  );
}

export function Select({ label, name, value, onInput, options, required, idSuffix = '', error }) {
  const t = useT();
  const id = `f-${name}-${idSuffix}`;
  return (
    <div class="input">
      <label for={id}>
        {label}
        {required && (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      <select id={id} name={name} value={value ?? ''} required={required} onChange={(e) => onInput(e.currentTarget.value)}>
        <option value="">{t('common.choose')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      {error && <p class="field-err">{error}</p>}
    </div>
  );
}

/** Submit a mutation whose payload has `errors: [UserError]`. */
export function useMutationForm(initial) {
  const [values, setValues] = useState(initial);
  const [state, setState] = useState({ busy: false, error: null, fieldErrors: {}, done: null });
  const set = (k) => (v) => setValues((s) => ({ ...s, [k]: v }));
  async function run(query, variables, pick) {
    setState({ busy: true, error: null, fieldErrors: {}, done: null });
    try {
      const data = await gql(query, variables);
      const payload = pick(data);
      if (payload.errors?.length) {
        const fieldErrors = {};
        for (const e of payload.errors)
          if (e.field)
            fieldErrors[e.field] = errorText(e.code, e.message) + (e.message && e.code === 'INVALID_INPUT' ? `：${e.message}` : '');
        setState({ busy: false, error: payload.errors[0], fieldErrors, done: null });
        return null;
      }
      setState({ busy: false, error: null, fieldErrors: {}, done: payload });
      setValues(initial);
      return payload;
    } catch (e) {
      setState({ busy: false, error: e, fieldErrors: {}, done: null });
      return null;
    }
  }
  return { values, set, state, run };
}

export function FormStatus({ state, doneText }) {
  const t = useT();
  if (state.error)
    return (
      <p class="form-err" role="alert" data-code={state.error.code}>
        {errorText(state.error.code, state.error.message)}
      </p>
    );
  if (state.done)
    return (
      <p class="form-ok" role="status">
        {t('common.saved')}
        {doneText ? `：${doneText}` : ''}
      </p>
    );
  return null;
}

export function SubmitButton({ busy }) {
  const t = useT();
  return (
    <button type="submit" class="btn block" disabled={busy}>
      {busy ? t('common.saving') : t('common.submit')}
    </button>
  );
}

/** Load every page of a connection (small lists for pickers). */
export async function loadAll(query, variables, pick) {
  const out = [];
  let after = null;
  for (let i = 0; i < 20; i++) {
    const conn = pick(await gql(query, { ...variables, after }));
    out.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return out;
}

export const TOWNSHIPS_Q = `query($after: String) { townships(first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
export const VILLAGES_Q = `query($tw: ID, $after: String) { villages(townshipId: $tw, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
