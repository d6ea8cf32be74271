// COUNTY: 履职清单设置 — the county's duty checklist (八个一, 十个一 …) as versioned data. The current
// version (items, their evidence kinds and rule texts), the version history, an editor (add, remove
// with confirmation, reorder with up/down, relabel; evidence kinds filtered by the chosen rule;
// threshold with the rule's unit; name; effective-from date) whose save makes a new version
// (confirmed first; the server's refusals shown next to the item and field they name; a stale
// version offers a reload), and moving the serving secretaries to a version from a month on.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/checklist.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, Confirm, ErrLine, fmtTime, fmtDate, SelectBox, thisMonth } from '../review/kit.jsx';
import './checklist.css';

const ITEM = `key label kinds kindLabels rule threshold ruleText`;
const VERSION = `version saved name effectiveFrom createdAt termsUsing items { ${ITEM} }`;
const Q = `{ dutyChecklist { ${VERSION} } dutyChecklistVersions { ${VERSION} } checklistEvidenceKinds { kind label rules } }`;
const M_SAVE = `mutation SaveChecklist($input: SaveDutyChecklistInput!) { saveDutyChecklist(input: $input) {
  checklist { version } currentVersion errors { code message field } } }`;
const M_MOVE = `mutation MoveTerms($input: MoveTermsInput!) { moveTermsToChecklist(input: $input) { moved errors { code message field } } }`;

/** rule → [min, max, default threshold] (the contract's table). */
export const RULES = {
  ROSTER_COVERAGE: [1, 100, 100],
  MONTHLY_COUNT: [1, 31, 4],
  APPROVED_COUNT: [1, 100, 1],
  SERVICE_CARD: [1, 100, 100],
  LEDGER: [1, 1000, 1],
};
const RULE_NAMES = Object.keys(RULES);
// the rules whose evidence is exactly one kind: chosen for the user, not by checkboxes
const FIXED = { SERVICE_CARD: ['service_card'], LEDGER: ['problem'] };
const PCT = new Set(['ROSTER_COVERAGE', 'SERVICE_CARD']);
const MAX_ITEMS = 20;
/** This month and the next 23: "2026-12", "2027-01" … (a move names no month already counted). */
const MONTHS = () => {
  const d = new Date();
  return Array.from({ length: 24 }, (_, i) => thisMonth(new Date(d.getFullYear(), d.getMonth() + i, 1)));
};
const LABEL_MAX = 30;
const NAME_MAX = 12;

let uid = 0;
const toForm = (items) =>
  items.map((it) => ({ uid: ++uid, key: it.key, label: it.label, kinds: [...it.kinds], rule: it.rule, threshold: String(it.threshold) }));
const todayIso = () => `${thisMonth()}-${String(new Date().getDate()).padStart(2, '0')}`;
const chars = (s) => [...s].length;

/** Field problems of the form: { name, effectiveFrom, items, '3.label', '3.kinds', '3.threshold' }. */
function check(t, form) {
  const errs = {};
  const name = form.name.trim();
  if (!name) errs.name = t('common.required');
  else if (chars(name) > NAME_MAX) errs.name = t('checklist.tooLong', { n: NAME_MAX });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.effectiveFrom)) errs.effectiveFrom = t('common.required');
  if (!form.items.length) errs.items = t('common.required');
  if (form.items.length > MAX_ITEMS) errs.items = t('checklist.tooMany', { n: MAX_ITEMS });
  const seen = new Map();
  form.items.forEach((it, i) => {
    const label = it.label.trim();
    if (!label) errs[`${i}.label`] = t('common.required');
    else if (chars(label) > LABEL_MAX) errs[`${i}.label`] = t('checklist.tooLong', { n: LABEL_MAX });
    else if (seen.has(label)) errs[`${i}.label`] = t('checklist.labelDup', { n: seen.get(label) + 1 });
    else seen.set(label, i);
    if (!it.kinds.length) errs[`${i}.kinds`] = t('checklist.noKinds');
    const [min, max] = RULES[it.rule];
    const s = String(it.threshold).trim();
    if (!/^\d+$/.test(s)) errs[`${i}.threshold`] = t('checklist.wholeNumber');
    else if (Number(s) < min || Number(s) > max) errs[`${i}.threshold`] = t('checklist.outOfRange', { min, max });
  });
  return errs;
}

/** The server's refusals as the form's error keys: items.3.kinds → 3.kinds, items.3 → 3.label. */
export function serverErrs(errors) {
  const out = {};
  for (const e of errors) {
    const f = e.field || '';
    const m = /^items\.(\d+)(?:\.(\w+))?$/.exec(f);
    const k = m ? `${m[1]}.${m[2] === 'kindLabels' ? 'kinds' : m[2] || 'label'}` : f || 'form';
    if (!out[k]) out[k] = e.message;
  }
  return out;
}

export default function ChecklistSettings() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q), []);
  const [justSaved, setJustSaved] = useState(null); // the version just saved: told after the editor reloads
  const cur = data?.dutyChecklist;
  return (
    <>
      <section class="card" aria-labelledby="cl-title">
        <Back fallback="/settings" />
        <h2 id="cl-title">{t('checklist.title')}</h2>
        <p class="muted small">{t('checklist.hint')}</p>
        {loading && !data && <Loading />}
        {error && !data && <ErrorBox error={error} onRetry={reload} />}
        {cur && <Current c={cur} />}
      </section>
      {cur && (
        <Editor
          key={`${cur.version}:${cur.saved}`}
          current={cur}
          options={data.checklistEvidenceKinds}
          justSaved={justSaved}
          onSaved={(v) => {
            setJustSaved(v);
            reload();
          }}
        />
      )}
      {cur && <Move key={cur.version} current={cur} versions={data.dutyChecklistVersions} onMoved={reload} />}
      {data && <History versions={data.dutyChecklistVersions} />}
    </>
  );
}

function Items({ items, testid }) {
  const t = useT();
  return (
    <ol class="cl-items" data-testid={testid}>
      {items.map((it) => (
        <li key={it.key} data-key={it.key}>
          <strong>{it.label}</strong>
          <span class="small">
            {t('checklist.evidence')}：{it.kindLabels.join('、')}
          </span>
          <span class="small muted">
            {t('checklist.rule')}：{it.ruleText}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Current({ c }) {
  const t = useT();
  return (
    <div data-testid="checklist-current" data-version={c.version}>
      <h3>{t('checklist.current')}</h3>
      <p>
        <strong data-testid="checklist-version-line">
          {t('checklist.versionLine', { v: c.version, name: c.name, date: fmtDate(c.effectiveFrom) })}
        </strong>
        <span class="item-sub">
          {t('checklist.itemsN', { n: c.items.length })} · {t('checklist.usedBy', { n: c.termsUsing })}
        </span>
      </p>
      {!c.saved && (
        <p class="cl-note" data-testid="checklist-unsaved">
          {t('checklist.unsaved')}
        </p>
      )}
      <Items items={c.items} testid="checklist-items" />
    </div>
  );
}

function Editor({ current, options, justSaved, onSaved }) {
  const t = useT();
  const [form, setForm] = useState(() => ({
    name: current.name,
    effectiveFrom: current.effectiveFrom > todayIso() ? current.effectiveFrom : todayIso(),
    items: toForm(current.items),
  }));
  const [open, setOpen] = useState(() => new Set());
  const [dirty, setDirty] = useState(false);
  const [errs, setErrs] = useState({});
  const [ask, setAsk] = useState(null); // 'save' | uid of the item to remove
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [stale, setStale] = useState(null); // { v } when someone saved in between
  const [saved, setSaved] = useState(justSaved === current.version ? justSaved : null);
  const next = current.version + 1; // unsaved: the default becomes version 1, the edit version 2
  const labelOf = (k) => options.find((o) => o.kind === k)?.label || k;

  const change = (fn) => {
    setForm(fn);
    setDirty(true);
    setSaved(null);
    if (ask === 'save') setAsk(null);
  };
  const setTop = (n, v) => change((f) => ({ ...f, [n]: v }));
  const setItem = (i, patch) => change((f) => ({ ...f, items: f.items.map((it, j) => (j === i ? { ...it, ...patch } : it)) }));
  // positions change: errors named by index no longer point at the right item
  const reorder = (fn) => {
    change((f) => ({ ...f, items: fn(f.items) }));
    setErrs({});
  };
  const move = (i, d) =>
    reorder((l) => {
      const m = [...l];
      [m[i], m[i + d]] = [m[i + d], m[i]];
      return m;
    });
  const add = () => {
    const u = ++uid;
    reorder((l) => [...l, { uid: u, key: null, label: '', kinds: [], rule: 'APPROVED_COUNT', threshold: '1', fresh: true }]);
    setOpen((s) => new Set(s).add(u));
  };
  const setRule = (i, rule) => {
    const it = form.items[i];
    const allowed = new Set(options.filter((o) => o.rules.includes(rule)).map((o) => o.kind));
    const [min, max, dflt] = RULES[rule];
    const n = Number(it.threshold);
    setItem(i, {
      rule,
      kinds: FIXED[rule] || it.kinds.filter((k) => allowed.has(k)),
      // a percentage stays a percentage, a count a count, when still in range; else the rule's default
      threshold:
        PCT.has(rule) === PCT.has(it.rule) && /^\d+$/.test(String(it.threshold).trim()) && n >= min && n <= max
          ? it.threshold
          : String(dflt),
    });
  };
  const toggleKind = (i, k, on) => setItem(i, { kinds: on ? [...form.items[i].kinds, k] : form.items[i].kinds.filter((x) => x !== k) });
  const toggleOpen = (u, o) =>
    setOpen((s) => {
      const m = new Set(s);
      if (o) m.add(u);
      else m.delete(u);
      return m;
    });

  function trySave() {
    const e = check(t, form);
    setErrs(e);
    setSaved(null);
    if (Object.keys(e).length) {
      setErr({ code: 'INVALID_INPUT', message: t('common.fixErrors') });
      setOpen(
        (s) => new Set([...s, ...form.items.filter((_, i) => Object.keys(e).some((k) => k.startsWith(`${i}.`))).map((it) => it.uid)]),
      );
      return;
    }
    setErr(null);
    setAsk('save');
  }
  async function save() {
    setBusy(true);
    setErr(null);
    try {
      const input = {
        basedOnVersion: current.version,
        name: form.name.trim(),
        effectiveFrom: form.effectiveFrom,
        items: form.items.map((it) => ({
          key: it.key || null,
          label: it.label.trim(),
          kinds: it.kinds,
          rule: it.rule,
          threshold: Number(String(it.threshold).trim()),
        })),
      };
      const p = (await gql(M_SAVE, { input })).saveDutyChecklist;
      setAsk(null);
      const staleErr = p.errors.find((e) => e.code === 'STALE_VERSION');
      if (staleErr) {
        setStale({ v: p.currentVersion });
      } else if (p.errors.length) {
        const e = serverErrs(p.errors);
        setErrs(e);
        setErr({ code: p.errors[0].code, message: e.form || e.name || e.effectiveFrom || e.items || t('common.fixErrors') });
        setOpen(
          (s) => new Set([...s, ...form.items.filter((_, i) => Object.keys(e).some((k) => k.startsWith(`${i}.`))).map((it) => it.uid)]),
        );
      } else {
        setDirty(false);
        setSaved(p.checklist?.version ?? next);
        onSaved(p.checklist?.version ?? next);
      }
    } catch (e) {
      setAsk(null);
      if (e.code === 'STALE_VERSION') setStale({ v: null });
      else setErr(e);
    }
    setBusy(false);
  }

  const fieldErr = (k, id) =>
    errs[k] && (
      <p class="field-err" id={id} data-testid={`err-${k}`}>
        {errs[k]}
      </p>
    );
  const items = form.items;
  return (
    <section class="card cl-editor" aria-labelledby="cl-edit">
      <h2 id="cl-edit">{t('checklist.editTitle')}</h2>
      <p class="muted small">{t('checklist.editHint')}</p>
      <div class="input">
        <label for="cl-name">{t('checklist.name')}</label>
        <input
          id="cl-name"
          type="text"
          value={form.name}
          placeholder={t('checklist.nameHint')}
          aria-invalid={errs.name ? 'true' : undefined}
          aria-describedby={errs.name ? 'cl-name-err' : undefined}
          onInput={(e) => setTop('name', e.currentTarget.value)}
        />
        {fieldErr('name', 'cl-name-err')}
      </div>
      <ol class="cl-edit" data-testid="checklist-edit">
        {items.map((it, i) => {
          const bad = Object.keys(errs).some((k) => k.startsWith(`${i}.`));
          const allowed = options.filter((o) => o.rules.includes(it.rule));
          const [min, max] = RULES[it.rule];
          const id = `cl-${it.uid}`;
          return (
            <li key={it.uid} class={`cl-item${bad ? ' bad' : ''}`} data-testid="checklist-edit-item" data-key={it.key || ''}>
              <details open={open.has(it.uid) || bad} onToggle={(e) => toggleOpen(it.uid, e.currentTarget.open)}>
                <summary>
                  <span class="cl-n">{i + 1}.</span>
                  <span class="cl-sum">
                    <span class="cl-sum-label">{it.label.trim() || t('checklist.newItem')}</span>
                    <span class="small muted">
                      {it.kinds.map(labelOf).join('、') || '—'} ·{' '}
                      {t(`checklist.preview.${it.rule}`, { n: String(it.threshold).trim() || '—' })}
                    </span>
                  </span>
                </summary>
                <div class="input">
                  <label for={`${id}-label`}>{t('checklist.label')}</label>
                  <input
                    id={`${id}-label`}
                    type="text"
                    value={it.label}
                    placeholder={t('checklist.labelHint')}
                    aria-invalid={errs[`${i}.label`] ? 'true' : undefined}
                    onInput={(e) => setItem(i, { label: e.currentTarget.value })}
                  />
                  {fieldErr(`${i}.label`)}
                </div>
                <SelectBox
                  id={`${id}-rule`}
                  label={t('checklist.ruleLabel')}
                  value={it.rule}
                  onChange={(v) => setRule(i, v)}
                  options={RULE_NAMES.map((r) => [r, t(`checklist.ruleName.${r}`)])}
                />
                <p class="small muted cl-help">{t(`checklist.ruleHelp.${it.rule}`)}</p>
                {fieldErr(`${i}.rule`)}
                <fieldset class="cl-kinds" aria-invalid={errs[`${i}.kinds`] ? 'true' : undefined}>
                  <legend>{t('checklist.kinds')}</legend>
                  {FIXED[it.rule] ? (
                    <p class="small">{t('checklist.kindsFixed', { kinds: FIXED[it.rule].map(labelOf).join('、') })}</p>
                  ) : (
                    <div class="cl-checks">
                      {allowed.map((o) => (
                        <div class="check" key={o.kind}>
                          <input
                            id={`${id}-k-${o.kind}`}
                            type="checkbox"
                            checked={it.kinds.includes(o.kind)}
                            onChange={(e) => toggleKind(i, o.kind, e.currentTarget.checked)}
                            data-kind={o.kind}
                          />
                          <label for={`${id}-k-${o.kind}`}>{o.label}</label>
                        </div>
                      ))}
                    </div>
                  )}
                  {fieldErr(`${i}.kinds`)}
                </fieldset>
                <div class="input">
                  <label for={`${id}-th`}>{t(`checklist.threshold.${it.rule}`)}</label>
                  <input
                    id={`${id}-th`}
                    type="number"
                    inputMode="numeric"
                    min={min}
                    max={max}
                    step="1"
                    value={it.threshold}
                    aria-invalid={errs[`${i}.threshold`] ? 'true' : undefined}
                    onInput={(e) => setItem(i, { threshold: e.currentTarget.value })}
                  />
                  <p class="small muted">{t('checklist.outOfRange', { min, max })}</p>
                  {fieldErr(`${i}.threshold`)}
                </div>
                {fieldErr(`${i}.key`)}
                {ask === it.uid ? (
                  <Confirm
                    danger
                    text={t('checklist.confirmRemove', { label: it.label.trim() || t('checklist.newItem') })}
                    yes={t('checklist.remove')}
                    onNo={() => setAsk(null)}
                    onYes={() => {
                      setAsk(null);
                      reorder((l) => l.filter((x) => x.uid !== it.uid));
                    }}
                  />
                ) : (
                  <div class="cl-tools">
                    <button type="button" class="btn secondary" disabled={i === 0} onClick={() => move(i, -1)} data-testid="item-up">
                      ↑ {t('checklist.up')}
                    </button>
                    <button
                      type="button"
                      class="btn secondary"
                      disabled={i === items.length - 1}
                      onClick={() => move(i, 1)}
                      data-testid="item-down"
                    >
                      ↓ {t('checklist.down')}
                    </button>
                    <button type="button" class="btn secondary cl-remove" onClick={() => setAsk(it.uid)} data-testid="item-remove">
                      {t('checklist.remove')}
                    </button>
                  </div>
                )}
              </details>
            </li>
          );
        })}
      </ol>
      {errs.items && <p class="field-err">{errs.items}</p>}
      <button type="button" class="btn secondary block" onClick={add} disabled={items.length >= MAX_ITEMS} data-testid="checklist-add">
        + {t('checklist.add')}
      </button>
      <div class="input cl-date">
        <label for="cl-from">{t('checklist.effectiveFrom')}</label>
        <input
          id="cl-from"
          type="date"
          value={form.effectiveFrom}
          aria-invalid={errs.effectiveFrom ? 'true' : undefined}
          aria-describedby="cl-from-hint"
          onInput={(e) => setTop('effectiveFrom', e.currentTarget.value)}
        />
        <p class="small muted" id="cl-from-hint">
          {t('checklist.effectiveHint')}
        </p>
        {fieldErr('effectiveFrom')}
      </div>
      {stale ? (
        <div class="form-err" role="alert" data-testid="checklist-stale">
          <p>{stale.v ? t('checklist.stale', { v: stale.v }) : t('checklist.staleNoVersion')}</p>
          <button type="button" class="btn secondary block" onClick={() => onSaved(null)}>
            {t('checklist.reload')}
          </button>
        </div>
      ) : (
        <ErrLine error={err} />
      )}
      {saved != null && (
        <p class="form-ok" role="status" data-testid="checklist-saved">
          {t('checklist.savedAs', { v: saved })}
        </p>
      )}
      {ask === 'save' ? (
        <Confirm
          text={t('checklist.confirmSave', { v: next, name: form.name.trim(), date: form.effectiveFrom })}
          yes={t('checklist.saveAs', { v: next })}
          busy={busy}
          onYes={save}
          onNo={() => setAsk(null)}
        />
      ) : (
        <button type="button" class="btn block" disabled={!dirty || busy || !!stale} onClick={trySave} data-testid="checklist-save">
          {dirty ? t('checklist.saveAs', { v: next }) : t('common.noChanges')}
        </button>
      )}
    </section>
  );
}

/** "把在任第一书记改用此版本": every serving secretary of the county, from a month (this one or later). */
function Move({ current, versions, onMoved }) {
  const t = useT();
  const saved = versions.filter((v) => v.saved);
  const [version, setVersion] = useState(String(current.version));
  const [month, setMonth] = useState(thisMonth());
  const [note, setNote] = useState('');
  const [errs, setErrs] = useState({});
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [done, setDone] = useState(null);
  const min = thisMonth();
  const v = saved.find((x) => String(x.version) === version) || saved[0];
  const [y, m] = month.split('-').map(Number);
  function tryMove() {
    const e = {};
    if (!/^\d{4}-\d{2}$/.test(month) || month < min) e.month = t('checklist.move.monthRequired');
    if (!note.trim()) e.note = t('checklist.move.noteRequired');
    setErrs(e);
    setDone(null);
    setErr(null);
    if (!Object.keys(e).length) setAsk(true);
  }
  async function run() {
    setBusy(true);
    setErr(null);
    try {
      const p = (await gql(M_MOVE, { input: { version: v.version, fromMonth: `${month}-01`, note: note.trim() } })).moveTermsToChecklist;
      if (p.errors.length) {
        const e = p.errors[0];
        if (e.field === 'fromMonth') setErrs({ month: e.message });
        else if (e.field === 'note') setErrs({ note: e.message });
        setErr(e);
      } else {
        setDone({ n: p.moved, v: v.version, y, m });
        setNote('');
        onMoved();
      }
    } catch (e) {
      setErr(e);
    }
    setAsk(false);
    setBusy(false);
  }
  return (
    <section class="card cl-move" aria-labelledby="cl-move">
      <h2 id="cl-move">{t('checklist.move.title')}</h2>
      <p class="muted small">{t('checklist.move.hint')}</p>
      {!saved.length ? (
        <p class="cl-note">{t('checklist.move.unsavedFirst')}</p>
      ) : (
        <>
          <SelectBox
            id="cl-move-v"
            label={t('checklist.move.version')}
            value={String(v.version)}
            onChange={(x) => {
              setVersion(x);
              setAsk(false);
            }}
            options={saved.map((x) => [String(x.version), `${t('checklist.versionN', { v: x.version })} · ${x.name}`])}
          />
          <SelectBox
            id="cl-move-m"
            label={t('checklist.move.month')}
            value={month}
            onChange={(x) => {
              setMonth(x);
              setAsk(false);
            }}
            options={MONTHS().map((x) => [x, t('checklist.move.monthOption', { y: Number(x.slice(0, 4)), m: Number(x.slice(5)) })])}
          />
          <p class="small muted cl-help">{t('checklist.move.monthHint')}</p>
          {errs.month && <p class="field-err">{errs.month}</p>}
          <div class="input">
            <label for="cl-move-note">{t('checklist.move.note')}</label>
            <textarea
              id="cl-move-note"
              rows="3"
              value={note}
              placeholder={t('checklist.move.noteHint')}
              aria-invalid={errs.note ? 'true' : undefined}
              onInput={(e) => {
                setNote(e.currentTarget.value);
                setAsk(false);
              }}
            />
            {errs.note && <p class="field-err">{errs.note}</p>}
          </div>
          <ErrLine error={err} />
          {done && (
            <p class="form-ok" role="status" data-testid="checklist-moved">
              {t('checklist.move.done', done)}
            </p>
          )}
          {ask ? (
            <Confirm
              text={t('checklist.move.confirm', { v: v.version, name: v.name, y, m })}
              busy={busy}
              onYes={run}
              onNo={() => setAsk(false)}
            />
          ) : (
            <button type="button" class="btn secondary block" onClick={tryMove} data-testid="checklist-move">
              {t('checklist.move.submit')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function History({ versions }) {
  const t = useT();
  if (!versions?.length) return null;
  return (
    <section class="card" aria-labelledby="cl-hist">
      <h2 id="cl-hist">{t('checklist.versions')}</h2>
      <ul class="cl-versions" data-testid="checklist-versions">
        {[...versions]
          .sort((a, b) => b.version - a.version)
          .map((v) => (
            <li key={v.version}>
              <details>
                <summary>
                  <span class="cl-sum">
                    <span class="cl-sum-label">
                      {t('checklist.versionN', { v: v.version })}
                      <span class="muted small"> · {v.saved ? fmtTime(v.createdAt) : t('checklist.builtIn')}</span>
                    </span>
                    <span class="small muted">
                      {t('checklist.versionSub', { name: v.name, date: fmtDate(v.effectiveFrom), n: v.items.length, u: v.termsUsing })}
                    </span>
                  </span>
                </summary>
                <Items items={v.items} />
              </details>
            </li>
          ))}
      </ul>
    </section>
  );
}
