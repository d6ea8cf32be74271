// The assessment sheet of one secretary for a period: every rubric item grouped by part, with
// the system's proposal and its evidence (links to the filings). An assessor (canScore) confirms a
// proposal in one tap or overrides it (occurrences or points, with a required note); part sums and
// the target score follow live; saving sends the version read (STALE_VERSION → reload prompt).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox, enumLabel } from '../../ui.jsx';
import { Back, ErrLine, mutate, useToast, fmtTime } from '../review/kit.jsx';
import { PARTS, periodOf, pts, pointsCenti, partLabel } from './common.jsx';
import { ItemCard, isOverride } from './ItemCard.jsx';
import { Q_ASSESSMENT, M_SCORE, flatAssessment } from './queries.js';
import { fromEntries } from '../../compat.js';

const centi = (x) => (x == null ? null : Math.round(Number(x) * 100));
export const isScored = (it) => it.scored ?? it.points != null;

/** The value an item counts with now: the unsaved edit, else the saved score, else nothing. */
function shown(it, edit) {
  if (edit) return edit;
  if (isScored(it)) return { occurrences: it.occurrences, centi: centi(it.points), note: it.note || '', saved: true };
  return null;
}

/** Why an edit cannot be saved yet (null when it can). */
export function editProblem(it, edit) {
  if (!edit) return null;
  if (!Number.isFinite(edit.centi)) return 'assessment.sheet.pointsInvalid';
  if ((it.minPoints != null && edit.centi < centi(it.minPoints)) || (it.maxPoints != null && edit.centi > centi(it.maxPoints)))
    return 'assessment.sheet.pointsRange';
  if (isOverride(it, edit) && !String(edit.note || '').trim()) return 'assessment.sheet.noteRequired';
  return null;
}

/** `own`: a secretary reading their own sheet (no links into the staff screens). */
export default function AssessmentSheet({ me, secretaryId, own = false }) {
  useT(); // re-render on a language switch
  const path = useRoute();
  const period = periodOf(path);
  const { data, error, loading, reload } = useLoad(
    () => gql(Q_ASSESSMENT, { s: secretaryId, p: period }).then((d) => flatAssessment(d.assessment)),
    [secretaryId, period],
  );
  const [fresh, setFresh] = useState(null); // the assessment as returned by the last save
  const [toast, show] = useToast(); // outlives the sheet, which is remade for each version
  const a = fresh && fresh.period === period ? fresh : data;
  if (loading && !a) return <Loading />;
  if (error && !a)
    return (
      <section class="card">
        {!own && <Back fallback={`/assessments?period=${period}`} />}
        <ErrorBox error={error} onRetry={reload} />
      </section>
    );
  return (
    <>
      <Sheet
        key={`${a.secretary.id}:${a.version}`}
        a={a}
        period={period}
        me={me}
        show={show}
        own={own}
        onSaved={setFresh}
        onReload={() => {
          setFresh(null);
          reload();
        }}
      />
      {toast}
    </>
  );
}

function Sheet({ a, period, show, onSaved, onReload, own }) {
  const t = useT();
  const [edits, setEdits] = useState({}); // key → { occurrences, centi, note }
  const [saving, setSaving] = useState(false);
  const [err, setErr] = useState(null);
  const [stale, setStale] = useState(null);
  const [only, setOnly] = useState(''); // '' | 'open' | 'overridden' | 'changed': which items to show
  const canScore = a.canScore;
  const keep = (it) =>
    !only ||
    (only === 'open' && !isScored(it)) ||
    (only === 'overridden' && it.overridden) ||
    (only === 'changed' && it.evidenceChanged) ||
    !!edits[it.key];
  const byPart = PARTS.map((p) => [p, a.items.filter((it) => it.part === p && keep(it))]).filter(([, l]) => l.length);
  const counts = {
    open: a.items.filter((i) => !isScored(i)).length,
    overridden: a.items.filter((i) => i.overridden).length,
    changed: a.items.filter((i) => i.evidenceChanged).length,
  };
  const sums = useMemo(() => {
    const s = fromEntries(PARTS.map((p) => [p, 0]));
    for (const it of a.items) {
      const v = shown(it, edits[it.key]);
      if (v) s[it.part] += v.centi || 0;
    }
    return s;
  }, [a, edits]);
  const target = Math.max(
    0,
    PARTS.reduce((n, p) => n + sums[p], 0),
  );
  const changed = Object.keys(edits);
  useEffect(() => {
    // closing or reloading the page with unsaved scores asks first
    if (!changed.length) return undefined;
    const stop = (e) => {
      e.preventDefault();
      e.returnValue = '';
    };
    addEventListener('beforeunload', stop);
    return () => removeEventListener('beforeunload', stop);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when unsaved changes appear or disappear
  }, [changed.length > 0]);
  const problems = changed
    .map((k) => [
      k,
      editProblem(
        a.items.find((i) => i.key === k),
        edits[k],
      ),
    ])
    .filter(([, p]) => p);
  const scoredCount = a.items.filter((it) => shown(it, edits[it.key])).length;

  const setEdit = (key, e) =>
    setEdits((s) => {
      const n = { ...s };
      if (e) n[key] = e;
      else delete n[key];
      return n;
    });
  const confirmAll = () =>
    setEdits((s) => {
      const n = { ...s };
      for (const it of a.items)
        if (!isScored(it) && !n[it.key] && it.proposedPoints != null)
          n[it.key] = { occurrences: it.proposedOccurrences ?? 0, centi: centi(it.proposedPoints), note: '' };
      return n;
    });
  const unconfirmed = a.items.filter((it) => !isScored(it) && !edits[it.key] && it.proposedPoints != null).length;

  async function save() {
    if (problems.length) {
      setErr({ code: 'INVALID_INPUT', message: t(problems[0][1]) });
      document.getElementById(`item-${problems[0][0]}`)?.scrollIntoView({ block: 'center' });
      return;
    }
    setSaving(true);
    setErr(null);
    const items = changed.map((key) => ({
      key,
      occurrences: edits[key].occurrences ?? 0,
      points: edits[key].centi / 100,
      note: String(edits[key].note || '').trim(),
    }));
    try {
      const p = await mutate(M_SCORE, { input: { secretaryId: a.secretary.id, period, version: a.version, items } }, 'scoreAssessment');
      show(t('assessment.sheet.savedN', { n: items.length }));
      setEdits({});
      if (p.assessment) onSaved(flatAssessment(p.assessment));
      else onReload();
    } catch (e) {
      if (e.code === 'STALE_VERSION') setStale(e.payload?.currentVersion ?? true);
      else {
        setErr(e);
        const m = /^items\.(\d+)\./.exec(e.field || '');
        if (m) document.getElementById(`item-${items[Number(m[1])]?.key}`)?.scrollIntoView({ block: 'center' });
      }
    }
    setSaving(false);
  }

  const s = { ...a.secretary, township: a.secretary.village?.parent };
  return (
    <>
      <section class="card" aria-labelledby="as-name">
        {!own && <Back fallback={`/assessments?period=${period}`} />}
        <h2 id="as-name" data-testid="assessment-name">
          {s.name} · {t('assessment.sheet.titleOf', { y: period })}
        </h2>
        {own ? (
          <p class="muted small">{[s.township?.name, s.village?.name, s.mode && enumLabel(t, s.mode)].filter(Boolean).join(' · ')}</p>
        ) : (
          <p class="muted small">
            {s.township && <a href={`/rankings?period=${period}&townshipId=${encodeURIComponent(s.township.id)}`}>{s.township.name}</a>}
            {s.township && ' · '}
            {s.village && <a href={`/v/${encodeURIComponent(s.village.id)}`}>{s.village.name}</a>}
            {s.mode && <> · {enumLabel(t, s.mode)}</>}
            {' · '}
            <a href={`/filings?secretaryId=${encodeURIComponent(s.id)}`}>{t('common.allFilings')}</a>
          </p>
        )}
        <p class="small">
          {t('assessment.sheet.assessor')}：{t(`role.${a.assessorRole}`)} · {t('assessment.versionN', { n: a.version })}
          {a.rubricVersion != null && <> · {t('assessment.sheet.rubricV', { n: a.rubricVersion })}</>}
        </p>
        <p class="small">
          <span
            class={`st ${a.status === 'COMPLETE' ? 'ok' : a.status === 'IN_PROGRESS' ? 'wait' : 'off'}`}
            data-testid="assessment-status"
          >
            {t(`assessment.status.${a.status}`)}
          </span>
        </p>
        {!canScore && !own && (
          <p class="a7-note" data-testid="read-only">
            {t('assessment.sheet.readOnlyLong', { r: t(`role.${a.assessorRole}`) })}
          </p>
        )}
        <div class="a7-parts" data-testid="part-sums">
          {PARTS.map((p) => (
            <div key={p} data-part={p}>
              <span>{partLabel(p)}</span>
              <strong data-testid={`sum-${p}`}>{pts(sums[p] / 100)}</strong>
            </div>
          ))}
          <div class="a7-target">
            <span>{t('assessment.target')}</span>
            <strong data-testid="target-score">{pts(target / 100)}</strong>
          </div>
        </div>
        <p class="muted small">{t('assessment.scoredOf', { n: scoredCount, m: a.items.length })}</p>
        <div class="reasons" role="group" aria-label={t('common.filter')}>
          {[
            ['', t('common.all')],
            ['open', t('assessment.sheet.onlyOpen', { n: counts.open })],
            ['overridden', t('assessment.sheet.onlyOverridden', { n: counts.overridden })],
            ['changed', t('assessment.sheet.onlyChanged', { n: counts.changed })],
          ]
            .filter(([k]) => !k || counts[k])
            .map(([k, label]) => (
              <button
                key={k}
                type="button"
                class="reason"
                aria-pressed={only === k ? 'true' : 'false'}
                onClick={() => setOnly(k)}
                data-testid={`only-${k || 'all'}`}
              >
                {label}
              </button>
            ))}
        </div>
        {canScore && unconfirmed > 0 && (
          <button type="button" class="btn secondary block" onClick={confirmAll} data-testid="confirm-all">
            {t('assessment.sheet.confirmAll', { n: unconfirmed })}
          </button>
        )}
      </section>
      {byPart.map(([part, items]) => (
        <section class="card" key={part} aria-labelledby={`part-${part}`} data-testid="part">
          <h2 id={`part-${part}`} class="a7-part-head">
            <span>{partLabel(part)}</span>
            <span class="score">{pts(sums[part] / 100)}</span>
          </h2>
          {groups(items).map(([label, list]) => (
            <div class="a7-group" key={label}>
              {label && <h3>{label}</h3>}
              {list.map((it) => (
                <ItemCard
                  key={it.key}
                  it={it}
                  canScore={canScore}
                  secretaryId={s.id}
                  own={own}
                  value={shown(it, edits[it.key])}
                  edited={!!edits[it.key]}
                  problem={editProblem(it, edits[it.key])}
                  onEdit={(e) => setEdit(it.key, e)}
                  pointsFor={(k) => pointsCenti(it, k)}
                />
              ))}
            </div>
          ))}
        </section>
      ))}
      {canScore && (
        <div class="a7-savebar" data-testid="save-bar">
          {stale ? (
            <div class="confirm danger" role="alertdialog" data-testid="stale">
              <p>{t('assessment.sheet.stale', { n: typeof stale === 'number' ? stale : '' })}</p>
              <button type="button" class="btn block" onClick={onReload} data-testid="stale-reload">
                {t('assessment.reload')}
              </button>
            </div>
          ) : (
            <>
              <ErrLine error={err} />
              <div class="a7-savebar-row">
                <span>
                  <span class="muted small">{t('assessment.target')}</span> <strong class="score">{pts(target / 100)}</strong>
                </span>
                <button type="button" class="btn" disabled={saving || !changed.length} onClick={save} data-testid="save-assessment">
                  {saving
                    ? t('common.saving')
                    : changed.length
                      ? t('assessment.sheet.saveN', { n: changed.length })
                      : t('common.noChanges')}
                </button>
              </div>
            </>
          )}
        </div>
      )}
      {a.updatedAt && <p class="muted small center">{t('assessment.sheet.lastScored', { at: fmtTime(a.updatedAt) })}</p>}
    </>
  );
}

/** Items in rubric order, grouped by their group label. */
function groups(items) {
  const out = [];
  for (const it of items) {
    const label = it.groupLabel || '';
    const last = out[out.length - 1];
    if (last && last[0] === label) last[1].push(it);
    else out.push([label, [it]]);
  }
  return out;
}
