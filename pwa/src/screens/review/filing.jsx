// A filing as a reviewer sees it (card in the queue, header of the detail) and the review actions:
// 通过 = 1 tap; 退回 → quick reason → 确认退回 = 3 taps.
import { useState } from 'preact/hooks';
import { useT } from '../../i18n.js';
import '../../i18n/review.js';
import { kindLabel, statusLabel, fmtTime, fmtDate, Thumb, BodyFields, ErrLine } from './kit.jsx';

export const FILING_FIELDS = `id kind status version title body occurredOn recordedAt receivedAt submittedAt lat lng accuracyM
  household { id code headName } photos { sha256 url thumbUrl } reviewComment reviewedAt
  secretary { id name village { id name } }`;

export const REVIEW_M = `mutation Review($id: ID!, $d: ReviewDecision!, $c: String) {
  reviewFiling(id: $id, decision: $d, comment: $c) { currentVersion filing { id status version reviewComment reviewedAt }
  errors { code message field } } }`;

export const REASONS = ['review.reasonPhoto', 'review.reasonIncomplete', 'review.reasonMismatch', 'review.reasonLocation'];

export function gpsText(t, f) {
  if (f.lat == null || f.lng == null) return t('review.noGps');
  return f.accuracyM != null ? t('review.gpsAcc', { m: Math.round(f.accuracyM) }) : t('review.gpsOk');
}

/** Header block: kind, village · secretary, title, dates, GPS, first photo. */
export function FilingSummary({ f, onPhoto, showStatus }) {
  const t = useT();
  const photo = f.photos?.[0];
  return (
    <div class="filing-head">
      <div class="meta">
        <span class="kind" data-testid="filing-kind">
          {kindLabel(f.kind)}
        </span>
        {showStatus && (
          <>
            {' '}
            <span class={`st ${f.status}`} data-testid="filing-status">
              {statusLabel(f.status)}
            </span>
          </>
        )}
        <p class="filing-title" data-testid="filing-title">
          {f.title || kindLabel(f.kind)}
        </p>
        <p class="sub">
          {f.secretary?.village?.name || '—'} · {f.secretary?.name || '—'}
        </p>
        {f.household && (
          <p class="sub">
            {t('review.household')}：{f.household.headName}（{f.household.code}）
          </p>
        )}
        <p class="sub">
          {t('review.occurred')}：{fmtDate(f.occurredOn)}
          {f.submittedAt ? ` · ${t('review.submitted')} ${fmtTime(f.submittedAt)}` : ''}
        </p>
        <p class="sub">
          {gpsText(t, f)}
          {f.photos?.length ? ` · ${t('review.photos', { n: f.photos.length })}` : ''}
        </p>
      </div>
      {photo && (
        <Thumb
          photo={photo}
          alt={t('review.photoOf', { title: f.title || kindLabel(f.kind) })}
          onOpen={onPhoto ? () => onPhoto(photo) : undefined}
        />
      )}
    </div>
  );
}

/** 通过 / 退回 buttons; 退回 opens the comment box with quick reasons. onDecide(decision, comment) → Promise. */
export function ReviewActions({ f, onDecide, busy }) {
  const t = useT();
  const [mode, setMode] = useState(null);
  const [comment, setComment] = useState('');
  const [err, setErr] = useState(null);
  const idBase = `rv-${f.id}`;
  const reasons = REASONS.map((k) => t(k));
  const has = (r) =>
    comment
      .split(/[；;\n]/)
      .map((s) => s.trim())
      .includes(r);
  function toggle(r) {
    setErr(null);
    if (has(r))
      setComment(
        comment
          .split(/[；;\n]/)
          .map((s) => s.trim())
          .filter((s) => s && s !== r)
          .join('；'),
      );
    else setComment(comment.trim() ? `${comment.trim()}；${r}` : r);
  }
  if (mode !== 'return') {
    return (
      <div class="actions">
        <button type="button" class="btn approve" disabled={busy} data-testid="approve" onClick={() => onDecide('APPROVE', null)}>
          {t('review.approve')}
        </button>
        <button type="button" class="btn warn" disabled={busy} data-testid="return" onClick={() => setMode('return')}>
          {t('review.return')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="return-box"
      onSubmit={(e) => {
        e.preventDefault();
        const c = comment.trim();
        if (!c) {
          setErr({ code: 'INVALID_INPUT', message: t('review.commentRequired') });
          return;
        }
        if (c.length > 500) {
          setErr({ code: 'INVALID_INPUT', message: t('review.commentTooLong') });
          return;
        }
        onDecide('RETURN', c);
      }}
    >
      <p class="small muted" id={`${idBase}-q`}>
        {t('review.quickReasons')}
      </p>
      <div class="reasons" role="group" aria-labelledby={`${idBase}-q`}>
        {reasons.map((r) => (
          <button
            type="button"
            key={r}
            class="reason"
            aria-pressed={has(r) ? 'true' : 'false'}
            data-testid="reason"
            onClick={() => toggle(r)}
          >
            {r}
          </button>
        ))}
      </div>
      <div class="input">
        <label for={`${idBase}-c`}>
          {t('review.returnComment')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <textarea
          id={`${idBase}-c`}
          value={comment}
          maxLength={500}
          aria-invalid={err ? 'true' : undefined}
          data-testid="return-comment"
          onInput={(e) => {
            setComment(e.currentTarget.value);
            setErr(null);
          }}
        />
      </div>
      {err && (
        <p class="field-err" role="alert">
          {err.message}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="btn" disabled={busy} data-testid="confirm-return">
          {busy ? t('common.saving') : t('review.confirmReturn')}
        </button>
        <button
          type="button"
          class="btn secondary"
          disabled={busy}
          onClick={() => {
            setMode(null);
            setErr(null);
          }}
        >
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One queue card: summary, expandable body, link to the detail, actions. */
export function FilingCard({ f, onDecide, onPhoto, error }) {
  const t = useT();
  return (
    <li class="filing" data-testid="queue-item" data-id={f.id}>
      <FilingSummary f={f} onPhoto={onPhoto} />
      <details>
        <summary>{t('review.showBody')}</summary>
        <BodyFields body={f.body} />
        <a class="btn secondary small" href={`/filings/${encodeURIComponent(f.id)}`}>
          {t('review.detailHistory')}
        </a>
      </details>
      <ErrLine error={error} />
      <ReviewActions f={f} onDecide={onDecide} />
    </li>
  );
}
