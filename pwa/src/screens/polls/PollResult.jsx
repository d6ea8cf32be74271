// Anyone, no login: /polls/:id/result — the public result board (公示榜) in a villager's words: the
// turnout against the 2/3 rule, the counts, the satisfaction and what it means for the tier; "my
// receipt is on the board" (a member's phone kept its receipt; anyone can type a receipt's first
// groups). The hash chain, the key, the server's verifier, the board download and the command
// line live behind 技术核验（供监督人员）, loaded only when opened.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { POLL_FIELDS, RESULT_FIELDS, PollHead, Fingerprint, HexBlock, PErr, ResultView, ReceiptCode, receiptGroups } from './common.jsx';
import { Receipt } from './castUi.jsx';
import { loadCred } from './ballot.js';

const Q = `query P($id: ID!) { publicPoll(id: $id) { ${POLL_FIELDS} } }`;
const BOARD = `query B($id: ID!) { pollBoard(pollId: $id) { headHash document entries { seq type payload prevHash hash } } }`;
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

/** The board's receipts (sorted, lower-case hex), from the published document. */
function boardReceipts(document) {
  const doc = JSON.parse(document);
  const e = doc.entries.find((x) => x.type === 'receipts');
  return e ? e.payload.receipts : [];
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
    <div class="p9-tech-part">
      <h3>{tr('poll.result.verify')}</h3>
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
    </div>
  );
}

/** The technical part, fetched when opened: key, head hash, verifier, download, the entries. */
function Technical({ poll }) {
  const tr = useT();
  const board = useLoad(() => gql(BOARD, { id: poll.id }).then((d) => d.pollBoard), [poll.id]);
  const [showAll, setShowAll] = useState(false);
  const b = board.data;
  const entries = b ? (showAll ? b.entries : b.entries.slice(0, 20)) : [];
  return (
    <>
      <p class="muted small">{tr('poll.tech.hint')}</p>
      <Fingerprint poll={poll} />
      {board.error && <ErrorBox error={board.error} onRetry={board.reload} />}
      {!b && !board.error && <Loading />}
      {b && (
        <>
          <p class="muted small">{tr('poll.headHash')}</p>
          <HexBlock hex={b.headHash} testid="board-head" />
          <Verify pollId={poll.id} />
          <div class="p9-tech-part">
            <h3>
              {tr('poll.result.board')} <span class="muted small">{tr('poll.result.entriesN', { n: b.entries.length })}</span>
            </h3>
            <button
              type="button"
              class="btn secondary block"
              data-testid="download-board"
              onClick={() => saveText(b.document, `poll-${poll.id}-board.json`)}
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
          </div>
        </>
      )}
    </>
  );
}

/** Anyone: type a receipt's first three groups (or all of it) and find it on the board. The
 * board's receipt list is public; the search runs on this phone. */
function ReceiptLookup({ pollId }) {
  const tr = useT();
  const [text, setText] = useState('');
  const [receipts, setReceipts] = useState(null);
  const [st, setSt] = useState(null);
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  const ok = /^[0-9a-f]{12,64}$/.test(hex);
  const look = async (e) => {
    e.preventDefault();
    if (!ok) return;
    setSt({ busy: true });
    try {
      let list = receipts;
      if (!list) {
        const d = await gql(`query R($id: ID!) { pollBoard(pollId: $id) { document } }`, { id: pollId });
        list = boardReceipts(d.pollBoard.document);
        setReceipts(list);
      }
      setSt({ prefix: hex, hits: list.filter((r) => r.startsWith(hex)) });
    } catch (err) {
      setSt({ error: err });
    }
  };
  const shown = receiptGroups(st?.prefix).join('-');
  return (
    <section class="card" aria-labelledby="p9-lookup">
      <h2 id="p9-lookup">{tr('poll.lookup.title')}</h2>
      <form onSubmit={look}>
        <div class="input">
          <label for="p9-rcpt">{tr('poll.lookup.label')}</label>
          <input
            id="p9-rcpt"
            value={text}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            placeholder="7F3A-92C1-5B0E"
            data-testid="receipt-input"
            onInput={(e) => {
              setText(e.currentTarget.value);
              setSt(null);
            }}
          />
          <p class="hint muted small">{tr('poll.lookup.hint')}</p>
          {text && !ok && <p class="field-err">{tr('poll.lookup.format')}</p>}
        </div>
        <button type="submit" class="btn block" disabled={!ok || st?.busy} data-testid="receipt-lookup">
          {tr('poll.lookup.find')}
        </button>
      </form>
      {st?.error && <PErr error={st.error} />}
      {st?.hits &&
        (st.hits.length ? (
          <div data-testid="lookup-found">
            <p class="p9-verdict ok" role="status">
              <span class="st ok">✓</span> {tr('poll.lookup.found')}
            </p>
            {st.hits.slice(0, 3).map((r) => (
              <ReceiptCode key={r} hex={r} testid="lookup-receipt" />
            ))}
          </div>
        ) : (
          <p class="p9-verdict no" role="status" data-testid="lookup-missing">
            <span class="st no">✗</span> {tr('poll.lookup.missing', { r: shown })}
          </p>
        ))}
    </section>
  );
}

/** A logged-in member whose phone kept a receipt for this poll: checked on the board at once. */
function MyReceipt({ me, poll }) {
  const [cred, setCred] = useState(null);
  useEffect(() => {
    if (me?.role === 'MEMBER') loadCred(me.id, poll.id).then((c) => setCred(c || null));
  }, [me?.id, me?.role, poll.id]);
  if (!cred || cred.state !== 'cast' || !cred.receipt) return null;
  return (
    <section class="card">
      <Receipt pollId={poll.id} receipt={cred.receipt} closed mine />
    </section>
  );
}

export default function PollResult({ id, me }) {
  const tr = useT();
  const data = useLoad(() => gql(Q, { id }).then((d) => d.publicPoll), [id]);
  const [tech, setTech] = useState(false); // the technical part is fetched once opened
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <ErrorBox error={data.error} onRetry={data.reload} />;
  const p = data.data;
  const closed = p.status === 'CLOSED';
  return (
    <div class="p9-big">
      <section class="card">
        <a class="back" href="/">
          ‹ {tr('common.home')}
        </a>
        <PollHead poll={p} />
      </section>
      <section class="card" aria-labelledby="p9-res">
        <h2 id="p9-res">{tr('poll.result.title')}</h2>
        {closed ? (
          <ResultView result={p.result} />
        ) : (
          <p class="muted" data-testid="not-closed">
            {tr('poll.result.later')}
          </p>
        )}
      </section>
      {closed && <MyReceipt me={me} poll={p} />}
      {closed && <ReceiptLookup pollId={p.id} />}
      <details class="card p9-tech admin-section" data-testid="tech" onToggle={(e) => e.currentTarget.open && setTech(true)}>
        <summary>
          <h2>{tr('poll.tech.title')}</h2>
        </summary>
        {tech && <Technical poll={p} />}
      </details>
    </div>
  );
}
