// 对本应用提投诉建议 without an account, from a village's public page: to the county, never seen by
// the township or village; anonymous unless a call-back number is left. Sent at once (no queue:
// without signal it says so and keeps the form) → the tracking number.
import { useState } from 'preact/hooks';
import '../../i18n/complaints.js';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/public.js';
import { graphqlRequest } from '../../api.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { loadPublicPage } from '../public/page.js';
import '../public/public.css';
import { ComplaintFields, Sent, textError, PHONE, digits } from './kit.jsx';
import { PrivacyNotice } from '../../privacyNotice.jsx';

const SEND = `mutation($i: PublicComplaintInput!) { sendPublicComplaint(input: $i) {
  trackingNumber retryAfter errors { code message field } } }`;
const EMPTY = { kind: 'COMPLAINT', topic: 'FORCED_CHECK_IN', about: '', text: '', phone: '', website: '' };

export default function PublicComplaint({ villageId }) {
  const t = useT();
  const village = useLoad(() => loadPublicPage(villageId), [villageId]);
  const [f, setF] = useState(EMPTY);
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(null);
  const set = (k, v) => setF((x) => ({ ...x, [k]: v }));
  const back = `/v/${encodeURIComponent(villageId)}`;

  async function submit(e) {
    e.preventDefault();
    const fe = {};
    const text = textError(t, f.text);
    if (text) fe.text = text;
    if (f.phone.trim() && !PHONE.test(digits(f.phone))) fe.phone = t('complaint.phoneBad');
    setErrs(fe);
    if (Object.keys(fe).length) return;
    setBusy(true);
    try {
      const input = {
        villageId,
        kind: f.kind,
        topic: f.topic,
        text: f.text.trim(),
        aboutUnitId: f.about || null,
        contactPhone: digits(f.phone) || null,
        website: f.website,
      };
      const json = await graphqlRequest(SEND, { i: input }, { anonymous: true, timeoutMs: 20_000 });
      const p = json.data?.sendPublicComplaint;
      const err = p?.errors?.[0] || (json.errors?.[0] && { code: json.errors[0].extensions?.code, message: json.errors[0].message });
      if (err) {
        setErrs(
          err.field === 'text' || err.field === 'contactPhone' ? { [err.field === 'text' ? 'text' : 'phone']: err.message } : { form: err },
        );
        return;
      }
      setSent(p.trackingNumber);
      window.scrollTo(0, 0);
    } catch (x) {
      setErrs({ form: { code: x.code || 'UNKNOWN', message: x.message } });
    } finally {
      setBusy(false);
    }
  }

  if (sent)
    return (
      <div class="pub">
        <Sent
          number={sent}
          backHref={back}
          onAnother={() => {
            setSent(null);
            setF(EMPTY);
          }}
        />
      </div>
    );
  if (village.loading && !village.data) return <Loading />;
  if (village.error) return <ErrorBox error={village.error} onRetry={village.reload} />;
  const page = village.data.page;
  const units = [[page.villageId, t('complaint.aboutVillage', { name: page.villageName })]];
  if (page.townshipId) units.unshift([page.townshipId, t('complaint.aboutTownship', { name: page.townshipName })]);
  return (
    <form class="card form pub cp" aria-labelledby="cp-title" noValidate onSubmit={submit}>
      <a class="back pub-back" href={back}>
        ← {t('complaint.back')}
      </a>
      <h2 id="cp-title">{t('complaint.publicTitle')}</h2>
      <p class="pub-text">{t('complaint.publicIntro')}</p>
      <ComplaintFields f={f} set={set} units={units} errs={errs} big />
      <div class="input">
        <label for="cp-phone">{t('complaint.phone')}</label>
        <input
          id="cp-phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={f.phone}
          maxLength={20}
          aria-invalid={errs.phone ? 'true' : undefined}
          aria-describedby="cp-phone-hint"
          onInput={(e) => set('phone', e.currentTarget.value)}
        />
        <p class="muted pub-hint" id="cp-phone-hint">
          {t('complaint.phoneHint')}
        </p>
        {errs.phone && <p class="field-err">{errs.phone}</p>}
      </div>
      {/* a field people never see (off screen, out of the tab order, hidden from screen readers): bots fill it */}
      <div class="pub-hp" aria-hidden="true">
        <label for="cp-website">{t('complaint.honeypot')}</label>
        <input
          id="cp-website"
          name="website"
          tabIndex={-1}
          autoComplete="off"
          value={f.website}
          onInput={(e) => set('website', e.currentTarget.value)}
        />
      </div>
      <PrivacyNotice kind="complaint" />
      {errs.form && (
        <p class="form-err" role="alert">
          {errorText(errs.form.code || 'UNKNOWN', errs.form.message)}
        </p>
      )}
      <button type="submit" class="btn block pub-big" disabled={busy} data-testid="complaint-submit">
        {busy ? t('complaint.sending') : t('complaint.submit')}
      </button>
      <a class="btn secondary block" href="/complaints/track">
        {t('complaint.track')}
      </a>
    </form>
  );
}
