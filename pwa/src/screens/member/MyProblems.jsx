// MEMBER: 我反映的问题 — reports still on the phone (waiting / failed, with retry) and the ones the
// server has, with status and the notes timeline.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/report.js';
import { useStore } from '../../store.js';
import { useRoute } from '../../router.js';
import { usePaged, PagedList } from '../../ui.jsx';
import { Back, fmtTime, errMsg, params, Thumb, PhotoViewer } from '../review/kit.jsx';
import { start, outbox, retry, remove, syncNow, unsentReports, sentCount } from './queue.js';

const Q = `query Mine($after: String) { myReportedProblems(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title description status createdAt updatedAt photos { sha256 url thumbUrl }
    notes { id at fromStatus toStatus note } } } } }`;

export const probStatus = (t, s) => (s ? t(`report.status.${s}`) : '—');

function Pending({ it }) {
  const t = useT();
  const failed = it.state === 'failed';
  return (
    <li class="filing pending" data-testid="problem-pending">
      <div class="item-main">
        <span class="item-title">{it.title}</span>
        <span class={`st ${failed ? 'no' : 'PENDING'}`}>
          {failed ? t('report.sendFailed') : it.state === 'sending' ? t('report.sending') : t('report.waitingSend')}
        </span>
      </div>
      <p class="sub">
        {fmtTime(new Date(it.createdAt).toISOString())}
        {it.note ? ` · ${errMsg(it.note)}` : ''}
      </p>
      {failed && (
        <>
          <p class="form-err" role="alert">
            {errMsg(it.error)}
          </p>
          <div class="actions">
            <button type="button" class="btn" onClick={() => retry(it.id)}>
              {t('common.retry')}
            </button>
            <button type="button" class="btn secondary" onClick={() => remove(it.id)}>
              {t('report.discard')}
            </button>
          </div>
        </>
      )}
    </li>
  );
}

export default function MyProblems({ me }) {
  const t = useT();
  const path = useRoute();
  const just = params(path).get('sent');
  const ob = useStore(outbox);
  const pending = unsentReports(ob);
  const sent = sentCount(ob);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- start once per user
  useEffect(() => start(me), [me.id]);
  const page = usePaged((after) => gql(Q, { after }).then((d) => d.myReportedProblems), [sent]);
  const [photo, setPhoto] = useState(null);
  return (
    <>
      <section class="card" aria-labelledby="mp-title">
        <Back fallback="/" />
        <h2 id="mp-title">{t('report.myProblems')}</h2>
        {just && (
          <p class={pending.length ? 'form-ok pending-note' : 'form-ok'} role="status" data-testid="report-saved">
            {pending.length ? t('report.savedOffline') : t('report.saved')}
          </p>
        )}
        <a class="btn block" href="/report">
          {t('report.title')}
        </a>
      </section>
      {pending.length > 0 && (
        <section class="card" aria-labelledby="mp-pending">
          <h2 id="mp-pending">{t('report.notSentYet', { n: pending.length })}</h2>
          <ul class="list plain">
            {pending.map((it) => (
              <Pending key={it.id} it={it} />
            ))}
          </ul>
          <button type="button" class="btn secondary block" onClick={() => syncNow()} disabled={ob.busy}>
            {ob.busy ? t('report.sending') : t('report.sendNow')}
          </button>
        </section>
      )}
      <section class="card" aria-labelledby="mp-list">
        <h2 id="mp-list">{t('report.reported')}</h2>
        <PagedList
          page={page}
          label={t('report.reported')}
          render={(p) => (
            <li key={p.id} class="item" data-testid="problem-item">
              <div class="item-main">
                <span class="item-title">{p.title}</span>
                <span class={`st ${p.status}`} data-testid="problem-status">
                  {probStatus(t, p.status)}
                </span>
              </div>
              <span class="item-sub">{fmtTime(p.createdAt)}</span>
              {p.description && (
                <p class="pre small" style={{ margin: '.25rem 0' }}>
                  {p.description}
                </p>
              )}
              {p.photos?.length > 0 && (
                <div class="thumbs">
                  {p.photos.map((ph, i) => (
                    <Thumb key={ph.sha256} photo={ph} alt={t('report.photoOf', { n: i + 1 })} onOpen={() => setPhoto(ph)} />
                  ))}
                </div>
              )}
              {p.notes?.length > 0 && (
                <details>
                  <summary class="small">{t('report.progressNotes', { n: p.notes.length })}</summary>
                  <ol class="timeline">
                    {p.notes.map((n, i) => (
                      <li key={n.id || i}>
                        <span class="when">{fmtTime(n.at)}</span>
                        <span class="what">
                          {n.fromStatus ? `${probStatus(t, n.fromStatus)} → ` : ''}
                          {probStatus(t, n.toStatus)}
                        </span>
                        {n.note && <span class="note">{n.note}</span>}
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </li>
          )}
        />
      </section>
      {photo && <PhotoViewer photo={photo} onClose={() => setPhoto(null)} />}
    </>
  );
}
