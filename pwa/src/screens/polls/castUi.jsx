// The ballot form (four choices, big targets), the unskippable random-delay countdown and the
// receipt — shared by the member's credential ballot and the anonymous paper ballot.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { CHOICES, HexBlock, PErr } from './common.jsx';

export function ChoiceForm({ onSubmit, busy, testid = 'ballot' }) {
  const tr = useT();
  const [choice, setChoice] = useState(null);
  const [asking, setAsking] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (choice) setAsking(true);
      }}
      data-testid={testid}
    >
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend class="muted">{tr('poll.vote.pickOne')}</legend>
        {CHOICES.map((c) => (
          <label key={c} class={`p9-choice${choice === c ? ' sel' : ''}`}>
            <input
              type="radio"
              name="choice"
              value={c}
              checked={choice === c}
              onChange={() => {
                setChoice(c);
                setAsking(false);
              }}
              data-testid={`choice-${c}`}
            />
            {tr(`poll.choice.${c}`)}
          </label>
        ))}
      </fieldset>
      {!asking ? (
        <button type="submit" class="btn block" disabled={!choice || busy} data-testid="ballot-submit">
          {tr('poll.vote.submitBallot')}
        </button>
      ) : (
        <div class="confirm" role="alertdialog">
          <p>{tr('poll.vote.confirmBallot', { c: tr(`poll.choice.${choice}`) })}</p>
          <div class="row p9-row">
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() => Promise.resolve(onSubmit(choice)).finally(() => setAsking(false))}
              data-testid="confirm-yes"
            >
              {tr('poll.vote.castNow')}
            </button>
            <button type="button" class="btn secondary" disabled={busy} onClick={() => setAsking(false)}>
              {tr('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}

/** Counts down `seconds` (no skip button), then runs `send` once. */
export function Countdown({ seconds, send }) {
  const tr = useT();
  const [left, setLeft] = useState(seconds);
  const sent = useRef(false);
  useEffect(() => {
    const end = Date.now() + seconds * 1000;
    const tick = () => {
      const l = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      setLeft(l);
      if (l <= 0 && !sent.current) {
        sent.current = true;
        clearInterval(timer);
        send();
      }
    };
    const timer = setInterval(tick, 250);
    tick();
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one countdown per mount
  }, []);
  return (
    <div role="status" aria-live="polite" data-testid="countdown">
      <p class="p9-count">{left}</p>
      <p>{tr('poll.vote.waiting', { n: left })}</p>
      <p class="muted small">{tr('poll.vote.whyWait')}</p>
    </div>
  );
}

const LOOKUP = `query L($p: ID!, $r: String!) { pollBoard(pollId: $p) { headHash containsReceipt(receipt: $r) } }`;

/** The receipt, grouped for reading, and (after close) "find it on the board". */
export function Receipt({ pollId, receipt, closed }) {
  const tr = useT();
  const [st, setSt] = useState(null);
  const check = async () => {
    setSt({ busy: true });
    try {
      const d = await gql(LOOKUP, { p: pollId, r: receipt });
      setSt({ found: d.pollBoard.containsReceipt, head: d.pollBoard.headHash });
    } catch (e) {
      setSt({ error: e });
    }
  };
  return (
    <div class="p9-receipt" data-testid="receipt-box">
      <p>
        <strong>{tr('poll.receipt')}</strong>
      </p>
      <HexBlock hex={receipt} testid="receipt" label={tr('poll.receipt')} />
      <p class="muted small">{tr('poll.vote.receiptHint')}</p>
      {closed ? (
        <>
          <button type="button" class="btn secondary block" disabled={st?.busy} onClick={check} data-testid="find-receipt">
            {tr('poll.findReceipt')}
          </button>
          {st?.error && <PErr error={st.error} />}
          {st &&
            'found' in st &&
            (st.found ? (
              <p class="form-ok" role="status" data-testid="receipt-found">
                {tr('poll.vote.receiptFound')}
              </p>
            ) : (
              <p class="form-err" role="alert" data-testid="receipt-missing">
                {tr('poll.vote.receiptMissing')}
              </p>
            ))}
        </>
      ) : (
        <p class="muted small">{tr('poll.vote.receiptLater')}</p>
      )}
    </div>
  );
}
