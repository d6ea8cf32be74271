// MEMBER: 反映问题 from the village public page: title + description, and a photo if they like
// (compressed on the phone, uploaded before the report). Stored on the phone first, sent when
// online; it lands in the secretary's problem ledger.
import { useEffect, useState } from 'preact/hooks';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/report.js';
import { navigate } from '../../router.js';
import { Back } from '../review/kit.jsx';
import { PhotoField } from '../../photoField.jsx';
import { PrivacyNotice } from '../../privacyNotice.jsx';
import { start, report } from './queue.js';

export default function ReportProblem({ me }) {
  const t = useT();
  const [title, setTitle] = useState('');
  const [desc, setDesc] = useState('');
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [photo, setPhoto] = useState(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- start once per user
  useEffect(() => start(me), [me.id]);
  async function submit(e) {
    e.preventDefault();
    const fe = {};
    if (!title.trim()) fe.title = t('report.problemTitleRequired');
    else if (title.trim().length > 100) fe.title = t('report.tooLong', { n: 100 });
    if (desc.trim().length > 2000) fe.desc = t('report.tooLong', { n: 2000 });
    setErrs(fe);
    if (Object.keys(fe).length || photoBusy) return;
    setBusy(true);
    setErr(null);
    try {
      await report({ title: title.trim(), description: desc.trim(), photo: photo?.sha || null });
      navigate('/my-problems?sent=1');
    } catch (x) {
      setErr(x);
      setBusy(false);
    }
  }
  return (
    <form class="card form" aria-labelledby="rp-title" noValidate onSubmit={submit}>
      <Back fallback="/" />
      <h2 id="rp-title">{t('report.title')}</h2>
      <p class="muted small">{t('report.hint')}</p>
      <div class="input">
        <label for="rp-t">
          {t('report.problemTitle')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <input
          id="rp-t"
          name="title"
          value={title}
          maxLength={100}
          placeholder={t('report.problemTitlePlaceholder')}
          required
          aria-invalid={errs.title ? 'true' : undefined}
          aria-describedby={errs.title ? 'rp-t-err' : undefined}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        {errs.title && (
          <p class="field-err" id="rp-t-err">
            {errs.title}
          </p>
        )}
      </div>
      <div class="input">
        <label for="rp-d">{t('report.description')}</label>
        <textarea
          id="rp-d"
          name="description"
          value={desc}
          maxLength={2000}
          rows={5}
          placeholder={t('report.descriptionPlaceholder')}
          aria-invalid={errs.desc ? 'true' : undefined}
          onInput={(e) => setDesc(e.currentTarget.value)}
        />
        {errs.desc && <p class="field-err">{errs.desc}</p>}
      </div>
      <PhotoField
        id="rp-photo"
        owner={me.id}
        photo={photo}
        onChange={setPhoto}
        onBusy={setPhotoBusy}
        labels={{
          legend: t('report.photo'),
          add: t('report.addPhoto'),
          remove: t('report.removePhoto'),
          compressing: t('report.compressing'),
          failed: t('report.photoFailed'),
        }}
      />
      {err && (
        <p class="form-err" role="alert">
          {errorText(err.code || 'UNKNOWN', err.message)}
        </p>
      )}
      <PrivacyNotice kind="memberReport" />
      <button type="submit" class="btn block" disabled={busy || photoBusy} data-testid="report-submit">
        {busy ? t('common.saving') : t('common.submit')}
      </button>
      <a class="btn secondary block" href="/my-problems">
        {t('report.myProblems')}
      </a>
    </form>
  );
}
