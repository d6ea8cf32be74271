// Shared by the duty screens: the per-kind form schema, state badges, the household picker,
// photo thumbnails fetched with the bearer token.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { loadAll } from '../../forms.jsx';
import { request } from '../../transport.js';
import './duties.css';
import { fromEntries } from '../../compat.js';

// field: [name, type ('text' | 'textarea' | 'int' | 'select' | 'bool'), required, options]
export const PROJECT_STATUS = ['筹备中', '实施中', '已投产见效', '暂停'];
// select options are plain values (shown as they are) or [value, i18n key of the label]
export const TALK_CATEGORIES = [
  ['cadre', 'duties.talkCategory.cadre'],
  ['member', 'duties.talkCategory.member'],
  ['applicant', 'duties.talkCategory.applicant'],
  ['villager', 'duties.talkCategory.villager'],
];
export const KINDS = {
  HOUSEHOLD_VISIT: { duty: 'household_visits', household: 'all', fields: [['notes', 'textarea']] },
  WORK_DIARY: { duty: 'work_diary', fields: [['content', 'textarea', true]] },
  SERVICE_CARD: { duty: 'service_card', household: 'all', fields: [] },
  RESEARCH_REPORT: {
    duty: 'research_report',
    fields: [
      ['topic', 'text', true],
      ['content', 'textarea', true],
    ],
  },
  PARTY_LECTURE: {
    duty: 'party_lecture',
    fields: [
      ['topic', 'text', true],
      ['place', 'text', true],
      ['attendeeCount', 'int', true],
    ],
  },
  TECH_TRAINING: {
    duty: 'tech_training',
    fields: [
      ['topic', 'text', true],
      ['trainer', 'text', true],
      ['attendeeCount', 'int', true],
    ],
  },
  STARTUP_PROJECT: {
    duty: 'startup_project',
    fields: [
      ['name', 'text', true],
      ['investmentYuan', 'int', true],
      ['beneficiaries', 'int', true],
      ['milestones', 'textarea'],
      ['projectStatus', 'select', true, PROJECT_STATUS],
    ],
  },
  TERM_GOALS: { fields: [['content', 'textarea', true]] },
  PLEDGE: { fields: [['text', 'textarea', true]] },
  PAIRING: { household: 'hardship', fields: [['reason', 'textarea']] },
  PAIRING_VISIT: { household: 'hardship', fields: [['notes', 'textarea']] },
  COMMITTEE_MEETING: {
    fields: [
      ['topic', 'text', true],
      ['attendees', 'int', true],
      ['minutes', 'textarea', true],
    ],
  },
  SELF_REPORT: { fields: [['content', 'textarea', true]] },
  // 谈心谈话: whom, which of the four groups, what about; and whether that person asked for the talk
  TALK: {
    fields: [
      ['person', 'text', true],
      ['category', 'select', true, TALK_CATEGORIES],
      ['topic', 'text', true],
      ['requestedByPerson', 'bool'],
    ],
  },
};
export const DUTY_KIND = fromEntries(
  Object.entries(KINDS)
    .filter(([, c]) => c.duty)
    .map(([k, c]) => [c.duty, k]),
);
export const OTHER_KINDS = Object.keys(KINDS).filter((k) => !KINDS[k].duty);

export const FILING_FIELDS = `id kind status version title body occurredOn recordedAt receivedAt submittedAt lat lng accuracyM
  household { id code headName } photos { sha256 url thumbUrl } reviewComment reviewedAt`;

/** The state shown for an outbox item: waiting | sending | sent | returned | approved | failed. */
export function shownState(it) {
  if (it.state !== 'sent') return it.state;
  if (it.reviewStatus === 'RETURNED') return 'returned';
  if (it.reviewStatus === 'APPROVED') return 'approved';
  return 'sent';
}

export function StateBadge({ state }) {
  const t = useT();
  return (
    <span class={`badge st-${state}`} data-state={state}>
      {t(`outbox.state.${state}`)}
    </span>
  );
}

const HH_Q = `query Roster($v: ID!, $after: String) { households(villageId: $v, first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id code headName isHardship address } } } }`;
/** The whole roster of the village (each page cached by the query cache, so it works offline). */
export const loadRoster = (villageId) => loadAll(HH_Q, { v: villageId }, (d) => d.households);

export function HouseholdPicker({ villageId, value, onPick, hardshipOnly, error }) {
  const t = useT();
  const [all, setAll] = useState(null);
  const [err, setErr] = useState(null);
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(!value);
  useEffect(() => {
    loadRoster(villageId).then(setAll, setErr);
  }, [villageId]);
  const list = useMemo(() => {
    const s = q.trim();
    return (all || []).filter((h) => (!hardshipOnly || h.isHardship) && (!s || h.headName.includes(s) || h.code.includes(s)));
  }, [all, q, hardshipOnly]);
  return (
    <fieldset class="input hh-picker" aria-invalid={error ? 'true' : undefined}>
      <legend>
        {t('duties.household')}
        <span class="req" aria-hidden="true">
          {' '}
          *
        </span>
      </legend>
      {value && (
        <p class="hh-picked" data-testid="picked-household">
          <strong>{value.headName}</strong> <span class="muted">{value.code}</span>
          {!open && (
            <button type="button" class="btn secondary small-btn" onClick={() => setOpen(true)}>
              {t('common.change')}
            </button>
          )}
        </p>
      )}
      {open && (
        <>
          <label class="sr-only" for="hh-find">
            {t('household.searchPlaceholder')}
          </label>
          <input
            id="hh-find"
            type="search"
            value={q}
            placeholder={t('household.searchPlaceholder')}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
          {/* one box of a fixed height, loading or not, so the form below it does not move */}
          <ul class="list hh-options" aria-label={t('duties.household')} aria-busy={!all && !err ? 'true' : undefined}>
            {err && !all && <li class="field-err hh-note">{t('duties.rosterUnavailable')}</li>}
            {!all && !err && <li class="muted small hh-note">{t('common.loading')}</li>}
            {all &&
              list.slice(0, 30).map((h) => (
                <li key={h.id}>
                  <button
                    type="button"
                    class="item hh-option"
                    aria-pressed={value?.id === h.id ? 'true' : 'false'}
                    onClick={() => {
                      onPick(h);
                      setOpen(false);
                      setQ('');
                    }}
                  >
                    <span class="item-title">{h.headName}</span> {h.isHardship && <span class="tag">{t('household.hardship')}</span>}
                    <span class="item-sub">
                      {h.code} · {h.address}
                    </span>
                  </button>
                </li>
              ))}
            {all && list.length === 0 && <li class="muted small hh-note">{t('common.empty')}</li>}
            {list.length > 30 && <li class="muted small hh-note">{t('duties.refineSearch', { n: list.length })}</li>}
          </ul>
        </>
      )}
      {error && <p class="field-err">{error}</p>}
    </fieldset>
  );
}

/** <img> of a server photo (GET /media/{sha}/thumb needs the bearer header → blob URL). */
export function ServerPhoto({ photo, alt }) {
  const [src, setSrc] = useState(null);
  useEffect(() => {
    let url = null,
      live = true;
    (async () => {
      const r = await request(photo.thumbUrl || `/media/${photo.sha256}/thumb`);
      url = URL.createObjectURL(await r.blob());
      if (live) setSrc(url);
    })().catch(() => {});
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a photo is identified by its hash
  }, [photo.sha256]);
  return src ? <img class="thumb" src={src} alt={alt} /> : <span class="thumb thumb-empty" aria-label={alt} />;
}

/** <img> of a local (outbox) photo blob. */
export function BlobPhoto({ blob, alt }) {
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img class="thumb" src={url} alt={alt} />;
}

export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
/** ISO 8601 with the phone's UTC offset, e.g. 2026-11-22T14:05:09+08:00 */
export function isoLocal(d = new Date()) {
  const p = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${off >= 0 ? '+' : '-'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}
export const fmtTime = (ms) => new Date(ms).toLocaleString('zh-CN', { hour12: false });
/** 850 → "850 米", 494222 → "494.2 公里" */
export const fmtDist = (t, m) => (m >= 1000 ? t('common.unitKm', { n: (m / 1000).toFixed(1) }) : t('common.unitM', { n: Math.round(m) }));
/** Bytes as the outbox shows them: "280 KB", "3.7 MB". */
export function fmtSize(bytes) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
