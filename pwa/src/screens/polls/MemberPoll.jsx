// MEMBER: one poll of their village — get a voting credential (issuing; logged in, blinded),
// vote with it (voting; anonymous request after a random delay), keep the receipt, see results.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back } from '../review/kit.jsx';
import { POLL_FIELDS, PollHead, Fingerprint, PErr, ResultView } from './common.jsx';
import { ChoiceForm, Countdown, Receipt } from './castUi.jsx';
import { loadCred, requestCredential, castWithCred, checkCred, castDelay } from './ballot.js';

const Q = `query P($id: ID!) { poll(id: $id) { ${POLL_FIELDS} myStatus { onRoster credentialIssued paperIssued } } }`;

export default function MemberPoll({ me, id }) {
  const tr = useT();
  const poll = useLoad(() => gql(Q, { id }).then((d) => d.poll), [id]);
  const [cred, setCred] = useState(undefined); // undefined = loading
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const [pending, setPending] = useState(null); // { choice, seconds } while counting down
  useEffect(() => { loadCred(me.id, id).then((c) => setCred(c || null)); }, [me.id, id]);
  const p = poll.data;
  if ((poll.loading && !p) || cred === undefined) return <Loading />;
  if (poll.error) return <ErrorBox error={poll.error} onRetry={poll.reload} />;
  const ms = p.myStatus || {};
  const ready = cred && (cred.state === 'ready' || cred.state === 'cast');

  const getCred = async () => {
    setBusy(true); setErr(null);
    try { setCred(await requestCredential(me.id, p)); poll.reload(); } catch (e) { setErr(e); } finally { setBusy(false); }
  };
  const startCast = async (choice) => {
    setErr(null);
    try {
      if (!(await checkCred(p, cred))) throw Object.assign(new Error('bad'), { code: 'BAD_SIGNATURE' });
    } catch (e) { setErr(e.code ? e : { code: 'BAD_SIGNATURE' }); return; }
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
    } finally { setBusy(false); setPending(null); }
  };

  let body;
  if (p.status === 'CLOSED') {
    body = (
      <>
        {cred?.state === 'cast' && <Receipt pollId={p.id} receipt={cred.receipt} closed />}
        <h2>{tr('p9result')}</h2>
        <ResultView result={p.result} />
        <a class="btn secondary block" href={`/polls/${p.id}/result`} data-testid="to-result">{tr('p9boardAndVerify')}</a>
      </>
    );
  } else if (!ms.onRoster) {
    body = <p class="p9-note" data-testid="not-on-roster">{tr('p9notOnRosterLong')}</p>;
  } else if (cred?.state === 'cast') {
    body = (<><p class="form-ok" role="status" data-testid="voted">{tr('p9voted')}</p><Receipt pollId={p.id} receipt={cred.receipt} closed={false} /></>);
  } else if (p.status === 'ISSUING') {
    body = ready ? (
      <p class="form-ok" role="status" data-testid="cred-ready">{tr('p9credReady')}</p>
    ) : cred?.state === 'requested' && !ms.paperIssued ? (
      <>
        <p>{tr('p9credResume')}</p>
        <button type="button" class="btn block" disabled={busy} onClick={getCred} data-testid="resume-credential">{busy ? tr('p9gettingCred') : tr('p9credResumeBtn')}</button>
      </>
    ) : ms.paperIssued ? (
      <p class="p9-note">{tr('p9gotPaper')}</p>
    ) : ms.credentialIssued ? (
      <p class="p9-note" data-testid="cred-elsewhere">{tr('p9credElsewhere')}</p>
    ) : (
      <>
        <p>{tr('p9credHint')}</p>
        <button type="button" class="btn block" disabled={busy} onClick={getCred} data-testid="get-credential">{busy ? tr('p9gettingCred') : tr('p9getCred')}</button>
      </>
    );
  } else if (p.status === 'VOTING') {
    if (!ready) body = <p class="p9-note" data-testid="no-credential">{ms.paperIssued ? tr('p9gotPaper') : ms.credentialIssued ? tr('p9credElsewhere') : tr('p9noCred')}</p>;
    else if (pending) body = <Countdown seconds={pending.seconds} send={send} />;
    else body = (<><p class="muted small">{tr('p9anonHint')}</p><ChoiceForm busy={busy} onSubmit={startCast} /></>);
  } else {
    body = <p class="muted">{tr('p9notYet')}</p>;
  }
  return (
    <>
      <section class="card">
        <Back fallback="/polls" />
        <PollHead poll={p} />
        <Fingerprint poll={p} />
      </section>
      <section class="card" data-testid="member-poll">
        <PErr error={err} />
        {body}
      </section>
    </>
  );
}
