// 便民服务卡: generate the card (online), then open the PDF / PNG; file distributions per household.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT, errorText } from '../../i18n.js';
import '../../i18n/duties.js';
import { useLoad, BackLink, Loading } from '../../ui.jsx';
import { fmtTime } from './common.jsx';

const CARD = 'secretaryId generatedAt pdfUrl pngUrl';
const Q = `{ serviceCard { ${CARD} } }`;
const GEN = `mutation { generateServiceCard { card { ${CARD} } errors { code message field } } }`;

/** Same-origin path of a card URL (the server may put its configured public host in front). */
function local(url, fallback) {
  try {
    const u = new URL(url, location.origin);
    return u.pathname + u.search;
  } catch {
    return fallback;
  }
}

export default function ServiceCard() {
  const t = useT();
  const prof = useLoad(() => gql(Q).then((d) => d.serviceCard), []);
  const [st, setSt] = useState({ busy: false, done: false, error: null });
  async function gen() {
    setSt({ busy: true, done: false, error: null });
    try {
      const p = (await gql(GEN)).generateServiceCard;
      setSt({ busy: false, done: !p.errors?.length, error: p.errors?.[0] || null, card: p.card });
    } catch (e) {
      setSt({ busy: false, done: false, error: e });
    }
  }
  const card = st.card || prof.data;
  return (
    <section class="card">
      <BackLink href="/duties" />
      <h2>{t('card.title')}</h2>
      {prof.loading && <Loading />}
      <button type="button" class="btn block" onClick={gen} disabled={st.busy || !navigator.onLine} data-testid="gen-card">
        {st.busy ? t('common.saving') : t('card.generate')}
      </button>
      {!navigator.onLine && <p class="small muted">{t('duties.needOnline')}</p>}
      {st.error && (
        <p class="form-err" role="alert">
          {st.error.message || errorText(st.error.code)}
        </p>
      )}
      {st.done && (
        <p class="form-ok" role="status">
          {t('card.ready')}
        </p>
      )}
      {card && (
        <>
          <p class="small muted">
            {t('card.generated')}：{fmtTime(Date.parse(card.generatedAt))}
          </p>
          <div class="ob-actions">
            <a
              class="btn secondary"
              href={local(card.pdfUrl, `/cards/${card.secretaryId}.pdf`)}
              target="_blank"
              rel="noopener"
              data-testid="card-pdf"
            >
              {t('card.pdf')}
            </a>
            <a
              class="btn secondary"
              href={local(card.pngUrl, `/cards/${card.secretaryId}.png`)}
              target="_blank"
              rel="noopener"
              data-testid="card-png"
            >
              {t('card.png')}
            </a>
          </div>
        </>
      )}
      <a class="btn secondary block" href="/duties/new/SERVICE_CARD">
        {t('duties.kind.SERVICE_CARD')}
      </a>
    </section>
  );
}
