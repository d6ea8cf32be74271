// TOWNSHIP: 待审核 — SUBMITTED filings of its villages, oldest first. 通过 in one tap, 退回 in three
// (退回 → reason → 确认退回). Cards leave the queue at once (optimistic); a failure puts them back.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/review.js';
import { usePaged, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { KINDS, kindLabel, mutate, errMsg, loadAllPages, SelectBox, PhotoViewer, useToast, Back } from './kit.jsx';
import { FILING_FIELDS, REVIEW_M, FilingCard } from './filing.jsx';

const Q = `query Queue($v: ID, $k: FilingKind, $after: String) {
  reviewQueue(villageId: $v, kind: $k, first: 10, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${FILING_FIELDS} } } } }`;
const VILLAGES = `query($tw: ID, $after: String) { villages(townshipId: $tw, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;

export default function ReviewQueue({ me }) {
  const t = useT();
  const [village, setVillage] = useState('');
  const [kind, setKind] = useState('');
  const [villages, setVillages] = useState([]);
  const [gone, setGone] = useState(() => new Set());
  const [errors, setErrors] = useState({});
  const [photo, setPhoto] = useState(null);
  const [toast, show] = useToast();
  useEffect(() => {
    loadAllPages(VILLAGES, { tw: me.orgUnit.id }, (d) => d.villages).then(
      (l) => setVillages(l.map((v) => [v.id, v.name])),
      () => {},
    );
  }, [me.orgUnit.id]);
  const page = usePaged((after) => gql(Q, { v: village || null, k: kind || null, after }).then((d) => d.reviewQueue), [village, kind]);
  useEffect(() => {
    setGone(new Set());
    setErrors({});
  }, [village, kind]);

  const mark = (id, on) =>
    setGone((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  async function decide(f, decision, comment) {
    mark(f.id, true);
    setErrors((e) => ({ ...e, [f.id]: null }));
    const title = f.title || kindLabel(f.kind);
    try {
      await mutate(REVIEW_M, { id: f.id, d: decision, c: comment }, 'reviewFiling');
      show(decision === 'APPROVE' ? t('review.approvedToast', { title }) : t('review.returnedToast', { title }));
    } catch (e) {
      if (e.code === 'INVALID_STATE' || e.code === 'NOT_FOUND') {
        show(t('review.alreadyReviewed', { title }), 'err'); // reviewed elsewhere: it is no longer in the queue
      } else {
        mark(f.id, false);
        setErrors((x) => ({ ...x, [f.id]: e }));
        show(errMsg(e), 'err');
      }
    }
  }

  const items = page.items.filter((f) => !gone.has(f.id));
  const left = page.total != null ? Math.max(0, page.total - gone.size) : null;
  return (
    <>
      <section class="card" aria-labelledby="rq-title">
        <Back fallback="/" />
        <h2 id="rq-title">
          {t('review.queue')}
          {left != null && (
            <span class="muted small" data-testid="queue-count">
              （{t('review.pendingN', { n: left })}）
            </span>
          )}
        </h2>
        <p class="muted small">{t('review.queueHint')}</p>
        <div class="filters">
          <SelectBox
            id="rq-village"
            label={t('secretary.village')}
            value={village}
            onChange={setVillage}
            options={villages}
            all={t('common.all')}
          />
          <SelectBox
            id="rq-kind"
            label={t('common.category')}
            value={kind}
            onChange={setKind}
            options={KINDS.map((k) => [k, kindLabel(k)])}
            all={t('common.all')}
          />
        </div>
      </section>
      <section aria-label={t('review.queue')}>
        {items.length > 0 && (
          <ul class="list plain" data-testid="queue">
            {items.map((f) => (
              <FilingCard key={f.id} f={f} error={errors[f.id]} onPhoto={setPhoto} onDecide={(d, c) => decide(f, d, c)} />
            ))}
          </ul>
        )}
        {page.loading && <Loading />}
        {!page.loading && page.error && <ErrorBox error={page.error} onRetry={page.retry} />}
        {!page.loading && !page.error && items.length === 0 && !page.hasNext && (
          <div class="card">
            <Empty />
            <p class="muted small center" data-testid="queue-empty">
              {t('review.queueEmpty')}
            </p>
          </div>
        )}
        {!page.loading && !page.error && page.hasNext && (
          <button type="button" class="btn secondary block" onClick={page.loadMore}>
            {t('common.loadMore')}
          </button>
        )}
      </section>
      {photo && <PhotoViewer photo={photo} onClose={() => setPhoto(null)} />}
      {toast}
    </>
  );
}
