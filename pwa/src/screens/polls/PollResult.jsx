// Anyone, no login: /polls/:id/result — the result (after close), the public hash-chained board
// (entries with hashes, head hash), the server verifier's checks, the board JSON download and
// a receipt lookup.
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { POLL_FIELDS, RESULT_FIELDS, PollHead, Fingerprint, HexBlock, PErr, ResultView } from './common.jsx';
import { Receipt } from './castUi.jsx';

const Q = `query P($id: ID!) { publicPoll(id: $id) { ${POLL_FIELDS} }
  pollBoard(pollId: $id) { headHash document entries { seq type payload prevHash hash } } }`;
const VERIFY = `query V($id: ID) { verifyPollBoard(pollId: $id) { ok stage headHash keyFingerprint checks { name ok detail } result { ${RESULT_FIELDS} } } }`;

function saveText(text, name) {
  const href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

function Verify({ pollId }) {
  const tr = useT();
  const [st, setSt] = useState(null);
  const run = async () => {
    setSt({ busy: true });
    try {
      setSt({ v: (await gql(VERIFY, { id: pollId })).verifyPollBoard });
    } catch (e) {
      setSt({ error: e });
    }
  };
  const v = st?.v;
  return (
    <section class="card" aria-labelledby="p9-verify">
      <h2 id="p9-verify">{tr('poll.result.verify')}</h2>
      <p class="muted small">{tr('poll.result.verifyHint')}</p>
      <button type="button" class="btn block" disabled={st?.busy} onClick={run} data-testid="verify">
        {st?.busy ? tr('poll.result.verifying') : tr('poll.result.verifyBtn')}
      </button>
      {st?.error && <PErr error={st.error} />}
      {v && (
        <div data-testid="verify-result" data-ok={String(v.ok)}>
          <p class={v.ok ? 'form-ok' : 'form-err'} role="status">
            {v.ok ? tr('poll.result.verifyOk') : tr('poll.result.verifyFail')}{' '}
            <span class="muted small">
              （{tr('poll.result.stage')}：{v.stage}）
            </span>
          </p>
          <ul class="list">
            {v.checks.map((c, i) => (
              <li key={i} class="p9-check" data-testid="verify-check" data-ok={String(c.ok)}>
                <span class={`st ${c.ok ? 'ok' : 'no'}`}>{c.ok ? '✓' : '✗'}</span>
                <span>
                  <strong>{c.name}</strong> <span class="muted small">{c.detail}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function ReceiptLookup({ pollId }) {
  const tr = useT();
  const [text, setText] = useState('');
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  const ok = /^[0-9a-f]{64}$/.test(hex);
  const [shown, setShown] = useState(null);
  return (
    <section class="card" aria-labelledby="p9-lookup">
      <h2 id="p9-lookup">{tr('poll.findReceipt')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) setShown(hex);
        }}
      >
        <div class="input">
          <label for="p9-rcpt">{tr('poll.receipt')}</label>
          <input
            id="p9-rcpt"
            value={text}
            autocomplete="off"
            spellcheck={false}
            data-testid="receipt-input"
            onInput={(e) => {
              setText(e.currentTarget.value);
              setShown(null);
            }}
          />
          {text && !ok && <p class="field-err">{tr('poll.result.receiptFormat')}</p>}
        </div>
        <button type="submit" class="btn secondary block" disabled={!ok}>
          {tr('poll.result.lookup')}
        </button>
      </form>
      {shown && <Receipt key={shown} pollId={pollId} receipt={shown} closed />}
    </section>
  );
}

export default function PollResult({ id }) {
  const tr = useT();
  const data = useLoad(() => gql(Q, { id }), [id]);
  const [showAll, setShowAll] = useState(false);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <ErrorBox error={data.error} onRetry={data.reload} />;
  const p = data.data.publicPoll;
  const b = data.data.pollBoard;
  const entries = showAll ? b.entries : b.entries.slice(0, 20);
  return (
    <>
      <section class="card">
        <a class="back" href="/">
          ‹ {tr('common.home')}
        </a>
        <PollHead poll={p} />
        <Fingerprint poll={p} />
      </section>
      <section class="card" aria-labelledby="p9-res">
        <h2 id="p9-res">{tr('poll.result.title')}</h2>
        {p.status === 'CLOSED' ? (
          <ResultView result={p.result} />
        ) : (
          <p class="muted" data-testid="not-closed">
            {tr('poll.result.later')}
          </p>
        )}
      </section>
      {p.status === 'CLOSED' && <ReceiptLookup pollId={p.id} />}
      <Verify pollId={p.id} />
      <section class="card" aria-labelledby="p9-board">
        <h2 id="p9-board">
          {tr('poll.result.board')} <span class="muted small">{tr('poll.result.entriesN', { n: b.entries.length })}</span>
        </h2>
        <p class="muted small">{tr('poll.headHash')}</p>
        <HexBlock hex={b.headHash} testid="board-head" />
        <button
          type="button"
          class="btn secondary block"
          data-testid="download-board"
          onClick={() => saveText(b.document, `poll-${p.id}-board.json`)}
        >
          {tr('poll.result.downloadBoard')}
        </button>
        <p class="muted small">{tr('poll.result.cliHint')}</p>
        <ol class="list" data-testid="board-entries">
          {entries.map((e) => (
            <li key={e.seq} class="p9-entry" data-testid="board-entry">
              <strong>
                #{e.seq} {e.type}
              </strong>
              <div class="muted">
                hash <code>{e.hash}</code>
              </div>
              <div class="muted">
                prev <code>{e.prevHash}</code>
              </div>
              <details>
                <summary>{tr('poll.result.payload')}</summary>
                <code>{e.payload}</code>
              </details>
            </li>
          ))}
        </ol>
        {b.entries.length > entries.length && (
          <button type="button" class="btn secondary block" onClick={() => setShowAll(true)}>
            {tr('poll.result.showAll', { n: b.entries.length })}
          </button>
        )}
      </section>
    </>
  );
}
