// COUNTY: import the roster workbook (.xlsx). The blank template first (GET /exports/import-template.xlsx,
// with the bearer token like every export), then a dry run (row errors or counts), then 确认导入.
import { useState } from 'preact/hooks';
import { gqlUpload } from '../api.js';
import { useT, errorText } from '../i18n.js';
import '../i18n/org.js';
import { BackLink } from '../ui.jsx';
import { download, ErrLine, useToast } from './review/kit.jsx';

const M = `mutation Import($file: Upload!, $dryRun: Boolean!) { importWorkbook(file: $file, dryRun: $dryRun) {
  ok dryRun counts { townships villages secretaries households } rowErrors { sheet row column message }
  errors { code message field } } }`;

export default function Import() {
  const t = useT();
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null); // null | 0..1
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [tpl, setTpl] = useState({ busy: false, err: null });
  const [toast, show] = useToast();

  async function template() {
    setTpl({ busy: true, err: null });
    try {
      const name = await download('/exports/import-template.xlsx', '第一书记导入模板.xlsx');
      show(t('common.downloaded', { name }));
      setTpl({ busy: false, err: null });
    } catch (e) {
      setTpl({ busy: false, err: e });
    }
  }

  async function send(dryRun) {
    if (!file) return;
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      const data = await gqlUpload(M, { dryRun }, 'file', file, setProgress);
      const p = data.importWorkbook;
      setResult(p);
      if (p.errors?.length && !p.rowErrors?.length) setError(p.errors[0]);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  }

  const busy = progress != null;
  const rows = result?.rowErrors || [];
  const c = result?.counts;
  return (
    <>
      <section class="card">
        <BackLink href="/admin" />
        <h2>{t('import.title')}</h2>
        <p class="muted small">{t('import.templateHint')}</p>
        <button
          type="button"
          class="btn secondary block"
          disabled={tpl.busy}
          onClick={template}
          data-testid="import-template"
          style={{ marginBottom: '1rem' }}
        >
          {tpl.busy ? t('common.downloading') : t('import.template')}
        </button>
        <ErrLine error={tpl.err} />
        <div class="input">
          <label for="xlsx">{t('import.chooseFile')}</label>
          <input
            id="xlsx"
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.currentTarget.files[0] || null);
              setResult(null);
              setError(null);
            }}
          />
        </div>
        <button type="button" class="btn block" disabled={!file || busy} onClick={() => send(true)}>
          {t('import.dryRun')}
        </button>
        {busy && (
          <div class="progress" role="status">
            <span>
              {t('import.uploading')} {Math.round(progress * 100)}%
            </span>
            <progress max="1" value={progress} aria-label={t('import.uploading')} />
          </div>
        )}
        {error && (
          <p class="form-err" role="alert" data-code={error.code}>
            {errorText(error.code, error.message)}
          </p>
        )}
      </section>
      {result && (
        <section class="card" aria-labelledby="imp-result">
          <h2 id="imp-result">
            {rows.length ? t('import.hasErrors', { n: rows.length }) : result.dryRun ? t('import.ok') : t('import.done')}
          </h2>
          {rows.length > 0 && (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('import.sheet')}</th>
                    <th scope="col">{t('import.row')}</th>
                    <th scope="col">{t('import.column')}</th>
                    <th scope="col">{t('common.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={i}>
                      <td>{r.sheet}</td>
                      <td>{r.row}</td>
                      <td>{r.column || '—'}</td>
                      <td>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {c && !rows.length && (
            <dl class="fields">
              <div class="field">
                <dt>{t('import.count.townships')}</dt>
                <dd>{c.townships}</dd>
              </div>
              <div class="field">
                <dt>{t('import.count.villages')}</dt>
                <dd>{c.villages}</dd>
              </div>
              <div class="field">
                <dt>{t('import.count.secretaries')}</dt>
                <dd>{c.secretaries}</dd>
              </div>
              <div class="field">
                <dt>{t('import.count.households')}</dt>
                <dd>{c.households}</dd>
              </div>
            </dl>
          )}
          {result.dryRun && result.ok && !rows.length && (
            <button type="button" class="btn block" disabled={busy} onClick={() => send(false)}>
              {t('import.confirm')}
            </button>
          )}
        </section>
      )}
      {toast}
    </>
  );
}
