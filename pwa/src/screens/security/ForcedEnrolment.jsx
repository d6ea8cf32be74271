// The login step a county may require (totp_required_for_county): enrol an authenticator with the
// login's challenge, save the recovery codes, then enter with the session the enrolment returned.
import { useState } from 'preact/hooks';
import { acceptSession } from '../../auth.js';
import { useT } from '../../i18n.js';
import '../../i18n/security.js';
import { Enrol, RecoveryCodes } from './Enrol.jsx';

export default function ForcedEnrolment({ challenge, onBack }) {
  const t = useT();
  const [done, setDone] = useState(null); // { recoveryCodes, auth }
  return (
    <section class="card" aria-labelledby="forced-title" data-testid="forced-enrolment">
      <h2 id="forced-title">{t('login.enrolTitle')}</h2>
      {done ? (
        <RecoveryCodes codes={done.recoveryCodes} onDone={() => acceptSession(done.auth)} />
      ) : (
        <>
          <p class="muted">{t('login.enrolHint')}</p>
          <Enrol challenge={challenge} onDone={setDone} onCancel={onBack} />
        </>
      )}
    </section>
  );
}
