// MEMBER: one poll of their village — get a voting credential (issuing; logged in, blinded),
// vote with it (voting; anonymous request after a random delay), keep the receipt, see results.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/poll.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { PrivacyNotice } from '../../privacyNotice.jsx';
import { POLL_FIELDS, PollHead, Fingerprint, PErr, ResultView } from './common.jsx';
import { ChoiceForm, Countdown, Receipt } from './castUi.jsx';
import { BigTextToggle } from '../../bigText.jsx';
import { loadCred, requestCredential, castWithCred, checkCred, castDelay } from './ballot.js';

const Q = `query P($id: ID!) { poll(id: $id) { ${POLL_FIELDS} myStatus { onRoster credentialIssued paperIssued } } }`;

export default function MemberPoll({ me, id }) {
  const tr = useT();
  const poll = useLoad(() => gql(Q, { id }).then((d) => d.poll), [id]);
  const [cred, setCred] = useState(undefined); // undefined = loading
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [pending, setPending] = useState(null); // { choice, seconds } while counting down
  useEffect(() => {
    loadCred(me.id, id).then((c) => setCred(c || null));
  }, [me.id, id]);
  const p = poll.data;
  if ((poll.loading && !p) || cred === undefined) return <Loading />;
  if (poll.error) return <ErrorBox error={poll.error} onRetry={poll.reload} />;
  const ms = p.myStatus || {};
  const ready = cred && (cred.state === 'ready' || cred.state === 'cast');

  const getCred = async () => {
    setBusy(true);
    setErr(null);
    try {
      setCred(await requestCredential(me.id, p));
      poll.reload();
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const startCast = async (choice) => {
    setErr(null);
    try {
      if (!(await checkCred(p, cred))) throw Object.assign(new Error('bad'), { code: 'BAD_SIGNATURE' });
    } catch (e) {
      setErr(e.code ? e : { code: 'BAD_SIGNATURE' });
      return;
    }
    setPending({ choice, seconds: castDelay() });
  };
  const send = async () => {
    const choice = pending.choice;
    setBusy(true);
    try {
      const receipt = await castWithCred(me.id, p.id, cred, choice);
      setCred({ ...cred, state: 'cast', receipt });
    } catch (e) {
      setErr(e);
      if (e.code === 'ALREADY_VOTED') setCred({ ...cred, state: 'cast' });
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  let body;
  if (p.status === 'CLOSED') {
    body = (
      <>
        {cred?.state === 'cast' && cred.receipt && <Receipt pollId={p.id} receipt={cred.receipt} closed mine />}
        <h2>{tr('poll.result.title')}</h2>
        <ResultView result={p.result} />
        <a class="btn secondary block" href={`/polls/${p.id}/result`} data-testid="to-result">
          {tr('poll.member.boardAndVerify')}
        </a>
      </>
    );
  } else if (!ms.onRoster) {
    body = (
      <p class="p9-note" data-testid="not-on-roster">
        {tr('poll.member.notOnRosterLong')}
      </p>
    );
  } else if (cred?.state === 'cast') {
    body = (
      <>
        <p class="form-ok" role="status" data-testid="voted">
          {tr('poll.voted')}
        </p>
        {cred.receipt && <Receipt pollId={p.id} receipt={cred.receipt} closed={false} mine />}
      </>
    );
  } else if (p.status === 'ISSUING') {
    body = ready ? (
      <p class="form-ok" role="status" data-testid="cred-ready">
        {tr('poll.member.credReady')}
      </p>
    ) : cred?.state === 'requested' && !ms.paperIssued ? (
      <>
        <p>{tr('poll.member.credResume')}</p>
        <button type="button" class="btn block" disabled={busy} onClick={getCred} data-testid="resume-credential">
          {busy ? tr('poll.member.gettingCred') : tr('poll.member.credResumeBtn')}
        </button>
      </>
    ) : ms.paperIssued ? (
      <p class="p9-note">{tr('poll.member.gotPaper')}</p>
    ) : ms.credentialIssued ? (
      <p class="p9-note" data-testid="cred-elsewhere">
        {tr('poll.member.credElsewhere')}
      </p>
    ) : (
      <>
        <p>{tr('poll.member.credHint')}</p>
        <button type="button" class="btn block" disabled={busy} onClick={getCred} data-testid="get-credential">
          {busy ? tr('poll.member.gettingCred') : tr('poll.member.getCred')}
        </button>
        <PrivacyNotice kind="poll" />
      </>
    );
  } else if (p.status === 'VOTING') {
    if (!ready)
      body = (
        <p class="p9-note" data-testid="no-credential">
          {ms.paperIssued ? tr('poll.member.gotPaper') : ms.credentialIssued ? tr('poll.member.credElsewhere') : tr('poll.member.noCred')}
        </p>
      );
    else if (pending) body = <Countdown seconds={pending.seconds} send={send} />;
    else
      body = (
        <>
          <p class="muted small">{tr('poll.member.anonHint')}</p>
          <ChoiceForm poll={p} busy={busy} onSubmit={startCast} />
        </>
      );
  } else {
    body = <p class="muted">{tr('poll.member.notYet')}</p>;
  }
  return (
    <div class="p9-big">
      <BigTextToggle />
      <section class="card">
        <Back fallback="/polls" />
        <PollHead poll={p} />
        {p.status !== 'CLOSED' && <Fingerprint poll={p} />}
      </section>
      <section class="card" data-testid="member-poll">
        <PErr error={err} />
        {body}
      </section>
    </div>
  );
}
