// Shared pieces of the poll screens (lazy chunks only): queries, labels, result view, receipt.
import { useState } from 'preact/hooks';
import { t, useT, errorText } from '../../i18n.js';
import '../../i18n/poll.js';
import './polls.css';

export const CHOICES = ['VERY_SATISFIED', 'SATISFIED', 'BASIC', 'DISSATISFIED'];
export const CATEGORIES = ['COMMITTEE', 'PARTY_MEMBER', 'REPRESENTATIVE', 'RETIRED_CADRE', 'PARTY_APPLICANT'];

export const RESULT_FIELDS = `ballots eligible valid neededForValid turnoutRule suppressed suppressBelow
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
      <details class="p9-more">
        <summary>{tr('poll.fullFingerprint')}</summary>
        <HexBlock hex={poll.keyFingerprint} />
      </details>
    </div>
  );
}

const COUNT_KEY = { VERY_SATISFIED: 'verySatisfied', SATISFIED: 'satisfied', BASIC: 'basic', DISSATISFIED: 'dissatisfied' };

/** What the result means for the secretary's tier, in one sentence a villager understands. */
function tierWords(tr, r) {
  if (!r.valid) return tr('poll.tierWords.invalid');
  if (!r.tier) return tr('poll.suppressed', { n: r.suppressBelow });
  const th = r.thresholds;
  return tr(`poll.tierWords.${r.tier}`, { a: th.incompetentBelowPct, b: th.basicBelowPct });
}

/** The published tally in plain words: turnout against the 2/3 rule, the four counts, the
 * satisfaction and what it means for the tier. Every figure and verdict is the server's. */
export function ResultView({ result }) {
  const tr = useT();
  if (!result) return <p class="muted">{tr('poll.noResult')}</p>;
  const r = result;
  const c = r.counts;
  const vars = { e: r.eligible, b: r.ballots, n: r.neededForValid };
  return (
    <div class="p9-result" data-testid="poll-result">
      <p class={`p9-verdict ${r.valid ? 'ok' : 'no'}`} data-testid="r-turnout" data-ballots={r.ballots} data-eligible={r.eligible}>
        <span class={`st ${r.valid ? 'ok' : 'no'}`} data-testid="r-valid" data-valid={String(r.valid)}>
          {r.valid ? tr('poll.valid') : tr('poll.invalid')}
        </span>{' '}
        {tr(r.valid ? 'poll.result.turnoutValid' : 'poll.result.turnoutInvalid', vars)}
      </p>
      {c && (
        <table class="p9-counts" data-testid="r-counts">
          <caption class="sr-only">{tr('poll.result.countsTitle')}</caption>
          <tbody>
            {CHOICES.map((k) => (
              <tr key={k}>
                <th scope="row">{tr(`poll.choice.${k}`)}</th>
                <td>
                  <strong data-testid={`r-count-${k}`}>{c[COUNT_KEY[k]]}</strong> {tr('poll.result.votesUnit')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.satisfaction && (
        <p class="p9-sat" data-testid="r-satisfaction">
          {tr('poll.result.satLine')} <strong class="p9-big-num">{r.satisfaction.percent}%</strong>
          <span class="p9-sub">{tr('poll.result.satHow', { a: r.satisfaction.numerator, b: r.satisfaction.denominator })}</span>
        </p>
      )}
      <p class="p9-tier" data-testid="r-tier" data-tier={r.tier || ''}>
        {tierWords(tr, r)}
      </p>
      {r.valid && !r.suppressed && (
        <p class="muted small" data-testid="r-tier-rule">
          {tr('poll.tierExplain', { a: r.thresholds.incompetentBelowPct, b: r.thresholds.basicBelowPct, c: r.thresholds.basicBelowPct })}
        </p>
      )}
    </div>
  );
}

/** A receipt (64 hex characters) as a person reads it: upper case in groups of 4, the first three
 * big (enough to find it on the board), a copy button; the full value in a disclosure. Only the
 * presentation: the board and every lookup use the 64 lower-case characters. */
export function receiptGroups(hex) {
  return (
    String(hex || '')
      .toUpperCase()
      .match(/.{1,4}/g) || []
  );
}

export function ReceiptCode({ hex, testid = 'receipt' }) {
  const tr = useT();
  const [copied, setCopied] = useState(null);
  const g = receiptGroups(hex);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(String(hex).toLowerCase());
      setCopied('ok');
    } catch {
      setCopied('fail');
    }
  };
  return (
    <div class="p9-rc" data-testid={testid} data-value={hex}>
      <p class="p9-rc-head" aria-label={tr('poll.receiptFirst', { g: g.slice(0, 3).join(' ') })}>
        <span class="p9-rc-big">{g.slice(0, 3).join('-')}</span>
        <span class="p9-rc-rest">-{g.slice(3, 5).join('-')}…</span>
      </p>
      <p class="muted small">{tr('poll.receiptCompare')}</p>
      <div class="p9-row">
        <button type="button" class="btn secondary" onClick={copy} data-testid="copy-receipt">
          {tr('poll.copyReceipt')}
        </button>
      </div>
      {copied && (
        <p class={copied === 'ok' ? 'form-ok' : 'field-err'} role="status">
          {tr(copied === 'ok' ? 'poll.copied' : 'poll.copyFail')}
        </p>
      )}
      <details class="p9-more">
        <summary>{tr('poll.fullReceipt')}</summary>
        <code class="p9-rc-full">{g.join('-')}</code>
      </details>
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
