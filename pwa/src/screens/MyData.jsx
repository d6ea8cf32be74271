// 我的个人信息 (any logged-in user): what the system holds about the caller — account, problem
// reports and complaints sent with the account, poll rosters (never ballots: unlinkable), and for a
// first secretary their record — and a JSON copy to download (个人信息保护法: access and copy).
import { useState } from 'preact/hooks';
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/privacy.js';
import { useLoad, Loading, ErrorBox, Fields } from '../ui.jsx';
import { Back, saveBlob } from './review/kit.jsx';
import '../privacyNotice.css';

const Q = `{ myPersonalData { name phone role unitName
  problems { id title description status createdAt }
  complaints { trackingNumber kind topic text state createdAt }
  rosters { pollTitle period name category credentialIssued }
  secretaryRecords { name gender phone dispatchUnit termStart termEnd filings filingsWithPosition checkIns }
  notHeld } }`;

const day = (iso) => (iso || '').slice(0, 10);

export default function MyData() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q), []);
  const [saved, setSaved] = useState('');
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const d = data.myPersonalData;
  function download() {
    const name = `我的个人信息-${new Date().toISOString().slice(0, 10)}.json`;
    const copy = { exportedAt: new Date().toISOString(), ...d };
    saveBlob(new Blob([JSON.stringify(copy, null, 2)], { type: 'application/json' }), name);
    setSaved(name);
  }
  return (
    <>
      <section class="card" aria-labelledby="md-title">
        <Back fallback="/" />
        <h2 id="md-title">{t('myData.title')}</h2>
        <p class="muted">{t('myData.intro')}</p>
        <button type="button" class="btn block" onClick={download} data-testid="my-data-download">
          {t('myData.download')}
        </button>
        {saved && (
          <p class="form-ok" role="status" data-testid="my-data-saved">
            {t('myData.downloaded', { name: saved })}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="md-account">
        <h3 id="md-account">{t('myData.account')}</h3>
        <Fields
          rows={[
            [t('myData.name'), d.name],
            [t('myData.phone'), <span data-testid="my-data-phone">{d.phone}</span>],
            [t('myData.role'), t(`role.${d.role}`)],
            [t('myData.unit'), d.unitName],
          ]}
        />
      </section>
      {d.secretaryRecords.map((s, i) => (
        <section class="card" key={i} aria-label={t('myData.secretary')}>
          <h3>{t('myData.secretary')}</h3>
          <Fields
            rows={[
              [t('myData.name'), s.name],
              [t('myData.phone'), s.phone],
              [t('myData.dispatchUnit'), s.dispatchUnit],
              [t('myData.term'), `${s.termStart} — ${s.termEnd}`],
            ]}
          />
          <p class="muted">{t('myData.filings', { n: s.filings, p: s.filingsWithPosition, c: s.checkIns })}</p>
        </section>
      ))}
      <section class="card" aria-labelledby="md-problems">
        <h3 id="md-problems">{t('myData.problems', { n: d.problems.length })}</h3>
        {d.problems.length ? (
          <ul class="md-list">
            {d.problems.map((p) => (
              <li key={p.id}>
                {day(p.createdAt)} {p.title} · {t(`myData.problemStatus.${p.status}`)}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('myData.none')}</p>
        )}
      </section>
      <section class="card" aria-labelledby="md-complaints">
        <h3 id="md-complaints">{t('myData.complaints', { n: d.complaints.length })}</h3>
        {d.complaints.length ? (
          <ul class="md-list">
            {d.complaints.map((c) => (
              <li key={c.trackingNumber}>
                {day(c.createdAt)} {c.text} · {t(`myData.complaintState.${c.state}`)}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('myData.none')}</p>
        )}
      </section>
      <section class="card" aria-labelledby="md-rosters">
        <h3 id="md-rosters">{t('myData.rosters', { n: d.rosters.length })}</h3>
        {d.rosters.length ? (
          <ul class="md-list">
            {d.rosters.map((r, i) => (
              <li key={i}>
                {r.pollTitle} · {r.name} · {t(`myData.category.${r.category}`)} ·{' '}
                {r.credentialIssued ? t('myData.issued') : t('myData.notIssued')}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('myData.none')}</p>
        )}
      </section>
      <section class="card" aria-labelledby="md-not-held">
        <h3 id="md-not-held">{t('myData.notHeld')}</h3>
        <ul class="md-list">
          {d.notHeld.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
    </>
  );
}
