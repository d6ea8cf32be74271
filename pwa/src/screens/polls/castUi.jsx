// The ballot form (four choices, big targets), the unskippable random-delay countdown and the
// receipt — shared by the member's credential ballot and the anonymous paper ballot.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { CHOICES, PErr, ReceiptCode } from './common.jsx';

const SpeakerIcon = () => (
  <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
    <path
      fill="currentColor"
      d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"
    />
  </svg>
);

const canSpeak = () => typeof speechSynthesis !== 'undefined' && typeof SpeechSynthesisUtterance === 'function';

/** 朗读: the ballot read out by the browser's speech synthesis (for voters who read with difficulty);
 * absent where the browser has none. Nothing is sent anywhere: the text is spoken on this phone. */
export function ReadAloud({ text }) {
  const tr = useT();
  const [speaking, setSpeaking] = useState(false);
  useEffect(() => () => canSpeak() && speechSynthesis.cancel(), []);
  if (!canSpeak()) return null;
  const toggle = () => {
    speechSynthesis.cancel();
    if (speaking) {
      setSpeaking(false);
      return;
    }
    const u = new SpeechSynthesisUtterance(text);
    u.lang = 'zh-CN';
    u.rate = 0.85;
    u.onend = u.onerror = () => setSpeaking(false);
    setSpeaking(true);
    speechSynthesis.speak(u);
  };
  return (
    <button
      type="button"
      class="btn secondary block p9-read"
      aria-pressed={speaking ? 'true' : 'false'}
      onClick={toggle}
      data-testid="read-aloud"
    >
      <SpeakerIcon />
      {speaking ? tr('poll.vote.stopReading') : tr('poll.vote.readAloud')}
    </button>
  );
}

export function ChoiceForm({ poll, onSubmit, busy, testid = 'ballot' }) {
  const tr = useT();
  const [choice, setChoice] = useState(null);
  const [asking, setAsking] = useState(false);
  const spoken =
    poll &&
    tr('poll.vote.spoken', {
      title: poll.title,
      name: poll.secretaryName,
      village: poll.villageName,
      choices: CHOICES.map((c, i) => `${i + 1}，${tr(`poll.choice.${c}`)}`).join('；'),
    });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (choice) setAsking(true);
      }}
      data-testid={testid}
    >
      {spoken && <ReadAloud text={spoken} />}
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
        <div class="confirm p9-confirm" role="alertdialog">
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

const LOOKUP = `query L($p: ID!, $r: String!) { pollBoard(pollId: $p) { containsReceipt(receipt: $r) } }`;

/** The voter's receipt in a form a person can photograph, copy and compare; after close, checked
 * on the board at once ("我的回执在公示榜上"). `mine`: the phone kept it (a member's credential). */
export function Receipt({ pollId, receipt, closed, mine = false }) {
  const tr = useT();
  const [st, setSt] = useState(null);
  const check = async () => {
    setSt({ busy: true });
    try {
      const d = await gql(LOOKUP, { p: pollId, r: receipt });
      setSt({ found: d.pollBoard.containsReceipt });
    } catch (e) {
      setSt({ error: e });
    }
  };
  useEffect(() => {
    if (closed && receipt) check();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per receipt
  }, [closed, receipt]);
  return (
    <section class="p9-receipt" data-testid="receipt-box" aria-labelledby="p9-receipt-h">
      <h2 id="p9-receipt-h">{tr(mine ? 'poll.mine.title' : 'poll.receipt')}</h2>
      {closed && (
        <div class="p9-onboard" role="status" aria-live="polite">
          {st?.busy && <p class="muted">{tr('poll.mine.checking')}</p>}
          {st &&
            'found' in st &&
            (st.found ? (
              <p class="p9-verdict ok" data-testid="receipt-found">
                <span class="st ok">✓</span> {tr(mine ? 'poll.mine.onBoard' : 'poll.vote.receiptFound')}
              </p>
            ) : (
              <p class="p9-verdict no" data-testid="receipt-missing">
                <span class="st no">✗</span> {tr('poll.vote.receiptMissing')}
              </p>
            ))}
          {st?.error && <PErr error={st.error} />}
        </div>
      )}
      <ReceiptCode hex={receipt} />
      {closed ? (
        <button type="button" class="btn secondary block" disabled={st?.busy} onClick={check} data-testid="find-receipt">
          {tr('poll.mine.checkAgain')}
        </button>
      ) : (
        <p class="muted small">{tr(mine ? 'poll.mine.later' : 'poll.vote.receiptHint')}</p>
      )}
    </section>
  );
}
