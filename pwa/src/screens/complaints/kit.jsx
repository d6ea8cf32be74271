// 投诉建议: what the complaint screens share — the kinds and topics, the fields of the form (with an
// account and without one), the tracking number with its copy button, and one complaint's state
// and reply.
import { useState } from 'preact/hooks';
import { useT } from '../../i18n.js';
import '../../i18n/complaints.js';
import { fmtTime } from '../review/kit.jsx';
import './complaints.css';

export const KINDS = ['COMPLAINT', 'SUGGESTION'];
export const TOPICS = ['FORCED_CHECK_IN', 'DUPLICATE_REPORTING', 'FORCED_PHOTOS', 'RANKING_NOTICES', 'APP_FAULT', 'OTHER'];
export const STATES = ['RECEIVED', 'ANSWERED', 'CLOSED'];
export const TEXT_MAX = 1000;
export const REPLY_MAX = 2000;
export const PHONE = /^(1[3-9]\d{9}|0\d{9,11})$/;
export const digits = (s) => s.replace(/[\s\-()（）]/g, '');
export const stateClass = { RECEIVED: 'wait', ANSWERED: 'ok', CLOSED: 'CLOSED' };

export const TRACK_Q = `query($n: String!) { complaintByTracking(trackingNumber: $n) {
  trackingNumber kind topic state reply repliedAt createdAt } }`;

/** Kind, topic, the unit it concerns (`units`: [[id, label]]), and the text. `errs.text`: the text's error. */
export function ComplaintFields({ f, set, units, errs, big }) {
  const t = useT();
  return (
    <>
      <fieldset class="cp-kinds">
        <legend>{t('complaint.kind')}</legend>
        <div class="cp-seg">
          {KINDS.map((k) => (
            <label key={k} class={`cp-opt${f.kind === k ? ' on' : ''}${big ? ' big' : ''}`}>
              <input type="radio" name="kind" value={k} checked={f.kind === k} onChange={() => set('kind', k)} />
              {t(`complaint.kinds.${k}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="input">
        <label for="cp-topic">{t('complaint.topic')}</label>
        <select
          id="cp-topic"
          name="topic"
          value={f.topic}
          onChange={(e) => set('topic', e.currentTarget.value)}
          data-testid="complaint-topic"
        >
          {TOPICS.map((k) => (
            <option key={k} value={k}>
              {t(`complaint.topics.${k}`)}
            </option>
          ))}
        </select>
      </div>
      {units.length > 0 && (
        <div class="input">
          <label for="cp-about">{t('complaint.about')}</label>
          <select
            id="cp-about"
            name="about"
            value={f.about}
            onChange={(e) => set('about', e.currentTarget.value)}
            data-testid="complaint-about"
          >
            <option value="">{t('complaint.aboutNone')}</option>
            {units.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="input">
        <label for="cp-text">{t('complaint.text')}</label>
        <textarea
          id="cp-text"
          name="text"
          rows={5}
          value={f.text}
          maxLength={TEXT_MAX}
          placeholder={t('complaint.textPlaceholder')}
          aria-invalid={errs.text ? 'true' : undefined}
          aria-describedby="cp-text-hint"
          onInput={(e) => set('text', e.currentTarget.value)}
          data-testid="complaint-text"
        />
        <p class="muted small" id="cp-text-hint">
          {t('complaint.textHint', { n: TEXT_MAX })}
        </p>
        {errs.text && <p class="field-err">{errs.text}</p>}
      </div>
    </>
  );
}

/** The text's own checks, before sending → an error message or null. */
export function textError(t, text) {
  const s = text.trim();
  if (!s) return t('complaint.required');
  if (s.length > TEXT_MAX) return t('complaint.tooLong', { n: TEXT_MAX });
  return null;
}

/** The tracking number, large, with a copy button. */
export function TrackingNumber({ number }) {
  const t = useT();
  const [copied, setCopied] = useState(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(number);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div class="cp-number">
      <p class="muted small">{t('complaint.number')}</p>
      <p class="cp-digits" data-testid="tracking-number" translate="no">
        {number}
      </p>
      <button type="button" class="btn secondary block" onClick={copy} data-testid="copy-number">
        {copied === 'ok' ? t('complaint.copied') : t('complaint.copy')}
      </button>
      {copied === 'failed' && (
        <p class="field-err" role="alert">
          {t('complaint.copyFailed')}
        </p>
      )}
    </div>
  );
}

/** The confirmation after sending: the number to keep, and where to follow it. */
export function Sent({ number, onAnother, backHref }) {
  const t = useT();
  return (
    <section class="card cp" aria-labelledby="cp-sent">
      <h2 id="cp-sent">{t('complaint.sentTitle')}</h2>
      <p class="form-ok" role="status">
        {t('complaint.sentText')}
      </p>
      <TrackingNumber number={number} />
      <a class="btn block" href={`/complaints/track?n=${encodeURIComponent(number)}`} data-testid="track-link">
        {t('complaint.trackNow')}
      </a>
      <button type="button" class="btn secondary block" onClick={onAnother}>
        {t('complaint.another')}
      </button>
      <a class="btn secondary block" href={backHref}>
        {t('complaint.back')}
      </a>
    </section>
  );
}

/** One complaint's state and the county's reply (`noReply`: what to say while there is none). */
export function StateAndReply({ c, noReply }) {
  const t = useT();
  return (
    <>
      <p class="cp-line">
        <span class={`st ${stateClass[c.state]}`} data-testid="complaint-state" data-state={c.state}>
          {t(`complaint.states.${c.state}`)}
        </span>{' '}
        <span class="muted small">
          {t(`complaint.kinds.${c.kind}`)} · {t(`complaint.topics.${c.topic}`)} · {t('complaint.sentAt', { at: fmtTime(c.createdAt) })}
        </span>
      </p>
      {c.reply ? (
        <div class="cp-reply" data-testid="complaint-reply">
          <p class="small muted">
            {t('complaint.reply')}
            {c.repliedAt ? ` · ${t('complaint.repliedAt', { at: fmtTime(c.repliedAt) })}` : ''}
          </p>
          <p class="pre">{c.reply}</p>
        </div>
      ) : (
        <p class="muted small">{noReply || t('complaint.noReply')}</p>
      )}
    </>
  );
}
