// 安全审计 (the county): its security log, newest first — filtered by kind, date range and person
// (a name in the list narrows to that person), paged, and exported to Excel with the same filters.
import { useState } from 'preact/hooks';
import { gql } from '../api.js';
import '../i18n/securityLog.js';
import { useT } from '../i18n.js';
import { usePaged, PagedList } from '../ui.jsx';
import { Back, download, errMsg, fmtTime } from './review/kit.jsx';
import './securityLog.css';

// The screen's kinds, each a group of the API's SecurityEventKind values.
const GROUPS = {
  LOGIN: ['LOGIN', 'LOGOUT'],
  FAILED: ['LOGIN_FAILED', 'TOKEN_REUSED'],
  LOCKED: ['LOCKED'],
  PERMISSION: ['ACCOUNT_CREATED', 'ACCOUNT_ENABLED', 'ACCOUNT_DISABLED', 'SETTINGS_CHANGED'],
  EXPORT: ['EXPORT'],
  BULK_READ: ['BULK_READ'],
};

const Q = `query($f: SecurityEventFilter, $after: String) { securityEvents(filter: $f, first: 20, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id at kind kindLabel succeeded actorUserId actorName subjectUserId subjectName summary } } } }`;

const today = () => new Date().toLocaleDateString('sv-SE'); // YYYY-MM-DD, local

function filterOf(group, from, to, person) {
  return {
    kinds: group ? GROUPS[group] : null,
    from: from || null,
    to: to || null,
    userId: person ? person.id : null,
  };
}

function Item({ e, onPerson }) {
  const t = useT();
  const people = [
    [t('securityLog.actor'), e.actorUserId, e.actorName || (e.succeeded ? null : t('securityLog.unknownActor'))],
    e.subjectUserId && e.subjectUserId !== e.actorUserId ? [t('securityLog.subject'), e.subjectUserId, e.subjectName] : null,
  ].filter((p) => p && p[2]);
  return (
    <li class="sec-item" data-testid="security-event" data-kind={e.kind}>
      <p class="sec-head">
        <span class={`badge${e.succeeded ? '' : ' bad'}`}>{e.kindLabel}</span>
        {!e.succeeded && <span class="sec-failed">{t('securityLog.failed')}</span>}
        <time class="muted small" datetime={e.at}>
          {fmtTime(e.at)}
        </time>
      </p>
      <p class="sec-summary">{e.summary}</p>
      <p class="small muted sec-people">
        {people.map(([label, id, name]) => (
          <span key={label}>
            {label}：
            {id ? (
              <button
                type="button"
                class="linkish"
                onClick={() => onPerson({ id, name })}
                aria-label={t('securityLog.onlyThisPerson', { name })}
              >
                {name}
              </button>
            ) : (
              name
            )}
          </span>
        ))}
      </p>
    </li>
  );
}

// Above the list, so the list arriving does not move it (no layout shift).
function Export({ group, from, to, person }) {
  const t = useT();
  const [st, setSt] = useState({ busy: false, done: null, error: null });
  async function run() {
    setSt({ busy: true, done: null, error: null });
    const f = filterOf(group, from, to, person);
    const q = new URLSearchParams();
    if (f.kinds) q.set('kinds', f.kinds.map((k) => k.toLowerCase()).join(','));
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
    if (f.userId) q.set('userId', f.userId);
    try {
      const name = await download(`/exports/security-events.xlsx?${q}`, '安全审计记录.xlsx');
      setSt({ busy: false, done: name, error: null });
    } catch (x) {
      setSt({ busy: false, done: null, error: x });
    }
  }
  return (
    <div class="sec-export">
      <button type="button" class="btn secondary block" disabled={st.busy} onClick={run} data-testid="security-download">
        {t('securityLog.download')}
      </button>
      <p class="muted small">{t('securityLog.downloadNote')}</p>
      {st.done && (
        <p class="form-ok small" role="status">
          {t('securityLog.downloaded', { name: st.done })}
        </p>
      )}
      {st.error && (
        <p class="form-err" role="alert">
          {errMsg(st.error)}
        </p>
      )}
    </div>
  );
}

export default function SecurityLog() {
  const t = useT();
  const [group, setGroup] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [person, setPerson] = useState(null);
  const page = usePaged(
    (after) => gql(Q, { f: filterOf(group, from, to, person), after }).then((d) => d.securityEvents),
    [group, from, to, person?.id],
  );
  return (
    <>
      <section class="card sec" aria-labelledby="sec-title">
        <Back fallback="/" />
        <h2 id="sec-title">{t('securityLog.title')}</h2>
        <p class="muted small">{t('securityLog.intro')}</p>
        <div class="sec-filter" role="group" aria-label={t('securityLog.kind')}>
          {['', ...Object.keys(GROUPS)].map((g) => (
            <button
              key={g || 'all'}
              type="button"
              class={`btn secondary${group === g ? ' on' : ''}`}
              aria-pressed={group === g}
              onClick={() => setGroup(g)}
              data-testid={`security-kind-${g || 'ALL'}`}
            >
              {g ? t(`securityLog.groups.${g}`) : t('securityLog.all')}
            </button>
          ))}
        </div>
        <div class="sec-dates">
          <div class="input">
            <label for="sec-from">{t('securityLog.from')}</label>
            <input id="sec-from" type="date" value={from} max={to || today()} onChange={(e) => setFrom(e.currentTarget.value)} />
          </div>
          <div class="input">
            <label for="sec-to">{t('securityLog.to')}</label>
            <input
              id="sec-to"
              type="date"
              value={to}
              min={from || undefined}
              max={today()}
              onChange={(e) => setTo(e.currentTarget.value)}
            />
          </div>
        </div>
        {person && (
          <p class="sec-person">
            <span>{t('securityLog.person', { name: person.name })}</span>
            <button type="button" class="btn secondary" onClick={() => setPerson(null)} data-testid="security-clear-person">
              {t('securityLog.clearPerson')}
            </button>
          </p>
        )}
        <Export group={group} from={from} to={to} person={person} />
        <PagedList page={page} label={t('securityLog.list')} render={(e) => <Item key={e.id} e={e} onPerson={setPerson} />} />
      </section>
    </>
  );
}
