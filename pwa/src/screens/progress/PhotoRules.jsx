// COUNTY: which kinds of filing must carry a photo — none by default (the 2026 rules forbid forcing
// uploads where not necessary). Requiring one takes the reason it is necessary (≥ 10 characters,
// the server's rule too); each decision shows in the compliance report. Lifting needs a confirmation.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Confirm, ErrLine, KINDS, kindLabel, mutate } from '../review/kit.jsx';

const MIN_REASON = 10;
const Q = `{ photoRequirements { kind reason } }`;
const SET = `mutation($i: SetPhotoRequirementInput!) { setPhotoRequirement(input: $i) {
  requirements { kind reason } errors { code message field } } }`;

export default function PhotoRules() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.photoRequirements), []);
  const [kind, setKind] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErr, setFieldErr] = useState(null);
  const [confirm, setConfirm] = useState(null); // { kind, required }
  const [busy, setBusy] = useState(false);
  const [saveErr, setSaveErr] = useState(null);
  const free = KINDS.filter((k) => !(data || []).some((r) => r.kind === k));

  async function apply() {
    setBusy(true);
    setSaveErr(null);
    try {
      const i = confirm.required ? { kind: confirm.kind, required: true, reason: reason.trim() } : { kind: confirm.kind, required: false };
      await mutate(SET, { i }, 'setPhotoRequirement');
      setKind('');
      setReason('');
      reload();
    } catch (e) {
      setSaveErr(e);
    }
    setConfirm(null);
    setBusy(false);
  }

  return (
    <section class="card form" aria-labelledby="pr-title" data-testid="photo-rules">
      <h2 id="pr-title">{t('photoRules.title')}</h2>
      <p class="muted small">{t('photoRules.hint')}</p>
      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data && data.length === 0 && (
        <p class="state empty" data-testid="photo-rules-none">
          {t('photoRules.none')}
        </p>
      )}
      {data && data.length > 0 && (
        <ul class="list">
          {data.map((r) => (
            <li key={r.kind} class="item" data-testid="photo-rule">
              <span class="item-main">
                <span class="item-title">{kindLabel(r.kind)}</span>
                <button type="button" class="btn secondary" onClick={() => setConfirm({ kind: r.kind, required: false })}>
                  {t('photoRules.lift')}
                </button>
              </span>
              <span class="item-sub small">
                {t('photoRules.because')}：{r.reason}
              </span>
            </li>
          ))}
        </ul>
      )}
      {data && free.length > 0 && (
        <fieldset class="set-group">
          <legend>{t('photoRules.add')}</legend>
          <div class="input">
            <label for="pr-kind">{t('photoRules.kind')}</label>
            <select id="pr-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="">{t('photoRules.pickKind')}</option>
              {free.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          </div>
          <div class="input">
            <label for="pr-reason">{t('photoRules.reason')}</label>
            <textarea
              id="pr-reason"
              rows="3"
              maxLength={500}
              value={reason}
              placeholder={t('photoRules.reasonHint')}
              aria-invalid={fieldErr ? 'true' : undefined}
              aria-describedby={fieldErr ? 'pr-reason-err' : undefined}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
            {fieldErr && (
              <p class="field-err" id="pr-reason-err">
                {fieldErr}
              </p>
            )}
          </div>
          <button
            type="button"
            class="btn block secondary"
            data-testid="photo-rule-add"
            disabled={!kind}
            onClick={() => {
              const short = reason.trim().length < MIN_REASON;
              setFieldErr(short ? t('photoRules.tooShort', { n: MIN_REASON }) : null);
              if (!short) setConfirm({ kind, required: true });
            }}
          >
            {t('photoRules.require')}
          </button>
        </fieldset>
      )}
      <ErrLine error={saveErr} />
      {confirm && (
        <Confirm
          busy={busy}
          danger={confirm.required}
          onNo={() => setConfirm(null)}
          onYes={apply}
          text={t(confirm.required ? 'photoRules.confirmRequire' : 'photoRules.confirmLift', { kind: kindLabel(confirm.kind) })}
        />
      )}
    </section>
  );
}
