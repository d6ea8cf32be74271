// Shared pieces of the reviewer / leader / member screens (lazy chunks only — never import this
// from an initial screen): labels, dates, phone-made ids, downloads of exports,
// lazy thumbnails, confirmation box, polling while visible.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { request, ApiError } from '../../transport.js';
import { t, useT, errorText } from '../../i18n.js';
import '../../i18n/review.js';
import { route } from '../../router.js';
import './kit.css';

export const KINDS = [
  'HOUSEHOLD_VISIT',
  'WORK_DIARY',
  'SERVICE_CARD',
  'RESEARCH_REPORT',
  'PARTY_LECTURE',
  'TECH_TRAINING',
  'STARTUP_PROJECT',
  'TERM_GOALS',
  'PLEDGE',
  'PAIRING',
  'PAIRING_VISIT',
  'COMMITTEE_MEETING',
  'SELF_REPORT',
  'TALK',
];
export const kindLabel = (k) => (k ? t(`review.kind.${k}`) : '—');
export const statusLabel = (s) => (s ? t(`review.status.${s}`) : '—');

const pad = (n) => String(n).padStart(2, '0');
/** Local "YYYY-MM-DD HH:mm" (the phone's time zone). */
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export const fmtDate = (s) => (s ? String(s).slice(0, 10) : '—');
export function thisMonth(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

/** RFC 4122 v4 id made on the phone (crypto.randomUUID needs a secure context). */
export function uuid() {
  if (typeof crypto !== 'undefined' && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The search params of the current route. */
export const params = (path) => new URLSearchParams(path.split('?')[1] || '');

/** Fetch with the bearer header (transport.js) and save as a file through a temporary blob link. */
export async function download(url, fallbackName) {
  const r = await request(url);
  const blob = await r.blob();
  const cd = r.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd);
  let name = fallbackName;
  try {
    if (m) name = decodeURIComponent(m[1]);
  } catch {
    /* not percent-encoded: keep the fallback name */
  }
  saveBlob(blob, name);
  return name;
}

/** Save a blob as a file `name` through a temporary link. */
export function saveBlob(blob, name) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** Run a mutation whose payload has `errors`; resolves with the payload, rejects with ApiError. */
export async function mutate(query, variables, key) {
  const data = await gql(query, variables);
  const p = data[key];
  const e = p?.errors?.[0];
  if (e) throw new ApiError(e.code || 'UNKNOWN', e.message, { field: e.field, payload: p });
  return p;
}

/** "中文 by code" plus the server's detail for validation errors. */
export function errMsg(e) {
  if (!e) return '';
  const base = errorText(e.code, e.message);
  return e.message && base !== e.message && (e.code === 'INVALID_INPUT' || e.code === 'INVALID_STATE') ? `${base}：${e.message}` : base;
}

export function ErrLine({ error }) {
  if (!error) return null;
  return (
    <p class="form-err" role="alert" data-code={error.code}>
      {errMsg(error)}
    </p>
  );
}

const thumbCache = new Map(); // url → Promise<blob URL> (kept for the page's life; thumbnails are small)
function blobUrl(url) {
  if (!thumbCache.has(url)) {
    const p = request(url)
      .then((r) => r.blob())
      .then((b) => URL.createObjectURL(b));
    p.catch(() => thumbCache.delete(url));
    thumbCache.set(url, p);
  }
  return thumbCache.get(url);
}

/** A photo thumbnail fetched with the bearer header when it scrolls into view. */
export function Thumb({ photo, alt, onOpen }) {
  const tr = useT();
  const ref = useRef(null);
  const [src, setSrc] = useState(null);
  const [failed, setFailed] = useState(false);
  const url = photo.thumbUrl || `/media/${photo.sha256}/thumb`;
  useEffect(() => {
    let live = true;
    const el = ref.current;
    const load = () =>
      blobUrl(url).then(
        (s) => live && setSrc(s),
        () => live && setFailed(true),
      );
    if (!('IntersectionObserver' in window)) {
      load();
      return () => {
        live = false;
      };
    }
    const io = new IntersectionObserver(
      (es) => {
        if (es.some((x) => x.isIntersecting)) {
          io.disconnect();
          load();
        }
      },
      { rootMargin: '200px' },
    );
    io.observe(el);
    return () => {
      live = false;
      io.disconnect();
    };
  }, [url]);
  const inner = src ? (
    <img src={src} alt={alt} width="96" height="96" decoding="async" />
  ) : (
    <span class="thumb-ph" aria-label={failed ? tr('review.photoFailed') : tr('common.loading')}>
      {failed ? '×' : ''}
    </span>
  );
  return onOpen ? (
    <button type="button" ref={ref} class="thumb" data-testid="thumb" onClick={onOpen} aria-label={alt}>
      {inner}
    </button>
  ) : (
    <span ref={ref} class="thumb" data-testid="thumb">
      {inner}
    </span>
  );
}

/** Full-size photo in an overlay (tap anywhere to close). */
export function PhotoViewer({ photo, onClose }) {
  const tr = useT();
  const [src, setSrc] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    let live = true,
      made = null;
    request(photo.url || `/media/${photo.sha256}`)
      .then((r) => r.blob())
      .then(
        (b) => {
          made = URL.createObjectURL(b);
          if (live) setSrc(made);
        },
        (e) => live && setErr(e),
      );
    const esc = (e) => e.key === 'Escape' && onClose();
    addEventListener('keydown', esc);
    return () => {
      live = false;
      removeEventListener('keydown', esc);
      if (made) URL.revokeObjectURL(made);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new onClose each render must not fetch the photo again
  }, [photo]);
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label={tr('review.photo')} onClick={onClose}>
      {src ? (
        <img src={src} alt={tr('review.photo')} />
      ) : err ? (
        <p class="form-err">{errMsg(err)}</p>
      ) : (
        <p class="state">{tr('common.loading')}</p>
      )}
      <button type="button" class="btn secondary" onClick={onClose}>
        {tr('common.close')}
      </button>
    </div>
  );
}

/** Inline confirmation (no browser dialogs): text + 确认 / 取消. */
export function Confirm({ text, yes, onYes, onNo, busy, danger }) {
  const tr = useT();
  return (
    <div class={`confirm${danger ? ' danger' : ''}`} role="alertdialog" aria-label={text}>
      <p>{text}</p>
      <div class="row">
        <button type="button" class="btn" disabled={busy} onClick={onYes} data-testid="confirm-yes">
          {busy ? tr('common.saving') : yes || tr('common.confirm')}
        </button>
        <button type="button" class="btn secondary" disabled={busy} onClick={onNo}>
          {tr('common.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Call fn every `ms` while `active` and the page is visible (also once on becoming visible). */
export function usePoll(fn, ms, active) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return undefined;
    let timer = null;
    const tick = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    const start = () => {
      clearInterval(timer);
      timer = setInterval(tick, ms);
    };
    const vis = () => {
      if (document.visibilityState === 'visible') {
        ref.current();
        start();
      } else clearInterval(timer);
    };
    start();
    document.addEventListener('visibilitychange', vis);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', vis);
    };
  }, [ms, active]);
}

/** A short-lived status line ("已通过 …"), polite live region. */
export function useToast() {
  const [msg, setMsg] = useState(null);
  const timer = useRef(null);
  const show = (text, kind = 'ok') => {
    clearTimeout(timer.current);
    setMsg({ text, kind });
    timer.current = setTimeout(() => setMsg(null), 4000);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const node = (
    <div class={`toast ${msg ? msg.kind : ''}`} role="status" aria-live="polite" data-testid="toast">
      {msg?.text || ''}
    </div>
  );
  return [node, show];
}

/** Key/value rows of a filing body (known keys get their Chinese labels). */
export function BodyFields({ body }) {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return <p class="pre">{b}</p>;
    }
  }
  if (!b || typeof b !== 'object') return null;
  const rows = Object.entries(b).filter(([, v]) => v != null && v !== '');
  if (!rows.length) return null;
  return (
    <dl class="fields body-fields">
      {rows.map(([k, v]) => (
        <div class="field" key={k}>
          <dt>{t(`review.body.${k}`) === `review.body.${k}` ? k : t(`review.body.${k}`)}</dt>
          <dd class="pre">
            {Array.isArray(v)
              ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join('\n')
              : typeof v === 'object'
                ? JSON.stringify(v)
                : String(v)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Loads every page of a connection (pickers). */
export async function loadAllPages(query, variables, pick, max = 20) {
  const out = [];
  let after = null;
  for (let i = 0; i < max; i++) {
    const conn = pick(await gql(query, { ...variables, after }));
    out.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return out;
}

export function SelectBox({ id, label, value, onChange, options, all }) {
  return (
    <div class="input">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {all != null && <option value="">{all}</option>}
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** ‹ 返回: browser back once we have moved inside the app, else a fixed fallback link. */
let moved = false;
route.subscribe(() => {
  moved = true;
});
export function Back({ fallback = '/' }) {
  const tr = useT();
  return (
    <a
      class="back"
      href={fallback}
      onClick={(e) => {
        if (moved && history.length > 1) {
          e.preventDefault();
          history.back();
        }
      }}
    >
      ‹ {tr('common.back')}
    </a>
  );
}
