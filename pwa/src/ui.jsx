// Shared UI pieces: page header, list states, paged list hook, labels.
import { useEffect, useState, useCallback, useRef } from 'preact/hooks';
import { useT, errorText } from './i18n.js';

export function Loading() {
  const t = useT();
  return (
    <p class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

/** A home's placeholders while its one request runs: fixed heights, taller than a phone's screen,
 * so that nothing below them moves when the tasks arrive (no layout shift). */
/** A home's "more" card: every other screen of the role, as [href, label, testid] buttons. */
export function MoreLinks({ title, links }) {
  return (
    <nav class="card" aria-labelledby="more-title">
      <h2 id="more-title">{title}</h2>
      <div class="navs">
        {links.map(([href, label, id]) => (
          <a key={href} class="btn secondary" href={href} data-testid={id}>
            {label}
          </a>
        ))}
      </div>
    </nav>
  );
}

export function HomeSkeleton() {
  const t = useT();
  return (
    <div role="status" aria-live="polite" data-testid="home-skeleton">
      <span class="sr-only">{t('common.loading')}</span>
      {[64, 180, 200, 200, 200].map((h, i) => (
        <div key={i} class="card skel" style={{ height: `${h}px` }} />
      ))}
    </div>
  );
}

export function Empty() {
  const t = useT();
  return <p class="state empty">{t('common.empty')}</p>;
}

export function ErrorBox({ error, onRetry }) {
  const t = useT();
  return (
    <div class="state error" role="alert">
      <p>
        {t('common.loadFailed')}：{errorText(error?.code, error?.message)}
      </p>
      {onRetry && (
        <button type="button" class="btn secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Run an async loader; returns { data, error, loading, reload }. */
export function useLoad(loader, deps, peek) {
  const [st, setSt] = useState({ loading: true, data: null, error: null });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    let settled = false;
    setSt((s) => ({ ...s, loading: true, error: null }));
    // the last answer kept on this phone, shown while the fresh one travels (never over it)
    peek?.().then(
      (cached) => cached && !settled && n === seq.current && setSt((s) => (s.data ? s : { loading: true, data: cached, error: null })),
      () => {},
    );
    loader().then(
      (data) => {
        settled = true;
        if (n === seq.current) setSt({ loading: false, data, error: null });
      },
      (error) => {
        settled = true;
        if (n === seq.current) setSt({ loading: false, data: null, error });
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps (useLoad(loader, deps), like useEffect)
  }, deps);
  useEffect(run, [run]);
  return { ...st, reload: run };
}

/** Cursor pagination over a Relay-style connection. fetchPage(after) → connection. */
export function usePaged(fetchPage, deps) {
  const [st, setSt] = useState({ items: [], loading: true, error: null, hasNext: false, cursor: null, total: null });
  const seq = useRef(0);
  const load = useCallback((after, append) => {
    const n = ++seq.current;
    setSt((s) => ({ ...s, loading: true, error: null, ...(append ? {} : { items: [] }) }));
    fetchPage(after).then(
      (conn) =>
        n === seq.current &&
        setSt((s) => ({
          items: append ? [...s.items, ...conn.edges.map((e) => e.node)] : conn.edges.map((e) => e.node),
          loading: false,
          error: null,
          hasNext: conn.pageInfo.hasNextPage,
          cursor: conn.pageInfo.endCursor,
          total: conn.totalCount,
        })),
      (error) => n === seq.current && setSt((s) => ({ ...s, loading: false, error })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps (usePaged(fetchPage, deps), like useEffect)
  }, deps);
  useEffect(() => load(null, false), [load]);
  return {
    ...st,
    loadMore: () => load(st.cursor, true),
    retry: () => (st.items.length ? load(st.cursor, true) : load(null, false)),
  };
}

/** Renders a paged list with loading / empty / error / load-more states. */
export function PagedList({ page, render, label }) {
  const t = useT();
  const { items, loading, error, hasNext, total } = page;
  return (
    <div class="paged">
      {total != null && items.length > 0 && <p class="muted small">{t('common.total', { n: total })}</p>}
      {items.length > 0 && (
        <ul class="list" aria-label={label}>
          {items.map(render)}
        </ul>
      )}
      {loading && <Loading />}
      {!loading && error && <ErrorBox error={error} onRetry={page.retry} />}
      {!loading && !error && items.length === 0 && <Empty />}
      {!loading && !error && hasNext && (
        <button type="button" class="btn secondary block" onClick={page.loadMore}>
          {t('common.loadMore')}
        </button>
      )}
    </div>
  );
}

export function Fields({ rows }) {
  return (
    <dl class="fields">
      {rows.filter(Boolean).map(([k, v]) => (
        <div class="field" key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function BackLink({ href }) {
  const t = useT();
  return (
    <a class="back" href={href}>
      ‹ {t('common.back')}
    </a>
  );
}

const ENUM_GROUPS = { gender: 'genders', unitType: 'unitTypes', mode: 'modes', cadreClass: 'cadreClasses' };
/** Label for a Gender/UnitType/StationMode/CadreClass value (`kind` names the enum when known). */
export function enumLabel(t, value, kind) {
  if (!value) return '—';
  for (const g of kind ? [ENUM_GROUPS[kind]] : Object.values(ENUM_GROUPS)) {
    const key = `secretary.${g}.${value}`;
    const s = t(key);
    if (s !== key) return s;
  }
  return value;
}

export function termText(s) {
  return s ? `${s.termStart} ~ ${s.termEnd}` : '—';
}

export function SecretaryFields({ s, t, showPhone = true }) {
  if (!s) return <p class="muted">{t('secretary.none')}</p>;
  return (
    <Fields
      rows={[
        [t('secretary.name'), s.name],
        [t('secretary.gender'), enumLabel(t, s.gender)],
        showPhone && [t('member.phone'), <a href={`tel:${s.phone}`}>{s.phone}</a>],
        [t('secretary.dispatchUnit'), s.dispatchUnit],
        [t('secretary.unitType'), enumLabel(t, s.unitType, 'unitType')],
        [t('secretary.mode'), enumLabel(t, s.mode)],
        [t('secretary.cadreClass'), enumLabel(t, s.cadreClass)],
        [t('secretary.term'), termText(s)],
      ]}
    />
  );
}

export const SECRETARY_FIELDS = `id name gender phone dispatchUnit unitType mode cadreClass termStart termEnd hasAccount`;
