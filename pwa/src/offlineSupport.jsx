// Said plainly, to the people who file from villages without signal (first secretaries and
// villagers): this browser cannot keep records without a connection (no service worker or no
// IndexedDB — some in-app WebViews), so file from a normal browser; and how to get there.
import { useState } from 'preact/hooks';
import { useStore } from './store.js';
import { useT } from './i18n.js';
import { offlineSupport } from './localdb.js';

const inApp = () => {
  const ua = navigator.userAgent || '';
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  if (/DingTalk/i.test(ua)) return 'dingtalk';
  return null;
};

export function OfflineSupportNote() {
  const t = useT();
  const s = useStore(offlineSupport);
  const [copied, setCopied] = useState(false);
  if (s.sw !== false && s.idb !== false) return null;
  const host = inApp();
  async function copy() {
    try {
      await navigator.clipboard.writeText(location.origin + '/');
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <aside class="offline-note" role="note" data-testid="offline-unsupported" data-sw={String(s.sw)} data-idb={String(s.idb)}>
      <p>{t('offlineSupport.text')}</p>
      {host ? (
        <p>{t(`offlineSupport.${host}`)}</p>
      ) : (
        <p>
          {t('offlineSupport.other')}{' '}
          {navigator.clipboard && (
            <button type="button" class="btn secondary" onClick={copy} data-testid="copy-address">
              {copied ? t('offlineSupport.copied') : t('offlineSupport.copy')}
            </button>
          )}
        </p>
      )}
    </aside>
  );
}
