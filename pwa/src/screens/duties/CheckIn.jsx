// 我在村（可选）(resident secretary): an optional GPS check-in — one way among several to show presence
// (stationed days come from work evidence, docs/ATTENDANCE.md) — queued in the outbox (works offline, sent once),
// distance to the village and a warning when outside the geofence; open roll calls naming me.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { useLoad, BackLink, Loading } from '../../ui.jsx';
import { outbox, enqueue, uuid } from '../../outbox/engine.js';
import { locate } from '../../outbox/geo.js';
import { StateBadge, shownState, isoLocal, fmtTime, fmtDist } from './common.jsx';

const ROLL_Q = `{ myOpenRollCalls { id deadline note } }`;
const CENTRE_Q = `query C($id: ID!) { orgUnit(id: $id) { id centerLat centerLng } }`;
const RADIUS_M = 2000; // the county default; the server's answer (with the county's setting) replaces the estimate

/** Great-circle distance in metres. */
function haversine(a, b) {
  const r = Math.PI / 180,
    dLat = (b.lat - a.lat) * r,
    dLng = (b.lng - a.lng) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}
const MINE_Q = `{ myCheckIns(first: 10) { edges { node { id at distanceM insideGeofence accuracyM flag } } } }`;

export default function CheckIn({ me }) {
  const t = useT();
  const o = useStore(outbox);
  const [geo, setGeo] = useState(null);
  const [busy, setBusy] = useState(false);
  const centre = useLoad(() => gql(CENTRE_Q, { id: me.orgUnit.id }).then((d) => d.orgUnit), [me.orgUnit.id]);
  const rolls = useLoad(() => gql(ROLL_Q).then((d) => d.myOpenRollCalls), []);
  const mine = useLoad(() => gql(MINE_Q).then((d) => d.myCheckIns.edges.map((e) => e.node)), []);
  const queued = o.items
    .filter((i) => i.op === 'checkIn')
    .slice(-5)
    .reverse();
  const sentN = queued.filter((i) => i.state === 'sent').length;
  useEffect(() => {
    if (sentN) {
      mine.reload();
      rolls.reload();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when one more queued item has been sent
  }, [sentN]);

  async function checkIn() {
    setBusy(true);
    const g = await locate({ maximumAge: 0 });
    setGeo(g);
    if (g.lat != null) {
      const input = { id: uuid(), at: isoLocal(), lat: g.lat, lng: g.lng, accuracyM: g.accuracyM };
      await enqueue({ op: 'checkIn', vars: { input }, ref: input.id, title: `${t('village.checkin')} ${fmtTime(Date.now())}` });
    }
    setBusy(false);
  }

  const last = queued[0];
  const c = centre.data;
  const est = geo?.lat != null && c?.centerLat != null ? haversine(geo, { lat: c.centerLat, lng: c.centerLng }) : null;
  return (
    <>
      <section class="card">
        <BackLink href="/duties" />
        <h2>{t('village.checkin')}</h2>
        <p class="muted small" data-testid="checkin-optional">
          {t('checkin.optional')} <a href="/my-attendance">{t('checkin.myAttendance')}</a>
        </p>
        {rolls.data?.length > 0 && (
          <div class="rollcall" role="alert" data-testid="rollcall">
            {rolls.data.map((r) => (
              <p key={r.id}>
                <strong>{t('checkin.rollCallOpen', { time: fmtTime(Date.parse(r.deadline)) })}</strong>
                {r.note ? ` ${r.note}` : ''}
              </p>
            ))}
          </div>
        )}
        <button type="button" class="btn block big" onClick={checkIn} disabled={busy} data-testid="checkin-btn">
          {busy ? t('duties.gpsLocating') : t('checkin.now')}
        </button>
        {geo?.error && (
          <p class="form-err" role="alert">
            {t('duties.gpsNeeded')}
          </p>
        )}
        {geo?.lat != null && (
          <p class="small muted">{t('duties.gpsOk', { m: geo.accuracyM, lat: geo.lat.toFixed(5), lng: geo.lng.toFixed(5) })}</p>
        )}
        {est != null && !(last?.result?.distanceM != null) && (
          <p class={est <= RADIUS_M ? 'form-ok' : 'form-err'} role="status" data-testid="checkin-estimate">
            {t('checkin.distanceEst', { d: fmtDist(t, est) })} ·{' '}
            {est <= RADIUS_M ? t('checkin.insideFence') : t('checkin.outsideFenceWarn')}
          </p>
        )}
        {last && (
          <div class="checkin-result" data-testid="checkin-result">
            <p>
              <StateBadge state={shownState(last)} /> {fmtTime(last.createdAt)}
            </p>
            {last.result?.distanceM != null ? (
              <p class={last.result.insideGeofence ? 'form-ok' : 'form-err'} role="status">
                {t('checkin.distance', { d: fmtDist(t, last.result.distanceM) })} ·{' '}
                {last.result.insideGeofence ? t('checkin.insideFence') : t('checkin.outsideFenceWarn')}
              </p>
            ) : (
              last.state !== 'sent' && <p class="small muted">{t('checkin.queued')}</p>
            )}
            {last.result?.flag && !last.result.notice && <p class="small">{last.result.flag}</p>}
            {(last.result?.rollCalls || []).map((a) => (
              <p key={a.rollCallId} class={a.answered ? 'form-ok' : 'form-err'}>
                {a.answered ? t('checkin.rollCallAnswered') : `${t('checkin.rollCallNot')}：${a.reason || ''}`}
              </p>
            ))}
            {last.result?.notice && <p class="small">{last.result.notice}</p>}
          </div>
        )}
      </section>
      <section class="card">
        <h2>{t('checkin.mine')}</h2>
        {mine.loading && !mine.data && <Loading />}
        <ul class="list">
          {(mine.data || []).map((c) => (
            <li key={c.id} class="item">
              <span class="item-main">
                <span class="item-title">{fmtTime(Date.parse(c.at))}</span>
                <span class={`badge ${c.insideGeofence ? 'st-approved' : 'st-failed'}`}>
                  {c.insideGeofence ? t('checkin.insideFence') : t('checkin.outsideFence')}
                </span>
              </span>
              <span class="item-sub">
                {c.distanceM != null ? t('checkin.distance', { d: fmtDist(t, c.distanceM) }) : ''}
                {c.accuracyM != null ? ` · ±${Math.round(c.accuracyM)} m` : ''}
              </span>
              {c.flag && <span class="item-sub">{c.flag}</span>}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
