// Shared pieces of the poll screens (lazy chunks only): queries, labels, result view, receipt.
import { t, useT, errorText } from '../../i18n.js';
import '../../i18n/poll.js';
import './polls.css';

export const CHOICES = ['VERY_SATISFIED', 'SATISFIED', 'BASIC', 'DISSATISFIED'];
export const CATEGORIES = ['COMMITTEE', 'PARTY_MEMBER', 'REPRESENTATIVE', 'RETIRED_CADRE', 'PARTY_APPLICANT'];

export const RESULT_FIELDS = `ballots eligible valid turnoutRule suppressed suppressBelow
  counts { verySatisfied satisfied basic dissatisfied }
  satisfaction { numerator denominator percent } tier thresholds { incompetentBelowPct basicBelowPct }`;
export const POLL_FIELDS = `id title period status secretaryId villageId townshipId keyFingerprint keyFingerprintShort
  publicKeySpki tokenPrefix createdAt secretaryName villageName townshipName boardHeadHash
  result { ${RESULT_FIELDS} }`;

/** Chinese (or English) text for an error code, poll codes first. */
export function pollErr(e) {
  if (!e) return '';
  const k = `poll.error.${e.code}`;
  const s = t(k);
  if (s !== k) return s;
  const base = errorText(e.code, e.message);
  return e.message && base !== e.message && (e.code === 'INVALID_INPUT' || e.code === 'INVALID_STATE') ? `${base}：${e.message}` : base;
}

export function PErr({ error }) {
  if (!error) return null;
  return (
    <p class="form-err" role="alert" data-testid="poll-error" data-code={error.code}>
      {pollErr(error)}
    </p>
  );
}

export function StatusTag({ status }) {
  const tr = useT();
  return (
    <span class={`p9-status p9-${String(status).toLowerCase()}`} data-testid="poll-status" data-status={status}>
      {tr(`poll.status.${status}`)}
    </span>
  );
}

/** 64 hex characters in groups of 4 (8 per line), for reading aloud or comparing. */
export function group4(hex, perLine = 0) {
  const g = String(hex || '').match(/.{1,4}/g) || [];
  if (!perLine) return g.join(' ');
  const lines = [];
  for (let i = 0; i < g.length; i += perLine) lines.push(g.slice(i, i + perLine).join(' '));
  return lines.join('\n');
}

export function HexBlock({ hex, testid, label }) {
  return (
    <code class="p9-hex" data-testid={testid} data-value={hex} aria-label={label}>
      {group4(hex, 4)}
    </code>
  );
}

export function Fingerprint({ poll }) {
  const tr = useT();
  return (
    <div class="p9-fp">
      <p class="muted small">{tr('poll.fingerprint')}</p>
      <p class="p9-fp-short" data-testid="key-fingerprint" data-value={poll.keyFingerprint}>
        {poll.keyFingerprintShort}
      </p>
      <details>
        <summary class="small">{tr('poll.fullFingerprint')}</summary>
        <HexBlock hex={poll.keyFingerprint} />
      </details>
    </div>
  );
}

const TIER = { INCOMPETENT: 'poll.tiers.INCOMPETENT', BASIC_COMPETENT: 'poll.tiers.BASIC_COMPETENT', NONE: 'poll.tiers.NONE' };

/** The published tally: ballots, eligible, 2/3 rule, the four counts, satisfaction and tier. */
export function ResultView({ result }) {
  const tr = useT();
  if (!result) return <p class="muted">{tr('poll.noResult')}</p>;
  const r = result;
  const c = r.counts;
  return (
    <div class="p9-result" data-testid="poll-result">
      <dl class="fields">
        <div class="field">
          <dt>{tr('poll.ballots')}</dt>
          <dd data-testid="r-ballots">{r.ballots}</dd>
        </div>
        <div class="field">
          <dt>{tr('poll.eligible')}</dt>
          <dd data-testid="r-eligible">{r.eligible}</dd>
        </div>
        <div class="field">
          <dt>{tr('poll.turnout')}</dt>
          <dd>
            <span class={`st ${r.valid ? 'ok' : 'no'}`} data-testid="r-valid" data-valid={String(r.valid)}>
              {r.valid ? tr('poll.valid') : tr('poll.invalid')}
            </span>
            <span class="muted small"> · {tr('poll.ruleText', { b: r.ballots, e: r.eligible })}</span>
          </dd>
        </div>
      </dl>
      {r.suppressed ? (
        <p class="p9-note" data-testid="r-suppressed">
          {tr('poll.suppressed', { n: r.suppressBelow })}
        </p>
      ) : (
        <>
          {c && (
            <table class="table p9-counts" data-testid="r-counts">
              <tbody>
                {CHOICES.map((k) => {
                  const v = c[{ VERY_SATISFIED: 'verySatisfied', SATISFIED: 'satisfied', BASIC: 'basic', DISSATISFIED: 'dissatisfied' }[k]];
                  return (
                    <tr key={k}>
                      <th scope="row">{tr(`poll.choice.${k}`)}</th>
                      <td data-testid={`r-count-${k}`}>{v}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {r.satisfaction && (
            <p class="p9-sat" data-testid="r-satisfaction">
              {tr('poll.satisfaction')}：
              <strong>
                {r.satisfaction.numerator} / {r.satisfaction.denominator}
              </strong>{' '}
              = <strong>{r.satisfaction.percent}%</strong>
            </p>
          )}
          <p data-testid="r-tier">
            {tr('poll.tier')}：<strong>{r.tier ? tr(TIER[r.tier]) : r.valid ? '—' : tr('poll.tierInvalid')}</strong>
          </p>
          <p class="muted small">{tr('poll.tierRule', { a: r.thresholds.incompetentBelowPct, b: r.thresholds.basicBelowPct })}</p>
        </>
      )}
    </div>
  );
}

/** Poll title block used on every poll screen. */
export function PollHead({ poll }) {
  const tr = useT();
  return (
    <>
      <h2 data-testid="poll-title">{poll.title}</h2>
      <p class="muted small">
        {tr('secretary.title')}：{poll.secretaryName} · {poll.villageName} · {poll.townshipName} · {tr('poll.period')} {poll.period}
      </p>
      <p>
        <StatusTag status={poll.status} />
      </p>
    </>
  );
}
