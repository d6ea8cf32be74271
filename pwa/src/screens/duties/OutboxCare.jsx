// Keeping unsent records safe on the phone: whether the browser promised to keep them (persistent
// storage), a warning when space runs low, and 导出未发送记录 / 导入 — a file the secretary can keep
// and load on another phone or after the browser's data was cleared (outbox/backup.js).
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../../i18n.js';
import '../../i18n/duties.js';
import { useStore } from '../../store.js';
import { outbox, outboxUser, syncNow } from '../../outbox/engine.js';
import { storageState, readStorage, askPersistence } from '../../outbox/storage.js';
import { exportUnsent, importUnsent } from '../../outbox/backup.js';
import { fmtSize } from './common.jsx';
import { saveBlob } from '../review/kit.jsx';

const stamp = (d) => {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
};

export function OutboxCare() {
  const t = useT();
  const o = useStore(outbox);
  const st = useStore(storageState);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const unsent = o.items.filter((i) => i.state !== 'sent').length;
  useEffect(() => {
    readStorage().catch(() => {});
  }, [o.items.length]);

  async function doExport() {
    setBusy(true);
    setMsg(null);
    try {
      const { blob, count } = await exportUnsent(outboxUser());
      saveBlob(blob, `驻村通-未发送记录-${stamp(new Date())}.json`);
      setMsg({ ok: true, text: t('outboxCare.exported', { n: count }) });
    } catch {
      setMsg({ ok: false, text: t('outboxCare.exportFailed') });
    } finally {
      setBusy(false);
    }
  }
  async function doImport(ev) {
    const file = ev.currentTarget.files?.[0];
    ev.currentTarget.value = '';
    if (!file) return;
    setBusy(true);
    setMsg(null);
    try {
      const { added, already } = await importUnsent(file, outboxUser());
      setMsg({ ok: true, text: t('outboxCare.imported', { n: added, m: already }) });
      await askPersistence();
      syncNow();
    } catch (e) {
      setMsg({ ok: false, text: t(`outboxCare.${e.code || 'BACKUP_UNREADABLE'}`) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="outbox-care-title" data-testid="outbox-care">
      <h3 id="outbox-care-title">{t('outboxCare.title')}</h3>
      {st.persisted === true && (
        <p class="small" data-testid="storage-persisted" data-persisted="1">
          {t('outboxCare.persisted')}
        </p>
      )}
      {st.persisted === false && (
        <p class="small warn" data-testid="storage-persisted" data-persisted="0">
          {t('outboxCare.notPersisted')}
        </p>
      )}
      {st.low && (
        <p class="field-err" role="alert" data-testid="storage-low">
          {t('outboxCare.low', { free: fmtSize(Math.max(0, st.quota - st.usage)) })}
        </p>
      )}
      <div class="ob-actions">
        <button type="button" class="btn secondary" disabled={busy || !unsent} onClick={doExport} data-testid="outbox-export">
          {t('outboxCare.export')}
        </button>
        <label class="btn secondary" aria-disabled={busy ? 'true' : undefined}>
          {t('outboxCare.import')}
          <input
            type="file"
            class="sr-only"
            accept=".json,application/json"
            disabled={busy}
            onChange={doImport}
            data-testid="outbox-import"
          />
        </label>
      </div>
      <p class="small muted">{t('outboxCare.hint')}</p>
      {msg && (
        <p class={msg.ok ? 'small' : 'field-err'} role="status" data-testid="outbox-care-msg">
          {msg.text}
        </p>
      )}
    </section>
  );
}
