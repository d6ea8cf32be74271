// COUNTY: whether townships see the ranking (晾晒). Closed by default; opening or closing takes the
// decision's basis (≥ 10 characters, the server's rule too), recorded with who and when in the audit
// trail and shown in the compliance report. The confirmation says what changes for the townships.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Confirm, ErrLine, fmtTime, mutate } from '../review/kit.jsx';

const MIN_REASON = 10;
const MAX_REASON = 500;
const FIELDS = 'townshipsSee reason decidedByName decidedAt';
const Q = `{ rankingVisibility { ${FIELDS} } }`;
const SET = `mutation($i: SetRankingVisibilityInput!) { setRankingVisibility(input: $i) {
  visibility { ${FIELDS} } errors { code message field } } }`;

export default function RankingVisibility() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.rankingVisibility), []);
  const [reason, setReason] = useState('');
  const [fieldErr, setFieldErr] = useState(null);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saveErr, setSaveErr] = useState(null);
  const next = data ? !data.townshipsSee : false;

  async function apply() {
    setBusy(true);
    setSaveErr(null);
    try {
      await mutate(SET, { i: { townshipsSee: next, reason: reason.trim() } }, 'setRankingVisibility');
      setReason('');
      reload();
    } catch (e) {
      setSaveErr(e);
    }
    setConfirm(false);
    setBusy(false);
  }

  return (
    <section class="card form" aria-labelledby="rv-title" data-testid="ranking-visibility">
      <h2 id="rv-title">{t('rankingVis.title')}</h2>
      <p class="muted small">{t('rankingVis.hint')}</p>
      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data && (
        <>
          <p data-testid="ranking-visibility-state">
            <strong>{t(data.townshipsSee ? 'rankingVis.open' : 'rankingVis.closed')}</strong>
          </p>
          {data.reason ? (
            <p class="small">
              {t('rankingVis.basis')}：{data.reason}
              <br />
              <span class="muted">{t('rankingVis.decided', { name: data.decidedByName || '—', at: fmtTime(data.decidedAt) })}</span>
            </p>
          ) : (
            <p class="muted small">{t('rankingVis.never')}</p>
          )}
          <div class="input">
            <label for="rv-reason">{t('rankingVis.reason')}</label>
            <textarea
              id="rv-reason"
              rows="3"
              maxLength={MAX_REASON}
              value={reason}
              placeholder={t('rankingVis.reasonHint')}
              aria-invalid={fieldErr ? 'true' : undefined}
              aria-describedby={fieldErr ? 'rv-reason-err' : undefined}
              onInput={(e) => {
                setReason(e.currentTarget.value);
                setConfirm(false);
              }}
            />
            {fieldErr && (
              <p class="field-err" id="rv-reason-err">
                {fieldErr}
              </p>
            )}
          </div>
          <ErrLine error={saveErr} />
          {confirm ? (
            <Confirm
              busy={busy}
              danger={next}
              yes={t(next ? 'rankingVis.doOpen' : 'rankingVis.doClose')}
              onNo={() => setConfirm(false)}
              onYes={apply}
              text={t(next ? 'rankingVis.confirmOpen' : 'rankingVis.confirmClose')}
            />
          ) : (
            <button
              type="button"
              class="btn block secondary"
              data-testid="ranking-visibility-change"
              onClick={() => {
                const short = reason.trim().length < MIN_REASON;
                setFieldErr(short ? t('rankingVis.tooShort', { n: MIN_REASON }) : null);
                if (!short) setConfirm(true);
              }}
            >
              {t(next ? 'rankingVis.doOpen' : 'rankingVis.doClose')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
