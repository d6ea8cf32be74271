// 发布晾晒: freeze the live ranking of the period (irreversible, confirmed first) and show the
// snapshot's hash; and the list of the published snapshots of the period.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Confirm, ErrLine, mutate, fmtTime } from '../review/kit.jsx';
import { Q_SNAPSHOTS, M_PUBLISH } from './queries.js';

export function PublishButton({ period, onPublished }) {
  const t = useT();
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [done, setDone] = useState(null);
  async function publish() {
    setBusy(true);
    setErr(null);
    try {
      const p = await mutate(M_PUBLISH, { input: { period } }, 'publishRanking');
      setDone(p.snapshot);
      setAsk(false);
      onPublished?.(p.snapshot);
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  }
  return (
    <div class="a7-publish">
      {!ask && (
        <button
          type="button"
          class="btn block"
          onClick={() => {
            setAsk(true);
            setDone(null);
          }}
          data-testid="publish"
        >
          {t('ranking.publish')}
        </button>
      )}
      {ask && (
        <Confirm
          danger
          text={t('ranking.confirmPublish', { y: period })}
          yes={t('ranking.publishYes')}
          busy={busy}
          onYes={publish}
          onNo={() => setAsk(false)}
        />
      )}
      <ErrLine error={err} />
      {done && (
        <div class="form-ok" role="status" data-testid="published">
          <p>{t('ranking.published', { n: done.rowCount ?? '' })}</p>
          <p class="small">{t('ranking.hash')}：</p>
          <p class="a7-hash" data-testid="snapshot-hash">
            {done.sha256}
          </p>
          <a href={`/rankings/snapshots/${encodeURIComponent(done.id)}`} data-testid="open-snapshot">
            {t('ranking.openSnapshot')}
          </a>
        </div>
      )}
    </div>
  );
}

export function SnapshotList({ period, stamp }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q_SNAPSHOTS, { p: period }).then((d) => d.rankingSnapshots), [period, stamp]);
  return (
    <section class="card" aria-labelledby="snap-title">
      <h2 id="snap-title">{t('ranking.snapshots')}</h2>
      <p class="muted small">{t('ranking.snapshotsHint')}</p>
      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data && !data.length && (
        <p class="state empty" data-testid="no-snapshots">
          {t('ranking.noSnapshots')}
        </p>
      )}
      {data && data.length > 0 && (
        <ul class="list" data-testid="snapshots">
          {data.map((s) => (
            <li key={s.id}>
              <a class="item link" href={`/rankings/snapshots/${encodeURIComponent(s.id)}`} data-testid="snapshot-item">
                <span class="item-main">
                  <span class="item-title">{t('ranking.snapshotTitle', { y: s.period, at: fmtTime(s.publishedAt) })}</span>
                  <span class="chev" aria-hidden="true">
                    ›
                  </span>
                </span>
                <span class="item-sub">
                  {t('ranking.rowsN', { n: s.rowCount })} · {t('ranking.hash')} {String(s.sha256).slice(0, 16)}…
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
