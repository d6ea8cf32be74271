// COUNTY: the rubric of a period as data. Items are edited in place (label, part, group, kind,
// points, cap, unit, evidence), added or removed; saving makes a new version (confirmed first,
// STALE_VERSION when someone saved in between). The version history is listed with hashes.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, Confirm, ErrLine, mutate, useToast, fmtTime, SelectBox } from '../review/kit.jsx';
import { PARTS, KINDS, periodOf, setParams, PeriodPicker, partLabel, kindLabel } from './common.jsx';
import { ruleText } from './ItemCard.jsx';
import { Q_RUBRIC, M_RUBRIC } from './queries.js';
import { fromEntries } from '../../compat.js';

const NUM = ['basePoints', 'perOccurrence', 'cap'];
const EVIDENCE = [
  'DIARY',
  'RESEARCH_REPORT',
  'COMMITTEE_MEETINGS',
  'TALKS',
  'TALK_REQUESTS',
  'PAIRING',
  'PAIRING_VISITS',
  'ORG_GAINED',
  'ORG_LOST',
];
const KEY_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** Items as the form edits them (numbers as text) and back. */
const toForm = (items) => items.map((it) => ({ ...it, ...fromEntries(NUM.map((n) => [n, it[n] == null ? '' : String(it[n])])) }));
function fromForm(items) {
  return items.map((it) => ({
    key: it.key.trim(),
    part: it.part,
    group: (it.group || it.key.split('.')[0] || '').trim(),
    groupLabel: (it.groupLabel || '').trim(),
    label: it.label.trim(),
    kind: it.kind,
    unit: (it.unit || '').trim(),
    evidence: it.evidence || null,
    basePoints: it.kind === 'BASE' ? Number(it.basePoints || 0) : 0,
    perOccurrence: Number(it.perOccurrence || 0),
    cap: it.cap === '' ? null : Number(it.cap),
  }));
}

/** Field problems: { "3.label": "必填", ... } with index.field keys. */
function check(t, items) {
  const errs = {};
  const seen = new Set();
  items.forEach((it, i) => {
    const k = it.key.trim();
    if (!KEY_RE.test(k)) errs[`${i}.key`] = t('assessment.rubric.keyFormat');
    else if (seen.has(k)) errs[`${i}.key`] = t('assessment.rubric.keyDup');
    seen.add(k);
    if (!it.label.trim()) errs[`${i}.label`] = t('common.required');
    if (!String(it.groupLabel || '').trim()) errs[`${i}.groupLabel`] = t('common.required');
    for (const n of NUM) {
      const v = String(it[n]).trim();
      if (v === '' && n !== 'cap') errs[`${i}.${n}`] = t('common.required');
      else if (v !== '' && !/^-?\d{1,4}(\.\d{1,2})?$/.test(v)) errs[`${i}.${n}`] = t('assessment.rubric.numFormat');
    }
  });
  return errs;
}

export default function RubricEditor() {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const { data, error, loading, reload } = useLoad(() => gql(Q_RUBRIC, { p: period }), [period]);
  return (
    <>
      <section class="card" aria-labelledby="rb-title">
        <Back fallback={`/assessments?period=${period}`} />
        <h2 id="rb-title">{t('assessment.rubric.title')}</h2>
        <p class="muted small">{t('assessment.rubric.hint')}</p>
        <PeriodPicker id="rb-period" period={period} onChange={(p) => setParams(path, { period: p })} />
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
      </section>
      {data && (
        <Editor key={`${period}:${data.rubric.version}:${data.rubric.saved}`} rubric={data.rubric} period={period} onSaved={reload} />
      )}
      {data && <History versions={data.rubricVersions} />}
    </>
  );
}

function Editor({ rubric, period, onSaved }) {
  const t = useT();
  const [items, setItems] = useState(() => toForm(rubric.items));
  const [dirty, setDirty] = useState(false);
  const [errs, setErrs] = useState({});
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [toast, show] = useToast();
  const next = rubric.saved ? rubric.version + 1 : rubric.version;
  const set = (i, n, v) => {
    setItems((l) => l.map((it, j) => (j === i ? { ...it, [n]: v } : it)));
    setDirty(true);
  };
  const add = () => {
    setItems((l) => [
      ...l,
      {
        key: '',
        part: 'BASIC',
        group: '',
        groupLabel: '',
        label: '',
        kind: 'BONUS',
        basePoints: '0',
        perOccurrence: '1',
        cap: '',
        unit: '',
        evidence: null,
        fresh: true,
      },
    ]);
    setDirty(true);
  };
  const remove = (i) => {
    setItems((l) => l.filter((_, j) => j !== i));
    setDirty(true);
  };
  function trySave() {
    const e = check(t, items);
    setErrs(e);
    if (Object.keys(e).length) {
      setErr({ code: 'INVALID_INPUT', message: t('common.fixErrors') });
      return;
    }
    setErr(null);
    setAsk(true);
  }
  async function save() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(M_RUBRIC, { input: { period, basedOnVersion: rubric.version, items: fromForm(items) } }, 'updateRubric');
      setAsk(false);
      show(t('common.saved'));
      onSaved();
    } catch (e) {
      setAsk(false);
      setErr(e);
      const m = /^items\.(\d+)\.(\w+)$/.exec(e.field || '');
      if (m) setErrs({ [`${m[1]}.${m[2]}`]: e.message });
    }
    setBusy(false);
  }
  const field = (i, n, label, mode = 'text') => (
    // a plain call, not a component: inputs keep focus
    <div class="input">
      <label for={`rb-${i}-${n}`}>{label}</label>
      <input
        id={`rb-${i}-${n}`}
        type="text"
        inputMode={mode}
        value={items[i][n] ?? ''}
        aria-invalid={errs[`${i}.${n}`] ? 'true' : undefined}
        onInput={(e) => set(i, n, e.currentTarget.value)}
      />
      {errs[`${i}.${n}`] && <p class="field-err">{errs[`${i}.${n}`]}</p>}
    </div>
  );
  return (
    <section class="card" aria-labelledby="rb-items">
      <h2 id="rb-items">{t('assessment.rubric.items', { v: rubric.version, n: items.length })}</h2>
      {!rubric.saved && (
        <p class="a7-note" data-testid="rubric-unsaved">
          {t('assessment.rubric.unsaved')}
        </p>
      )}
      {PARTS.map((part) => (
        <div key={part}>
          <h3>{partLabel(part)}</h3>
          {items.map((it, i) =>
            it.part !== part ? null : (
              <details
                class="a7-redit"
                key={i}
                open={it.fresh || Object.keys(errs).some((k) => k.startsWith(`${i}.`))}
                data-testid="rubric-edit-item"
              >
                <summary>
                  {it.label || t('assessment.rubric.newItem')}{' '}
                  <span class="muted small">
                    {kindLabel(it.kind)} ·{' '}
                    {ruleText(t, {
                      ...it,
                      basePoints: it.basePoints || 0,
                      perOccurrence: it.perOccurrence || 0,
                      cap: it.cap === '' ? null : it.cap,
                    })}
                  </span>
                </summary>
                {field(i, 'label', t('assessment.rubric.itemLabel'))}
                <div class="a7-grid2">
                  {it.fresh ? (
                    field(i, 'key', t('assessment.rubric.itemKey'))
                  ) : (
                    <div class="input">
                      <span class="label">{t('assessment.rubric.itemKey')}</span>
                      <code class="small">{it.key}</code>
                    </div>
                  )}
                  {field(i, 'groupLabel', t('assessment.rubric.itemGroup'))}
                  <SelectBox
                    id={`rb-${i}-part`}
                    label={t('assessment.rubric.part')}
                    value={it.part}
                    onChange={(v) => set(i, 'part', v)}
                    options={PARTS.map((p) => [p, partLabel(p)])}
                  />
                  <SelectBox
                    id={`rb-${i}-kind`}
                    label={t('assessment.rubric.itemKind')}
                    value={it.kind}
                    onChange={(v) => set(i, 'kind', v)}
                    options={KINDS.map((k) => [k, kindLabel(k)])}
                  />
                </div>
                <div class="a7-grid3">
                  {it.kind === 'BASE' ? (
                    field(i, 'basePoints', t('assessment.rubric.basePoints'), 'decimal')
                  ) : (
                    <div class="input">
                      <span class="label">{t('assessment.rubric.basePoints')}</span>
                      <code>0</code>
                    </div>
                  )}
                  {field(i, 'perOccurrence', t('assessment.rubric.perOcc'), 'decimal')}
                  {field(i, 'cap', t('assessment.rubric.cap'), 'decimal')}
                </div>
                {field(i, 'unit', t('assessment.rubric.unit'))}
                <SelectBox
                  id={`rb-${i}-ev`}
                  label={t('assessment.rubric.evidenceSource')}
                  value={it.evidence || ''}
                  onChange={(v) => set(i, 'evidence', v || null)}
                  options={EVIDENCE.map((k) => [k, t(`assessment.evidence.${k}`)])}
                  all={t('assessment.rubric.evNone')}
                />
                <button type="button" class="btn warn small" onClick={() => remove(i)}>
                  {t('assessment.rubric.removeItem')}
                </button>
              </details>
            ),
          )}
        </div>
      ))}
      <button type="button" class="btn secondary block" onClick={add} data-testid="rubric-add">
        {t('assessment.rubric.addItem')}
      </button>
      <ErrLine error={err} />
      {err?.code === 'STALE_VERSION' && (
        <button type="button" class="btn secondary block" onClick={onSaved}>
          {t('assessment.reload')}
        </button>
      )}
      {!ask && (
        <button type="button" class="btn block" disabled={!dirty || busy} onClick={trySave} data-testid="rubric-save">
          {dirty ? t('assessment.rubric.saveAs', { v: next }) : t('common.noChanges')}
        </button>
      )}
      {ask && (
        <Confirm text={t('assessment.rubric.confirmSave', { v: next, y: period })} busy={busy} onYes={save} onNo={() => setAsk(false)} />
      )}
      {toast}
    </section>
  );
}

function History({ versions }) {
  const t = useT();
  if (!versions?.length) return null;
  return (
    <section class="card" aria-labelledby="rb-hist">
      <h2 id="rb-hist">{t('assessment.rubric.versions')}</h2>
      <ul class="list" data-testid="rubric-versions">
        {[...versions]
          .sort((a, b) => b.version - a.version)
          .map((v) => (
            <li key={v.version} class="item">
              <span class="item-main">
                <span class="item-title">{t('assessment.versionN', { n: v.version })}</span>
                <span class="muted small">{fmtTime(v.createdAt)}</span>
              </span>
              <span class="item-sub">
                {t('assessment.rubric.itemsN', { n: v.items?.length ?? '—' })} · <code>{String(v.sha256 || '').slice(0, 16)}</code>
              </span>
            </li>
          ))}
      </ul>
    </section>
  );
}
