// COUNTY: the county's rules (every number DOMAIN.md marks *(setting)*): read, edit with
// validation, confirm the changes (old → new) before saving. The duties' own targets are items of
// the county's duty checklist (履职清单设置, /admin/checklist), linked from the duty group.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, Confirm, mutate, ErrLine, fmtTime } from '../review/kit.jsx';
import PhotoRules from './PhotoRules.jsx';
import RankingVisibility from './RankingVisibility.jsx';
import { fromEntries } from '../../compat.js';

// [field, min, max, group]
export const SETTINGS = [
  ['geofenceRadiusM', 50, 50000, 'att'],
  ['rollCallMinutes', 5, 1440, 'att'],
  ['rollCallsPerMonth', 0, 4, 'att'],
  ['allowanceYuanPerDay', 0, 10000, 'att'],
  ['problemResolutionAgeDays', 1, 365, 'duty'],
  ['pairingHouseholdsRequired', 0, 100, 'duty'],
  ['satisfactionIncompetentBelowPct', 0, 100, 'poll'],
  ['satisfactionBasicBelowPct', 0, 100, 'poll'],
  ['excellentQuotaPct', 0, 100, 'poll'],
  ['goodQuotaPct', 0, 100, 'poll'],
  ['securityLogRetentionDays', 183, 3650, 'security'],
];
const GROUPS = ['att', 'duty', 'poll', 'security'];
const NAMES = SETTINGS.map((s) => s[0]).join(' ');
const Q = `{ countySettings { ${NAMES} } }`;
const M = `mutation Save($input: CountySettingsInput!) { updateCountySettings(input: $input) {
  settings { ${NAMES} } errors { code message field } } }`;

const label = (t, k) => t(`settings.field.${k}`);

export function validate(t, v, known) {
  const errs = {};
  for (const [k, min, max] of SETTINGS) {
    if (!known.includes(k)) continue;
    const s = String(v[k] ?? '').trim();
    if (!/^\d+$/.test(s)) {
      errs[k] = t('settings.wholeNumber');
      continue;
    }
    const n = Number(s);
    if (n < min || n > max) errs[k] = t('settings.outOfRange', { min, max });
  }
  if (
    !errs.satisfactionIncompetentBelowPct &&
    !errs.satisfactionBasicBelowPct &&
    known.includes('satisfactionBasicBelowPct') &&
    Number(v.satisfactionIncompetentBelowPct) > Number(v.satisfactionBasicBelowPct)
  )
    errs.satisfactionBasicBelowPct = t('settings.pollOrder');
  if (
    !errs.excellentQuotaPct &&
    !errs.goodQuotaPct &&
    known.includes('goodQuotaPct') &&
    Number(v.excellentQuotaPct) + Number(v.goodQuotaPct) > 100
  )
    errs.goodQuotaPct = t('settings.quotaSum');
  return errs;
}

export default function CountySettings() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.countySettings), []);
  const [values, setValues] = useState(null);
  const [errs, setErrs] = useState({});
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saveErr, setSaveErr] = useState(null);
  const [savedAt, setSavedAt] = useState(null);
  useEffect(() => {
    if (data)
      setValues(
        fromEntries(
          Object.entries(data)
            .filter(([, x]) => typeof x === 'number')
            .map(([k, x]) => [k, String(x)]),
        ),
      );
  }, [data]);
  if (loading && !values) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!values) return <Loading />;
  const known = SETTINGS.map((s) => s[0]).filter((k) => k in values);
  const changed = known.filter((k) => String(data[k]) !== String(values[k]).trim());

  async function save() {
    setBusy(true);
    setSaveErr(null);
    try {
      const input = fromEntries(changed.map((k) => [k, Number(values[k])])); // omitted fields keep their value
      const p = await mutate(M, { input }, 'updateCountySettings');
      setConfirm(false);
      setSavedAt(new Date().toISOString());
      reload();
      if (p.settings) setValues(fromEntries(known.map((k) => [k, String(p.settings[k])])));
    } catch (e) {
      setSaveErr(e);
      if (e.field && known.includes(e.field)) setErrs({ [e.field]: e.message });
      setConfirm(false);
    }
    setBusy(false);
  }

  return (
    <>
      <form
        class="card form"
        aria-labelledby="cs-title"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const v = validate(t, values, known);
          setErrs(v);
          setSaveErr(null);
          setSavedAt(null);
          if (Object.keys(v).length === 0 && changed.length) setConfirm(true);
        }}
      >
        <Back fallback="/" />
        <h2 id="cs-title">{t('settings.title')}</h2>
        <p class="muted small">{t('settings.hint')}</p>
        {GROUPS.map((g) => (
          <fieldset key={g} class="set-group">
            <legend>{t(`settings.group.${g}`)}</legend>
            {g === 'duty' && (
              <p class="small" data-testid="checklist-link-hint">
                {t('settings.checklistLink')}
                <a class="btn secondary block" href="/admin/checklist" data-testid="nav-checklist">
                  {t('settings.openChecklist')} ›
                </a>
              </p>
            )}
            {SETTINGS.filter((s) => s[3] === g && known.includes(s[0])).map(([k, min, max]) => (
              <div class="input" key={k}>
                <label for={`cs-${k}`}>{label(t, k)}</label>
                <input
                  id={`cs-${k}`}
                  name={k}
                  type="number"
                  inputMode="numeric"
                  min={min}
                  max={max}
                  step="1"
                  value={values[k]}
                  aria-invalid={errs[k] ? 'true' : undefined}
                  aria-describedby={errs[k] ? `cs-${k}-err` : undefined}
                  onInput={(e) => {
                    const x = e.currentTarget.value;
                    setValues((s) => ({ ...s, [k]: x }));
                    setConfirm(false);
                  }}
                />
                {errs[k] && (
                  <p class="field-err" id={`cs-${k}-err`}>
                    {errs[k]}
                  </p>
                )}
              </div>
            ))}
          </fieldset>
        ))}
        {Object.keys(errs).length > 0 && (
          <p class="form-err" role="alert">
            {t('common.fixErrors')}
          </p>
        )}
        <ErrLine error={saveErr} />
        {savedAt && (
          <p class="form-ok" role="status" data-testid="settings-saved">
            {t('common.saved')} · {fmtTime(savedAt)}
          </p>
        )}
        {confirm ? (
          <Confirm
            busy={busy}
            yes={t('settings.confirmSave')}
            onNo={() => setConfirm(false)}
            onYes={save}
            text={`${t('settings.confirmSettings', { n: changed.length })} ${changed.map((k) => `${label(t, k)}：${data[k]} → ${values[k].trim()}`).join('；')}`}
          />
        ) : (
          <button type="submit" class="btn block" disabled={!changed.length} data-testid="settings-save">
            {changed.length ? t('settings.saveChanges', { n: changed.length }) : t('common.noChanges')}
          </button>
        )}
      </form>
      <PhotoRules />
      <RankingVisibility />
    </>
  );
}
