// Disqualifying events (ranking override 1 → 不称职) of a period. The county records one (secretary,
// kind, reason) and withdraws one with a reason, both confirmed first; townships read their own.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, Confirm, ErrLine, mutate, useToast, fmtTime, SelectBox } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker } from './common.jsx';
import { Q_DISQ, M_DISQ, M_WITHDRAW, Q_SECRETARIES } from './queries.js';

const DKINDS = ['DISCIPLINE', 'PETITION', 'INCIDENT'];

export default function Disqualifications({ me }) {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const county = me.role === 'COUNTY';
  const { data, error, loading, reload } = useLoad(() => gql(Q_DISQ, { p: period }).then((d) => d.disqualifications), [period]);
  const [toast, show] = useToast();
  return (
    <>
      <section class="card" aria-labelledby="dq-title">
        <Back fallback={`/assessments?period=${period}`} />
        <h2 id="dq-title">{t('assessment.disq.title')}</h2>
        <p class="muted small">{t('assessment.disq.hint')}</p>
        <PeriodPicker id="dq-period" period={period} onChange={(p) => setParams(path, { period: p })} />
      </section>
      {county && (
        <RecordForm
          period={period}
          onDone={() => {
            show(t('assessment.disq.recorded'));
            reload();
          }}
        />
      )}
      <section class="card" aria-labelledby="dq-list">
        <h2 id="dq-list">{t('assessment.disq.list')}</h2>
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
        {data && !data.length && <p class="state empty">{t('assessment.disq.none')}</p>}
        {data && data.length > 0 && (
          <ul class="list" data-testid="disqs">
            {data.map((d) => (
              <DisqRow
                key={d.id}
                d={d}
                county={county}
                onDone={() => {
                  show(t('assessment.disq.withdrawn'));
                  reload();
                }}
              />
            ))}
          </ul>
        )}
      </section>
      {toast}
    </>
  );
}

function DisqRow({ d, county, onDone }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [ask, setAsk] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const withdrawn = d.withdrawn;
  async function withdraw() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(M_WITHDRAW, { input: { id: d.id, reason: reason.trim() } }, 'withdrawDisqualification');
      onDone();
    } catch (e) {
      setErr(e);
      setAsk(false);
    }
    setBusy(false);
  }
  return (
    <li class="item" data-testid="disq-row" data-withdrawn={withdrawn ? '1' : '0'}>
      <span class="item-main">
        <span class="item-title">
          {d.secretary?.name}
          {d.secretary?.village && <span class="muted small"> · {d.secretary.village.name}</span>}
        </span>
        <span class={`st ${withdrawn ? 'off' : 'no'}`}>{withdrawn ? t('assessment.disq.withdrawnTag') : t('assessment.disq.inForce')}</span>
      </span>
      <span class="item-sub">
        {t(`assessment.disq.kind.${d.kind}`)} · {fmtTime(d.recordedAt)}
        {d.recordedByName && ` · ${d.recordedByName}`}
      </span>
      <span class="a7-notetext">
        {t('common.reason')}：{d.reason}
      </span>
      {withdrawn && (
        <span class="a7-notetext">
          {t('assessment.disq.withdrawReason')}：{d.withdrawnReason}（{fmtTime(d.withdrawnAt)}
          {d.withdrawnByName && ` · ${d.withdrawnByName}`}）
        </span>
      )}
      {county && !withdrawn && !open && (
        <button type="button" class="btn warn small" onClick={() => setOpen(true)}>
          {t('assessment.disq.withdraw')}
        </button>
      )}
      {county && !withdrawn && open && (
        <div class="a7-editor">
          <div class="input">
            <label for={`wd-${d.id}`}>
              {t('assessment.disq.withdrawReason')}
              <span class="req" aria-hidden="true">
                {' '}
                *
              </span>
            </label>
            <textarea id={`wd-${d.id}`} rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <ErrLine error={err} />
          {!ask && (
            <div class="actions">
              <button type="button" class="btn" disabled={!reason.trim()} onClick={() => setAsk(true)}>
                {t('assessment.disq.withdraw')}
              </button>
              <button type="button" class="btn secondary" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
            </div>
          )}
          {ask && (
            <Confirm
              text={t('assessment.disq.confirmWithdraw', { n: d.secretary?.name })}
              busy={busy}
              onYes={withdraw}
              onNo={() => setAsk(false)}
            />
          )}
        </div>
      )}
    </li>
  );
}

function RecordForm({ period, onDone }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [who, setWho] = useState(null);
  const [kind, setKind] = useState('');
  const [reason, setReason] = useState('');
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const find = (e) => {
    e.preventDefault();
    setFound(null);
    gql(Q_SECRETARIES, { q: q.trim() || null, after: null }).then((d) => setFound(d.secretaries.edges.map((x) => x.node)), setErr);
  };
  const ready = who && kind && reason.trim();
  async function record() {
    setBusy(true);
    setErr(null);
    try {
      await mutate(M_DISQ, { input: { secretaryId: who.id, period, kind, reason: reason.trim() } }, 'recordDisqualification');
      setWho(null);
      setKind('');
      setReason('');
      setAsk(false);
      setFound(null);
      setQ('');
      onDone();
    } catch (e) {
      setErr(e);
      setAsk(false);
    }
    setBusy(false);
  }
  return (
    <section class="card" aria-labelledby="dq-new">
      <h2 id="dq-new">{t('assessment.disq.record')}</h2>
      {who ? (
        <p>
          <strong>{who.name}</strong> <span class="muted">{who.village?.name}</span>{' '}
          <button type="button" class="btn secondary small" onClick={() => setWho(null)}>
            {t('common.change')}
          </button>
        </p>
      ) : (
        <>
          <form class="search" role="search" onSubmit={find}>
            <label class="sr-only" for="dq-q">
              {t('assessment.searchName')}
            </label>
            <input
              id="dq-q"
              type="search"
              value={q}
              placeholder={t('assessment.searchName')}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
            <button type="submit" class="btn">
              {t('common.search')}
            </button>
          </form>
          {found && (
            <ul class="list">
              {found.map((s) => (
                <li key={s.id}>
                  <button type="button" class="item a7-pick" onClick={() => setWho(s)}>
                    <span class="item-title">{s.name}</span> <span class="item-sub">{s.village?.name}</span>
                  </button>
                </li>
              ))}
              {!found.length && <li class="muted small">{t('common.empty')}</li>}
            </ul>
          )}
        </>
      )}
      <SelectBox
        id="dq-kind"
        label={t('assessment.disq.kindLabel')}
        value={kind}
        onChange={setKind}
        options={DKINDS.map((k) => [k, t(`assessment.disq.kind.${k}`)])}
        all={t('common.choose')}
      />
      <div class="input">
        <label for="dq-reason">
          {t('common.reason')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <textarea id="dq-reason" rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <ErrLine error={err} />
      {!ask && (
        <button type="button" class="btn block" disabled={!ready} onClick={() => setAsk(true)}>
          {t('assessment.disq.record')}
        </button>
      )}
      {ask && (
        <Confirm
          danger
          text={t('assessment.disq.confirmDisq', { n: who.name, k: t(`assessment.disq.kind.${kind}`) })}
          busy={busy}
          onYes={record}
          onNo={() => setAsk(false)}
        />
      )}
    </section>
  );
}
