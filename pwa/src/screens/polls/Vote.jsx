// Anyone, no login: /vote/:pollId#code=XXXX — the paper slip's QR (the code is in the fragment,
// so it never reaches a server log) or a typed code. The ballot is sent without any login.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { POLL_FIELDS, PollHead, Fingerprint, PErr } from './common.jsx';
import { ChoiceForm, Receipt } from './castUi.jsx';
import { BigTextToggle } from '../../bigText.jsx';
import { castWithCode, normalizeCode, formatCode } from './ballot.js';

const Q = `query P($id: ID!) { publicPoll(id: $id) { ${POLL_FIELDS} } }`;

function codeFromHash() {
  const h = new URLSearchParams(location.hash.replace(/^#/, ''));
  return h.get('code') || '';
}

export default function Vote({ id }) {
  const tr = useT();
  const poll = useLoad(() => gql(Q, { id }).then((d) => d.publicPoll), [id]);
  const [code, setCode] = useState(codeFromHash);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [receipt, setReceipt] = useState(null);
  // drop the code from the address bar (history, screenshots); it stays in memory only
  useEffect(() => {
    const take = () => {
      if (!location.hash) return;
      const c = codeFromHash();
      history.replaceState(null, '', location.pathname + location.search);
      if (c) {
        setCode(c);
        setReceipt(null);
        setErr(null);
      }
    };
    take();
    addEventListener('hashchange', take); // another slip scanned while this page is open
    return () => removeEventListener('hashchange', take);
  }, []);
  const p = poll.data;
  if (poll.loading && !p) return <Loading />;
  if (poll.error) return <ErrorBox error={poll.error} onRetry={poll.reload} />;
  const norm = normalizeCode(code);
  const cast = async (choice) => {
    if (!norm) {
      setErr({ code: 'INVALID_CODE' });
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      setReceipt(await castWithCode(p.id, formatCode(norm), choice));
      setCode('');
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  let body;
  if (receipt) {
    body = (
      <>
        <p class="form-ok" role="status" data-testid="voted">
          {tr('poll.voted')}
        </p>
        <Receipt pollId={p.id} receipt={receipt} closed={false} />
        <button
          type="button"
          class="btn secondary block"
          data-testid="next-ballot"
          onClick={() => {
            setReceipt(null);
            setErr(null);
          }}
        >
          {tr('poll.vote.nextBallot')}
        </button>
      </>
    );
  } else if (p.status === 'CLOSED') {
    body = (
      <>
        <p class="p9-note" data-code="POLL_CLOSED">
          {tr('poll.error.POLL_CLOSED')}
        </p>
        <a class="btn block" href={`/polls/${p.id}/result`} data-testid="to-result">
          {tr('poll.seeResult')}
        </a>
      </>
    );
  } else if (p.status !== 'VOTING') {
    body = (
      <p class="p9-note" data-code="POLL_NOT_OPEN">
        {tr('poll.error.POLL_NOT_OPEN')}
      </p>
    );
  } else {
    body = (
      <>
        <div class="input">
          <label for="p9-code">{tr('poll.vote.code')}</label>
          <input
            id="p9-code"
            value={code}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            data-testid="paper-code"
            placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
            aria-invalid={code && !norm ? 'true' : 'false'}
            onInput={(e) => {
              setCode(e.currentTarget.value);
              setErr(null);
            }}
          />
          {code && !norm && <p class="field-err">{tr('poll.vote.codeFormat')}</p>}
          {norm && (
            <p class="muted small" data-testid="code-ok">
              {tr('poll.vote.codeOk')}
            </p>
          )}
        </div>
        <ChoiceForm poll={p} busy={busy} onSubmit={cast} />
      </>
    );
  }
  return (
    <div class="p9-big">
      <BigTextToggle />
      <section class="card">
        <PollHead poll={p} />
        <Fingerprint poll={p} />
        <p class="muted small">{tr('poll.vote.checkFp')}</p>
      </section>
      <section class="card" data-testid="paper-vote">
        <h2>{tr('poll.vote.paperVote')}</h2>
        <p class="muted small">{tr('poll.vote.paperHint')}</p>
        <PErr error={err} />
        {body}
      </section>
    </div>
  );
}
