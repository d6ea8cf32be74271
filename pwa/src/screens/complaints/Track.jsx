// 查询办理进度: anyone, logged in or not, follows a complaint by its tracking number — its state and
// the county's reply, nothing else (`?n=` fills the number in and looks it up).
import { useState, useEffect } from 'preact/hooks';
import '../../i18n/complaints.js';
import { useT, errorText } from '../../i18n.js';
import { graphqlRequest } from '../../api.js';
import { useRoute } from '../../router.js';
import { Loading } from '../../ui.jsx';
import { Back, params } from '../review/kit.jsx';
import '../public/public.css';
import { StateAndReply, TRACK_Q } from './kit.jsx';

export default function TrackComplaint({ me }) {
  const t = useT();
  const path = useRoute();
  const initial = params(path).get('n') || '';
  const [n, setN] = useState(initial);
  const [st, setSt] = useState({ busy: false, found: null, error: null });

  async function look(number) {
    const value = number.trim();
    if (!value) return;
    setSt({ busy: true, found: null, error: null });
    try {
      const json = await graphqlRequest(TRACK_Q, { n: value }, { anonymous: true, timeoutMs: 20_000 });
      const found = json.data?.complaintByTracking;
      if (found) setSt({ busy: false, found, error: null });
      else {
        const e = json.errors?.[0];
        setSt({ busy: false, found: null, error: { code: e?.extensions?.code || 'UNKNOWN', message: e?.message } });
      }
    } catch (x) {
      setSt({ busy: false, found: null, error: { code: x.code || 'UNKNOWN', message: x.message } });
    }
  }
  // eslint-disable-next-line react-hooks/exhaustive-deps -- once, with the number the link carried
  useEffect(() => void (initial && look(initial)), []);

  return (
    <>
      <form
        class={`card form cp${me ? '' : ' pub'}`}
        aria-labelledby="cp-track"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          look(n);
        }}
      >
        {me ? (
          <Back fallback="/" />
        ) : (
          <a
            class="back pub-back"
            href="/"
            onClick={(e) => {
              if (history.length > 1) {
                e.preventDefault();
                history.back();
              }
            }}
          >
            ← {t('complaint.back')}
          </a>
        )}
        <h2 id="cp-track">{t('complaint.track')}</h2>
        <p class="muted">{t('complaint.trackIntro')}</p>
        <div class="input">
          <label for="cp-n">{t('complaint.trackInput')}</label>
          <input
            id="cp-n"
            name="trackingNumber"
            value={n}
            maxLength={20}
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            placeholder="XXXX-XXXX-XXXX"
            onInput={(e) => setN(e.currentTarget.value)}
            data-testid="track-input"
          />
        </div>
        <button type="submit" class="btn block" disabled={st.busy} data-testid="track-submit">
          {t('complaint.trackButton')}
        </button>
      </form>
      {st.busy && <Loading />}
      {st.error && (
        <p class="card form-err" role="alert" data-testid="track-error">
          {st.error.code === 'NOT_FOUND' ? t('complaint.notFound') : errorText(st.error.code, st.error.message)}
        </p>
      )}
      {st.found && (
        <section class="card cp" aria-labelledby="cp-found" data-testid="track-result">
          <h2 id="cp-found" translate="no">
            {st.found.trackingNumber}
          </h2>
          <StateAndReply c={st.found} />
        </section>
      )}
    </>
  );
}
