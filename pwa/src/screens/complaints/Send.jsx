// 投诉建议 with an account (every role): kind, topic, the unit it concerns (the caller's own
// township or village, optional), the text, and "anonymous" with what it costs (no call-back; the
// number is the only way to follow it) → the tracking number.
import { useState } from 'preact/hooks';
import '../../i18n/complaints.js';
import { useT } from '../../i18n.js';
import { useLoad } from '../../ui.jsx';
import { Back, mutate, ErrLine } from '../review/kit.jsx';
import { loadPublicPage } from '../public/page.js';
import { ComplaintFields, Sent, textError } from './kit.jsx';
import { PrivacyNotice } from '../../privacyNotice.jsx';

const SEND = `mutation($i: SendComplaintInput!) { sendComplaint(input: $i) {
  complaint { id trackingNumber state } errors { code message field } } }`;

const EMPTY = { kind: 'COMPLAINT', topic: 'FORCED_CHECK_IN', about: '', text: '', anonymous: false };

/** The units the caller may name: their own township and village. */
async function ownUnits(me, t) {
  const unit = me.orgUnit;
  if (!unit) return [];
  if (me.role === 'TOWNSHIP') return [[unit.id, t('complaint.aboutTownship', { name: unit.name })]];
  if (me.role !== 'VILLAGE' && me.role !== 'MEMBER') return [];
  const units = [[unit.id, t('complaint.aboutVillage', { name: unit.name })]];
  try {
    const { page } = await loadPublicPage(unit.id);
    if (page.townshipId) units.unshift([page.townshipId, t('complaint.aboutTownship', { name: page.townshipName })]);
  } catch {
    /* offline: the village only */
  }
  return units;
}

export default function SendComplaint({ me }) {
  const t = useT();
  const units = useLoad(() => ownUnits(me, t), [me.id]);
  const [f, setF] = useState(EMPTY);
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(null);
  const set = (k, v) => setF((x) => ({ ...x, [k]: v }));

  async function submit(e) {
    e.preventDefault();
    const text = textError(t, f.text);
    setErrs(text ? { text } : {});
    if (text) return;
    setBusy(true);
    try {
      const p = await mutate(
        SEND,
        { i: { kind: f.kind, topic: f.topic, text: f.text.trim(), aboutUnitId: f.about || null, anonymous: f.anonymous } },
        'sendComplaint',
      );
      setSent(p.complaint.trackingNumber);
      window.scrollTo(0, 0);
    } catch (x) {
      setErrs(x.field === 'text' ? { text: x.message } : { form: x });
    } finally {
      setBusy(false);
    }
  }

  if (sent)
    return (
      <Sent
        number={sent}
        backHref="/"
        onAnother={() => {
          setSent(null);
          setF(EMPTY);
        }}
      />
    );
  return (
    <form class="card form cp" aria-labelledby="cp-title" noValidate onSubmit={submit}>
      <Back fallback="/" />
      <h2 id="cp-title">{t('complaint.title')}</h2>
      <p>{t('complaint.intro')}</p>
      <ComplaintFields f={f} set={set} units={units.data || []} errs={errs} />
      <div class="check">
        <input
          id="cp-anon"
          type="checkbox"
          checked={f.anonymous}
          onChange={(e) => set('anonymous', e.currentTarget.checked)}
          data-testid="complaint-anonymous"
        />
        <label for="cp-anon">{t('complaint.anonymous')}</label>
      </div>
      <p class="muted small cp-hint">{t('complaint.anonymousHint')}</p>
      <PrivacyNotice kind="complaint" />
      <ErrLine error={errs.form} />
      <button type="submit" class="btn block" disabled={busy} data-testid="complaint-submit">
        {busy ? t('complaint.sending') : t('complaint.submit')}
      </button>
      <div class="row2">
        <a class="btn secondary" href="/complaints/mine" data-testid="my-complaints-link">
          {t('complaint.mine')}
        </a>
        <a class="btn secondary" href="/complaints/track">
          {t('complaint.track')}
        </a>
      </div>
    </form>
  );
}
