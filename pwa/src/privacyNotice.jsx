// 个人信息说明: the one notice shown where villagers and members first give data — what is
// collected, why, who sees it, how long it is kept, and how to see and download one's data
// (个人信息保护法). Collapsed by default so the form stays near the top; the summary is a 48 px
// tap target. `kind`: publicReport, memberReport, complaint or poll (keys in i18n/privacy.js).
import { useT } from './i18n.js';
import './i18n/privacy.js';
import './privacyNotice.css';

const LINES = ['what', 'why', 'who', 'keep'];

export function PrivacyNotice({ kind }) {
  const t = useT();
  return (
    <details class="privacy-notice" data-testid="privacy-notice">
      <summary>{t('privacy.summary')}</summary>
      <ul>
        {LINES.map((line) => (
          <li key={line}>{t(`privacy.${kind}.${line}`)}</li>
        ))}
        <li>{t('privacy.rights')}</li>
      </ul>
    </details>
  );
}
