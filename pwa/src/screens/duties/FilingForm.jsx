// One schema-driven form for every filing kind (see KINDS). New: the phone makes the filing's UUID,
// takes GPS (optional) and the time, compresses the photos and queues a submitFiling in the outbox.
// Edit (a RETURNED or DRAFT filing, /inbox/:id): prefilled from the server, queues editFiling with
// the version it was based on.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/duties.js';
import { navigate } from '../../router.js';
import { BackLink, Loading, ErrorBox } from '../../ui.jsx';
import { enqueue, uuid, outbox } from '../../outbox/engine.js';
import { addPhoto } from '../../outbox/photos.js';
import { getPhoto, dropPhotos } from '../../outbox/db.js';
import { locate } from '../../outbox/geo.js';
import { KINDS, FILING_FIELDS, HouseholdPicker, ServerPhoto, BlobPhoto, today, isoLocal } from './common.jsx';
import { fromEntries } from '../../compat.js';

const MAX_PHOTOS = 9; // the server's limit per filing

// The county's photo requirements (none by default), read once per page load; offline, the form
// cannot know them and the server's PHOTO_REQUIRED refusal shows in the outbox instead.
let photoRules = null;
function usePhotoRule(kind) {
  const [rules, setRules] = useState(photoRules);
  useEffect(() => {
    if (photoRules) return;
    gql('{ photoRequirements { kind reason } }').then(
      (d) => setRules((photoRules = d.photoRequirements)),
      () => {},
    );
  }, []);
  return (rules || []).find((r) => r.kind === kind) || null;
}

function defaultTitle(t, kind, v) {
  const hh = v.household ? ` · ${v.household.headName}` : '';
  const topic = v.topic || v.name || '';
  return `${t(`duties.kind.${kind}`)}${topic ? ` · ${topic}` : hh} · ${v.occurredOn}`.slice(0, 200);
}

export default function FilingForm({ me, kind: kindParam, editId }) {
  useT(); // re-render on a language switch
  const [orig, setOrig] = useState(null); // the filing being edited
  const [loadErr, setLoadErr] = useState(null);
  useEffect(() => {
    if (!editId) return;
    gql(`query F($id: ID!) { filing(id: $id) { ${FILING_FIELDS} } }`, { id: editId }).then(
      (d) => (d.filing ? setOrig(d.filing) : setLoadErr({ code: 'NOT_FOUND' })),
      setLoadErr,
    );
  }, [editId]);
  if (editId && loadErr) return <ErrorBox error={loadErr} />;
  if (editId && !orig) return <Loading />;
  const kind = orig?.kind || kindParam;
  if (!KINDS[kind]) return <ErrorBox error={{ code: 'NOT_FOUND' }} />;
  return <Form me={me} kind={kind} orig={orig} key={orig?.id || kind} />;
}

function Form({ me, kind, orig }) {
  const t = useT();
  const cfg = KINDS[kind];
  const body = typeof orig?.body === 'string' ? JSON.parse(orig.body) : orig?.body || {};
  const [v, setV] = useState(() => ({
    occurredOn: orig?.occurredOn || today(),
    household: orig?.household || null,
    title: orig?.title || '',
    ...fromEntries(cfg.fields.map(([n]) => [n, body[n] ?? ''])),
  }));
  const [photos, setPhotos] = useState(() => (orig?.photos || []).map((p) => ({ sha: p.sha256, server: p })));
  const [busyPhotos, setBusyPhotos] = useState(0);
  const [geo, setGeo] = useState(
    orig ? (orig.lat != null ? { lat: orig.lat, lng: orig.lng, accuracyM: orig.accuracyM } : { error: 'NONE' }) : { busy: true },
  );
  const [errs, setErrs] = useState({});
  const photoRule = usePhotoRule(kind);
  const [formErr, setFormErr] = useState(null);
  const [saving, setSaving] = useState(false);
  const fileRef = useRef();
  const set = (k) => (e) => setV((s) => ({ ...s, [k]: e.currentTarget.value }));
  const locateNow = () => {
    setGeo({ busy: true });
    locate().then(setGeo);
  };
  useEffect(() => {
    if (!orig) locateNow();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- locate once, when the form opens
  }, []);

  async function onFiles(e) {
    let files = [...e.currentTarget.files];
    e.currentTarget.value = '';
    const room = MAX_PHOTOS - photos.length - busyPhotos;
    if (files.length > room) {
      setFormErr(t('duties.tooManyPhotos', { n: MAX_PHOTOS }));
      files = files.slice(0, Math.max(0, room));
    } else setFormErr(null);
    setBusyPhotos((n) => n + files.length);
    for (const f of files) {
      try {
        const rec = await addPhoto(f, me.id);
        setPhotos((ps) => (ps.some((p) => p.sha === rec.sha) ? ps : [...ps, { sha: rec.sha, blob: rec.blob, size: rec.size }]));
      } catch {
        setFormErr(t('duties.photoFailed'));
      }
      setBusyPhotos((n) => n - 1);
    }
  }
  function removePhoto(sha) {
    setPhotos((ps) => ps.filter((p) => p.sha !== sha));
    dropPhotos([sha]).catch(() => {});
  }

  async function submit(e) {
    e.preventDefault();
    const fe = {};
    if (cfg.household && !v.household) fe.household = t('common.required');
    for (const [n, type, req] of cfg.fields) {
      const x = String(v[n] ?? '').trim();
      if (req && !x) fe[n] = t('common.required');
      else if (type === 'int' && x && !/^\d+$/.test(x)) fe[n] = t('duties.wholeNumber');
    }
    if (!v.occurredOn) fe.occurredOn = t('common.required');
    if (photoRule && photos.length === 0) fe.photos = t('duties.photoRequiredErr');
    setErrs(fe);
    if (Object.keys(fe).length || busyPhotos) return;
    setSaving(true);
    const b = {};
    for (const [n, type] of cfg.fields) b[n] = type === 'int' ? Number(v[n]) : type === 'bool' ? v[n] === true : String(v[n]).trim();
    const title = (v.title.trim() || defaultTitle(t, kind, { ...v, ...b })).slice(0, 200);
    const input = {
      id: orig?.id || uuid(),
      kind,
      occurredOn: v.occurredOn,
      recordedAt: isoLocal(),
      title,
      body: b,
      householdId: cfg.household ? v.household.id : null,
      lat: geo.lat ?? null,
      lng: geo.lng ?? null,
      accuracyM: geo.accuracyM ?? null,
      photos: photos.map((p) => p.sha),
      submit: true,
    };
    try {
      await enqueue({
        op: orig ? 'editFiling' : 'submitFiling',
        vars: orig ? { input, baseVersion: orig.version } : { input },
        photos: input.photos,
        ref: input.id,
        kind,
        title,
        meta: v.household ? { household: v.household.headName } : null,
      });
      navigate('/outbox');
    } catch (err) {
      setSaving(false);
      setFormErr(errorText(err.code, err.message));
    }
  }

  const id = (n) => `ff-${n}`;
  const pending = orig && outbox.get().items.some((i) => i.ref === orig.id && i.state !== 'sent' && i.op === 'editFiling');
  return (
    <section class="card">
      <BackLink href={orig ? '/inbox' : '/duties'} />
      <h2 data-testid="form-title">
        {orig ? t('duties.editFiling') : t('duties.newFiling')}：{t(`duties.kind.${kind}`)}
      </h2>
      {orig?.reviewComment && (
        <p class="review-comment" role="note" data-testid="review-comment">
          <strong>{t('duties.reviewComment')}：</strong>
          {orig.reviewComment}
        </p>
      )}
      {pending && <p class="form-err">{t('duties.editPending')}</p>}
      <form class="form" onSubmit={submit} noValidate>
        {cfg.household && (
          <HouseholdPicker
            villageId={me.orgUnit.id}
            value={v.household}
            hardshipOnly={cfg.household === 'hardship'}
            onPick={(h) => setV((s) => ({ ...s, household: h }))}
            error={errs.household}
          />
        )}
        {cfg.household === 'all' && (
          <a class="back small" href="/households" data-testid="roster-link">
            {t('duties.seeRoster')} ›
          </a>
        )}
        <div class="input">
          <label for={id('occurredOn')}>
            {t('duties.occurredOn')}
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          </label>
          <input id={id('occurredOn')} type="date" value={v.occurredOn} max={today()} onInput={set('occurredOn')} required />
          {errs.occurredOn && <p class="field-err">{errs.occurredOn}</p>}
        </div>
        {cfg.fields.map(([n, type, req, options]) =>
          type === 'bool' ? (
            <div class="check" key={n}>
              <input
                id={id(n)}
                type="checkbox"
                checked={v[n] === true}
                onChange={(e) => setV((s) => ({ ...s, [n]: e.currentTarget.checked }))}
              />
              <label for={id(n)}>{t(`duties.field.${n}`)}</label>
            </div>
          ) : (
            <div class="input" key={n}>
              <label for={id(n)}>
                {t(`duties.field.${n}`)}
                {req && (
                  <span class="req" aria-hidden="true">
                    {' '}
                    *
                  </span>
                )}
              </label>
              {type === 'textarea' ? (
                <textarea id={id(n)} rows={5} value={v[n]} onInput={set(n)} aria-invalid={errs[n] ? 'true' : undefined} />
              ) : type === 'select' ? (
                <select id={id(n)} value={v[n]} onChange={set(n)} aria-invalid={errs[n] ? 'true' : undefined}>
                  <option value="">{t('common.choose')}</option>
                  {options.map((o) =>
                    Array.isArray(o) ? (
                      <option key={o[0]} value={o[0]}>
                        {t(o[1])}
                      </option>
                    ) : (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ),
                  )}
                </select>
              ) : (
                <input
                  id={id(n)}
                  type="text"
                  inputMode={type === 'int' ? 'numeric' : undefined}
                  value={v[n]}
                  onInput={set(n)}
                  aria-invalid={errs[n] ? 'true' : undefined}
                />
              )}
              {errs[n] && <p class="field-err">{errs[n]}</p>}
            </div>
          ),
        )}
        <div class="input">
          <label for={id('title')}>{t('duties.filingTitle')}</label>
          <input id={id('title')} type="text" maxLength={200} value={v.title} onInput={set('title')} placeholder={t('duties.titleAuto')} />
        </div>
        <fieldset class="input photos">
          <legend>{photoRule ? t('duties.photos') : t('duties.photosOptional')}</legend>
          {photoRule && (
            <p class="small" data-testid="photo-required">
              {t('duties.photoRequired', { reason: photoRule.reason })}
            </p>
          )}
          <ul class="thumbs" aria-label={t('duties.photos')}>
            {photos.map((p, i) => (
              <li key={p.sha}>
                {p.blob ? (
                  <BlobPhoto blob={p.blob} alt={`${t('duties.photos')} ${i + 1}`} />
                ) : p.server ? (
                  <ServerPhoto photo={p.server} alt={`${t('duties.photos')} ${i + 1}`} />
                ) : (
                  <LocalPhoto sha={p.sha} />
                )}
                <button type="button" class="thumb-x" aria-label={t('duties.removePhoto', { n: i + 1 })} onClick={() => removePhoto(p.sha)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          {busyPhotos > 0 && (
            <p class="muted small" role="status">
              {t('duties.compressing', { n: busyPhotos })}
            </p>
          )}
          <label class="btn secondary block photo-btn" for={id('photo')}>
            {t('duties.addPhoto')}
          </label>
          <input
            ref={fileRef}
            id={id('photo')}
            class="sr-only"
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            onChange={onFiles}
          />
          {errs.photos && <p class="field-err">{errs.photos}</p>}
        </fieldset>
        <div class="input geo" data-testid="geo">
          <span class="label">{t('duties.location')}</span>
          <p class="small">
            {geo.busy
              ? t('duties.gpsLocating')
              : geo.lat != null
                ? t('duties.gpsOk', { m: Math.round(geo.accuracyM ?? 0), lat: geo.lat.toFixed(5), lng: geo.lng.toFixed(5) })
                : t('duties.gpsNone')}
          </p>
          {!geo.busy && (
            <button type="button" class="btn secondary small-btn" onClick={locateNow}>
              {t('duties.gpsRetry')}
            </button>
          )}
        </div>
        {formErr && (
          <p class="form-err" role="alert">
            {formErr}
          </p>
        )}
        <button type="submit" class="btn block" disabled={saving || busyPhotos > 0} data-testid="queue-submit">
          {saving ? t('common.saving') : orig ? t('duties.resubmit') : t('duties.queueSubmit')}
        </button>
        <p class="muted small">{t('duties.queueHint')}</p>
      </form>
    </section>
  );
}

function LocalPhoto({ sha }) {
  const [blob, setBlob] = useState(null);
  useEffect(() => {
    getPhoto(sha).then((p) => p && setBlob(p.blob));
  }, [sha]);
  return blob ? <BlobPhoto blob={blob} alt="" /> : <span class="thumb thumb-empty" />;
}
