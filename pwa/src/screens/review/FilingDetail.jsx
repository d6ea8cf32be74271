// One filing with all its photos, body and the audit trail (who / when / what / comment).
// The township reviews it here too while it is SUBMITTED.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/review.js';
import { useLoad, Loading, ErrorBox, Fields } from '../../ui.jsx';
import { fmtTime, Thumb, PhotoViewer, BodyFields, mutate, ErrLine, useToast, Back, kindLabel } from './kit.jsx';
import { FILING_FIELDS, REVIEW_M, FilingSummary, ReviewActions, gpsText } from './filing.jsx';

const Q = `query Filing($id: ID!) { filing(id: $id) { ${FILING_FIELDS}
  history { at action actorName comment version } } }`;

export function actionLabel(t, a) {
  const k = `review.action.${String(a || '').toUpperCase()}`;
  const s = t(k);
  return s === k ? a : s;
}

export function Timeline({ history }) {
  const t = useT();
  if (!history?.length) return <p class="muted">{t('common.empty')}</p>;
  return (
    <ol class="timeline" data-testid="history">
      {history.map((h, i) => (
        <li key={i}>
          <span class="when">
            {fmtTime(h.at)}
            {h.version != null ? ` · v${h.version}` : ''}
          </span>
          <span class="what">
            {h.actorName || '—'} · {actionLabel(t, h.action)}
          </span>
          {h.comment && <span class="note">{h.comment}</span>}
        </li>
      ))}
    </ol>
  );
}

export default function FilingDetail({ me, id }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q, { id }).then((d) => d.filing), [id]);
  const [photo, setPhoto] = useState(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [toast, show] = useToast();
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const f = data;
  if (!f) return <ErrorBox error={{ code: 'NOT_FOUND' }} />;
  async function decide(decision, comment) {
    setBusy(true);
    setErr(null);
    try {
      await mutate(REVIEW_M, { id: f.id, d: decision, c: comment }, 'reviewFiling');
      show(
        decision === 'APPROVE'
          ? t('review.approvedToast', { title: f.title || kindLabel(f.kind) })
          : t('review.returnedToast', { title: f.title || kindLabel(f.kind) }),
      );
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
    reload();
  }
  return (
    <>
      <section class="card filing-detail" aria-labelledby="fd-title">
        <Back fallback={me.role === 'TOWNSHIP' ? '/review' : '/'} />
        <h2 id="fd-title" class="sr-only">
          {t('review.filingDetail')}
        </h2>
        <FilingSummary f={f} showStatus onPhoto={setPhoto} />
        <BodyFields body={f.body} />
        <Fields
          rows={[
            [t('review.recordedAt'), fmtTime(f.recordedAt)],
            [t('review.receivedAt'), fmtTime(f.receivedAt)],
            [
              t('review.gps'),
              f.lat != null ? `${Number(f.lat).toFixed(5)}, ${Number(f.lng).toFixed(5)}（${gpsText(t, f)}）` : gpsText(t, f),
            ],
            f.reviewedAt && [t('review.reviewedAt'), fmtTime(f.reviewedAt)],
            f.reviewComment && [t('review.comment'), f.reviewComment],
          ]}
        />
        {f.photos?.length > 1 && (
          <div class="thumbs" aria-label={t('review.photos', { n: f.photos.length })}>
            {f.photos.map((p, i) => (
              <Thumb key={p.sha256} photo={p} alt={`${t('review.photo')} ${i + 1}`} onOpen={() => setPhoto(p)} />
            ))}
          </div>
        )}
        <ErrLine error={err} />
        {me.role === 'TOWNSHIP' && f.status === 'SUBMITTED' && <ReviewActions f={f} busy={busy} onDecide={decide} />}
      </section>
      <section class="card" aria-labelledby="fd-hist">
        <h2 id="fd-hist">{t('review.history')}</h2>
        <Timeline history={f.history} />
      </section>
      {photo && <PhotoViewer photo={photo} onClose={() => setPhoto(null)} />}
      {toast}
    </>
  );
}
