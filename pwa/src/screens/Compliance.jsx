// COUNTY: 备案材料与自评估 — the filing dossier of this deployment (complianceReport): each obligation
// of the 2026 rules with its finding and evidence, the functions, the personal-information
// inventory; the whole dossier, with each finding's evidence (code, tests, settings) for the
// reviewers, downloads as Markdown (what `backend.cli compliance-report` prints).
import { gql } from '../api.js';
import { useT } from '../i18n.js';
import '../i18n/compliance.js';
import './compliance.css';
import { useLoad, Loading, ErrorBox } from '../ui.jsx';
import { Back, fmtTime, saveBlob, useToast } from './review/kit.jsx';

const Q = `{ complianceReport { county generatedAt componentCount markdown
  findings { key obligation status note }
  functions { key name users collects }
  personalInfo { table fields whose why whoSees kept } } }`;

const TONE = { MET: 'ok', PARTIAL: 'warn', NOT_MET: 'bad', OPERATOR: 'info' };

export default function Compliance() {
  const t = useT();
  const [toastNode, toast] = useToast();
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.complianceReport), []);
  const save = () => {
    const name = `备案材料-${data.county}-${data.generatedAt.slice(0, 10)}.md`;
    saveBlob(new Blob([data.markdown], { type: 'text/markdown;charset=utf-8' }), name);
    toast(t('compliance.downloaded', { name }));
  };
  return (
    <>
      <section class="card" aria-labelledby="cp-title">
        <Back fallback="/" />
        <h2 id="cp-title">{t('compliance.title')}</h2>
        <p class="muted small">{t('compliance.intro')}</p>
        {data && (
          <>
            <p class="small" data-testid="compliance-summary">
              {t('compliance.summary', { n: data.findings.length })}：
              {Object.keys(TONE)
                .map((s) => [s, data.findings.filter((f) => f.status === s).length])
                .filter(([, n]) => n)
                .map(([s, n]) => `${t(`compliance.status.${s}`)} ${n}`)
                .join('，')}
              <span class="muted"> · {t('compliance.generated', { time: fmtTime(data.generatedAt) })}</span>
            </p>
            <p class="muted small">{t('compliance.evidenceNote')}</p>
            <button type="button" class="btn block" onClick={save} data-testid="compliance-download">
              {t('compliance.download')}
            </button>
          </>
        )}
        {toastNode}
      </section>
      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data && (
        <>
          <section class="card" aria-labelledby="cp-findings">
            <h2 id="cp-findings" class="sr-only">
              {t('compliance.title')}
            </h2>
            <ul class="list compliance-findings">
              {data.findings.map((f) => (
                <li key={f.key} class="item" data-testid="finding" data-key={f.key} data-status={f.status}>
                  <span class="item-main">
                    <span class="item-title">{f.obligation}</span>
                    <span class={`tag ${TONE[f.status]}`}>{t(`compliance.status.${f.status}`)}</span>
                  </span>
                  <span class="item-sub">{f.note}</span>
                </li>
              ))}
            </ul>
          </section>
          <section class="card">
            <details class="cp-fold">
              <summary>{t('compliance.functions', { n: data.functions.length })}</summary>
              <ul class="list">
                {data.functions.map((f) => (
                  <li key={f.key} class="item">
                    <span class="item-title">{f.name}</span>
                    <span class="item-sub small">
                      {t('compliance.users')}：{f.users}
                    </span>
                    <span class="item-sub small muted">
                      {t('compliance.collects')}：{f.collects}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          </section>
          <section class="card">
            <details class="cp-fold">
              <summary>{t('compliance.personalInfo', { n: data.personalInfo.length })}</summary>
              <ul class="list">
                {data.personalInfo.map((p) => (
                  <li key={p.table} class="item">
                    <span class="item-title">
                      {p.whose}
                      <span class="muted small"> · {p.fields.join('、')}</span>
                    </span>
                    <span class="item-sub small">
                      {t('compliance.why')}：{p.why}
                    </span>
                    <span class="item-sub small muted">
                      {t('compliance.whoSees')}：{p.whoSees}；{t('compliance.kept')}：{p.kept}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          </section>
          <p class="muted small">{t('compliance.components', { n: data.componentCount })}</p>
        </>
      )}
    </>
  );
}
