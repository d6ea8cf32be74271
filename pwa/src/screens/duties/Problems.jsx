// 问题台账 for the secretary's own village: list, file a problem with a photo if wanted (outbox,
// works offline), move its status open → in progress → resolved / closed (outbox too). Each
// problem says where it came from — a member, the secretary, or the public page without an
// account (anonymous, or with a number to call back) — and shows its photos.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { usePaged, PagedList, BackLink, useLoad } from '../../ui.jsx';
import { outbox, enqueue, uuid } from '../../outbox/engine.js';
import { PhotoField } from '../../photoField.jsx';
import { Thumb, PhotoViewer } from '../review/kit.jsx';
import { StateBadge, shownState } from './common.jsx';

const Q = `query P($after: String) { problems(first: 20, after: $after) { pageInfo { hasNextPage endCursor }
  edges { node { id title description status version source anonymous contactPhone createdAt
    photos { sha256 url thumbUrl } } } } }`;
const NEXT = { OPEN: ['IN_PROGRESS', 'RESOLVED', 'CLOSED'], IN_PROGRESS: ['RESOLVED', 'CLOSED'], RESOLVED: [], CLOSED: [] };

export default function Problems({ me }) {
  const t = useT();
  const o = useStore(outbox);
  const [f, setF] = useState({ title: '', description: '' });
  const [photo, setPhoto] = useState(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  const [err, setErr] = useState(null);
  const mine = o.items.filter((i) => /Problem/.test(i.op) && i.state !== 'sent');
  const sentN = o.items.filter((i) => /Problem/.test(i.op) && i.state === 'sent').length;

  async function file(e) {
    e.preventDefault();
    if (!f.title.trim()) {
      setErr(t('common.required'));
      return;
    }
    if (photoBusy) return;
    setErr(null);
    const photos = photo ? [photo.sha] : [];
    const input = { id: uuid(), title: f.title.trim().slice(0, 200), description: f.description.trim(), photos };
    await enqueue({ op: 'fileProblem', vars: { input }, photos, ref: input.id, title: input.title });
    setF({ title: '', description: '' });
    setPhoto(null);
  }
  async function move(p, status) {
    const note = prompt(status === 'CLOSED' ? t('ledger.noteRequired') : t('ledger.note'));
    if (note === null || (status === 'CLOSED' && !note.trim())) return;
    const input = { id: p.id, toStatus: status, note: note.trim(), baseVersion: p.version };
    await enqueue({ op: 'updateProblemStatus', vars: { input }, ref: p.id, title: `${p.title} → ${t(`ledger.status.${status}`)}` });
  }
  return (
    <>
      <section class="card">
        <BackLink href="/duties" />
        <h2>{t('ledger.title')}</h2>
        <form class="form" onSubmit={file} noValidate>
          <div class="input">
            <label for="pb-title">
              {t('ledger.problem')}
              <span class="req" aria-hidden="true">
                {' '}
                *
              </span>
            </label>
            <input id="pb-title" value={f.title} maxLength={200} onInput={(e) => setF({ ...f, title: e.currentTarget.value })} />
          </div>
          <div class="input">
            <label for="pb-desc">{t('ledger.description')}</label>
            <textarea id="pb-desc" rows={4} value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} />
          </div>
          <PhotoField
            id="pb-photo"
            owner={me?.id}
            photo={photo}
            onChange={setPhoto}
            onBusy={setPhotoBusy}
            labels={{
              legend: t('ledger.photo'),
              add: t('duties.addPhoto'),
              remove: t('ledger.removePhoto'),
              compressing: t('ledger.compressing'),
              failed: t('duties.photoFailed'),
            }}
          />
          {err && <p class="field-err">{err}</p>}
          <button class="btn block" type="submit" disabled={photoBusy}>
            {t('ledger.file')}
          </button>
        </form>
        {mine.length > 0 && (
          <ul class="list">
            {mine.map((i) => (
              <li key={i.id} class="item">
                <span class="item-main">
                  <span class="item-title">{i.title}</span>
                  <StateBadge state={shownState(i)} />
                </span>
                {i.error && <span class="item-sub field-err">{i.error.message || i.error.code}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Ledger key={sentN} t={t} move={move} />
    </>
  );
}

const SUM_Q = `{ ledgerSummary { total complete byStatus { status count } resolutionRate { numerator denominator percent ageDays } } }`;

/** Where a problem came from: a member, the secretary, or the public page (anonymous or with a
 * number the secretary can call back). */
function Source({ p, t }) {
  if (p.source !== 'PUBLIC') return <span class="tag">{t(`ledger.source.${p.source}`)}</span>;
  return (
    <span class="pb-source">
      <span class="tag" data-testid="problem-source">
        {t('ledger.source.PUBLIC')} · {p.anonymous ? t('ledger.anonymous') : t('ledger.withPhone')}
      </span>
      {p.contactPhone && (
        <a class="btn secondary pb-call" href={`tel:${p.contactPhone}`} data-testid="problem-call">
          {t('ledger.callBack', { phone: p.contactPhone })}
        </a>
      )}
    </span>
  );
}

function Ledger({ t, move }) {
  const page = usePaged((after) => gql(Q, { after }).then((d) => d.problems), []);
  const sum = useLoad(() => gql(SUM_Q).then((d) => d.ledgerSummary), []);
  const [photo, setPhoto] = useState(null);
  const r = sum.data?.resolutionRate;
  return (
    <>
      <section class="card">
        {sum.data && (
          <p class="small" data-testid="ledger-summary">
            {t('ledger.total', { n: sum.data.total })}
            {sum.data.byStatus
              .filter((b) => b.count)
              .map((b) => ` · ${t(`ledger.status.${b.status}`)} ${b.count}`)
              .join('')}
            {' · '}
            {t('ledger.resolutionRate', { d: r.ageDays })}：{r.percent != null ? `${r.percent}%（${r.numerator}/${r.denominator}）` : '—'}
          </p>
        )}
        <PagedList
          page={page}
          label={t('ledger.title')}
          render={(p) => (
            <li key={p.id} class="item" data-testid="problem-item">
              <span class="item-main">
                <span class="item-title">{p.title}</span>
                <span class="tag">{t(`ledger.status.${p.status}`)}</span>
              </span>
              {p.description && <span class="item-sub">{p.description}</span>}
              <Source p={p} t={t} />
              {p.photos?.length > 0 && (
                <div class="thumbs pb-photos">
                  {p.photos.map((ph, i) => (
                    <Thumb key={ph.sha256} photo={ph} alt={t('ledger.photoOf', { n: i + 1 })} onOpen={() => setPhoto(ph)} />
                  ))}
                </div>
              )}
              <div class="ob-actions">
                {(NEXT[p.status] || []).map((s) => (
                  <button key={s} type="button" class="btn secondary" onClick={() => move(p, s)}>
                    {t('ledger.moveTo', { s: t(`ledger.status.${s}`) })}
                  </button>
                ))}
              </div>
            </li>
          )}
        />
      </section>
      {photo && <PhotoViewer photo={photo} onClose={() => setPhoto(null)} />}
    </>
  );
}
