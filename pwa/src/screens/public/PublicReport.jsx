// 反映问题 without an account, from the village's public page: what the problem is, optionally
// details, a photo and a phone number to be called back on (without one the report is anonymous),
// and — where the villager first gives data — a short notice of what is kept, why, who sees it and
// for how long. Kept on the phone first, so nothing is lost without signal (queue.js).
import { useEffect, useState } from 'preact/hooks';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/public.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { PhotoField } from '../../photoField.jsx';
import { PrivacyNotice } from '../../privacyNotice.jsx';
import { loadPublicPage } from './page.js';
import { queueReport, startPublicQueue, OWNER } from './queue.js';
import './public.css';

const TITLE_MAX = 100;
const DETAILS_MAX = 1000;
const PHONE = /^(1[3-9]\d{9}|0\d{9,11})$/;
const digits = (s) => s.replace(/[\s\-()（）]/g, '');

function Done({ item, villageId, onAnother }) {
  const t = useT();
  const limited = item.error?.code === 'RATE_LIMITED';
  const text =
    item.state === 'sent'
      ? t('publicReport.sent', { ref: item.reference })
      : item.state === 'failed'
        ? t('publicReport.failed', { reason: errorText(item.error?.code || 'UNKNOWN', item.error?.message) })
        : limited
          ? t('publicReport.waitLimit')
          : t('publicReport.savedOffline');
  return (
    <section class="card pub" aria-labelledby="pr-done">
      <h2 id="pr-done">{t('publicReport.title')}</h2>
      <p class={item.state === 'failed' ? 'form-err' : 'form-ok pub-text'} role="status" data-testid="public-report-result" data-state={item.state}>
        {text}
      </p>
      <a class="btn block pub-big" href={`/v/${encodeURIComponent(villageId)}`}>
        {t('publicReport.back')}
      </a>
      <button type="button" class="btn secondary block" onClick={onAnother}>
        {t('publicReport.another')}
      </button>
    </section>
  );
}

export default function PublicReport({ villageId }) {
  const t = useT();
  useEffect(() => startPublicQueue(), []);
  const village = useLoad(() => loadPublicPage(villageId), [villageId]);
  const [f, setF] = useState({ title: '', details: '', phone: '', website: '' });
  const [photo, setPhoto] = useState(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });

  async function submit(e) {
    e.preventDefault();
    const fe = {};
    const title = f.title.trim();
    if (!title) fe.title = t('publicReport.required');
    else if (title.length > TITLE_MAX) fe.title = t('publicReport.tooLong', { n: TITLE_MAX });
    if (f.details.trim().length > DETAILS_MAX) fe.details = t('publicReport.tooLong', { n: DETAILS_MAX });
    if (f.phone.trim() && !PHONE.test(digits(f.phone))) fe.phone = t('publicReport.phoneBad');
    setErrs(fe);
    if (Object.keys(fe).length || photoBusy) return;
    setBusy(true);
    try {
      const item = await queueReport({
        villageId,
        title,
        description: f.details.trim(),
        contactPhone: digits(f.phone),
        photo: photo?.sha || null,
        website: f.website,
      });
      setDone(item);
      window.scrollTo(0, 0);
    } catch (x) {
      setErrs({ form: errorText(x.code || 'UNKNOWN', x.message) });
    } finally {
      setBusy(false);
    }
  }
  function another() {
    setDone(null);
    setF({ title: '', details: '', phone: '', website: '' });
    setPhoto(null);
  }

  if (done) return <Done item={done} villageId={villageId} onAnother={another} />;
  if (village.loading && !village.data) return <Loading />;
  if (village.error) return <ErrorBox error={village.error} onRetry={village.reload} />;
  const name = village.data.page.villageName;
  return (
    <form class="card form pub" aria-labelledby="pr-title" noValidate onSubmit={submit}>
      <a class="back pub-back" href={`/v/${encodeURIComponent(villageId)}`}>
        ← {t('publicReport.back')}
      </a>
      <h2 id="pr-title">{t('publicReport.title')}</h2>
      <p class="pub-text">{t('publicReport.to', { village: name })}</p>
      <div class="input">
        <label for="pr-what">{t('publicReport.what')}</label>
        <input
          id="pr-what"
          name="title"
          value={f.title}
          maxLength={TITLE_MAX}
          placeholder={t('publicReport.whatPlaceholder')}
          required
          aria-invalid={errs.title ? 'true' : undefined}
          aria-describedby={errs.title ? 'pr-what-err' : undefined}
          onInput={set('title')}
        />
        {errs.title && (
          <p class="field-err" id="pr-what-err">
            {errs.title}
          </p>
        )}
      </div>
      <div class="input">
        <label for="pr-details">{t('publicReport.details')}</label>
        <textarea
          id="pr-details"
          name="details"
          rows={4}
          value={f.details}
          maxLength={DETAILS_MAX}
          placeholder={t('publicReport.detailsPlaceholder')}
          aria-invalid={errs.details ? 'true' : undefined}
          onInput={set('details')}
        />
        {errs.details && <p class="field-err">{errs.details}</p>}
      </div>
      <PhotoField
        id="pr-photo"
        owner={OWNER}
        photo={photo}
        onChange={setPhoto}
        onBusy={setPhotoBusy}
        labels={{
          legend: t('publicReport.photo'),
          add: t('publicReport.addPhoto'),
          remove: t('publicReport.removePhoto'),
          compressing: t('publicReport.compressing'),
          failed: t('publicReport.photoFailed'),
        }}
      />
      <div class="input">
        <label for="pr-phone">{t('publicReport.phone')}</label>
        <input
          id="pr-phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={f.phone}
          maxLength={20}
          aria-invalid={errs.phone ? 'true' : undefined}
          aria-describedby="pr-phone-hint"
          onInput={set('phone')}
        />
        <p class="muted pub-hint" id="pr-phone-hint">
          {t('publicReport.phoneHint')}
        </p>
        {errs.phone && <p class="field-err">{errs.phone}</p>}
      </div>
      {/* a field people never see (off screen, out of the tab order, hidden from screen readers): bots fill it */}
      <div class="pub-hp" aria-hidden="true">
        <label for="pr-website">{t('publicReport.honeypot')}</label>
        <input id="pr-website" name="website" tabIndex={-1} autoComplete="off" value={f.website} onInput={set('website')} />
      </div>
      <PrivacyNotice kind="publicReport" />
      {errs.form && (
        <p class="form-err" role="alert">
          {errs.form}
        </p>
      )}
      <button type="submit" class="btn block pub-big" disabled={busy || photoBusy} data-testid="public-report-submit">
        {busy ? t('publicReport.sending') : t('publicReport.submit')}
      </button>
    </form>
  );
}
