// COUNTY: the class (A–D) of each village party organisation for a period, township by township,
// beside the latest earlier class. One tap records a class; the change drives the org-upgrade items.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useRoute } from '../../router.js';
import { useLoad, Loading, ErrorBox, Empty } from '../../ui.jsx';
import { Back, SelectBox, loadAllPages, params, mutate, ErrLine, useToast } from '../review/kit.jsx';
import { periodOf, setParams, PeriodPicker } from './common.jsx';
import { Q_TOWNSHIPS, Q_ORG_CLASSES, M_ORG_CLASS } from './queries.js';

const CLASSES = ['A', 'B', 'C', 'D'];

export default function OrgClasses() {
  const t = useT();
  const path = useRoute();
  const period = periodOf(path);
  const tw = params(path).get('townshipId') || '';
  const [townships, setTownships] = useState([]);
  const [busy, setBusy] = useState('');
  const [saveErr, setSaveErr] = useState(null);
  const [toast, show] = useToast();
  const [recorded, setRecorded] = useState({}); // villageId → { orgClass, change } saved on this screen
  useEffect(() => {
    loadAllPages(Q_TOWNSHIPS, {}, (d) => d.townships).then(
      (l) => {
        setTownships(l.map((x) => [x.id, x.name]));
        if (!tw && l.length) setParams(path, { townshipId: l[0].id });
      },
      () => {},
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the screen opens
  }, []);
  const { data, error, loading, reload } = useLoad(
    () => (tw ? gql(Q_ORG_CLASSES, { p: period, tw }).then((d) => d.orgClasses) : Promise.resolve(null)),
    [period, tw],
  );
  useEffect(() => setRecorded({}), [data]);
  async function record(v, orgClass) {
    setBusy(v.id);
    setSaveErr(null);
    try {
      const p = await mutate(M_ORG_CLASS, { input: { villageId: v.id, period, orgClass } }, 'recordOrgClass');
      setRecorded((r) => ({ ...r, [v.id]: p.orgClass || { orgClass } }));
      show(t('assessment.orgClass.classSaved', { v: v.name, c: orgClass }));
    } catch (e) {
      setSaveErr(e);
    }
    setBusy('');
  }
  const rows = (data || []).map((r) => ({ ...r, ...(recorded[r.village.id] || {}) }));
  return (
    <>
      <section class="card" aria-labelledby="oc-title">
        <Back fallback={`/assessments?period=${period}`} />
        <h2 id="oc-title">{t('assessment.orgClass.title')}</h2>
        <p class="muted small">{t('assessment.orgClass.hint')}</p>
        <div class="filters">
          <PeriodPicker id="oc-period" period={period} onChange={(p) => setParams(path, { period: p })} />
          <SelectBox
            id="oc-tw"
            label={t('common.townships')}
            value={tw}
            onChange={(w) => setParams(path, { townshipId: w })}
            options={townships}
          />
        </div>
        <ErrLine error={saveErr} />
      </section>
      <section class="card" aria-labelledby="oc-list">
        <h2 id="oc-list">{t('common.villages')}</h2>
        {error && <ErrorBox error={error} onRetry={reload} />}
        {!error && (loading || !data) && <Loading />}
        {data && !rows.length && <Empty />}
        {data && rows.length > 0 && (
          <ul class="list" data-testid="org-classes">
            {rows.map((r) => (
              <li key={r.village.id} class="item" data-testid="org-class-row" data-class={r.orgClass || ''}>
                <span class="item-main">
                  <span class="item-title">{r.village.name}</span>
                  <span class="muted small">
                    {r.previousClass
                      ? t('assessment.orgClass.prevClass', { c: r.previousClass, y: r.previousPeriod })
                      : t('assessment.orgClass.noPrevClass')}
                    {r.change ? (
                      <>
                        {' '}
                        ·{' '}
                        <span class={`st ${r.change > 0 ? 'ok' : 'no'}`}>
                          {r.change > 0
                            ? t('assessment.orgClass.classUp', { n: r.change })
                            : t('assessment.orgClass.classDown', { n: -r.change })}
                        </span>
                      </>
                    ) : null}
                  </span>
                </span>
                <div class="a7-classes" role="group" aria-label={t('assessment.orgClass.classOf', { v: r.village.name })}>
                  {CLASSES.map((c) => (
                    <button
                      key={c}
                      type="button"
                      class="btn secondary"
                      aria-pressed={r.orgClass === c ? 'true' : 'false'}
                      disabled={busy === r.village.id}
                      onClick={() => r.orgClass !== c && record(r.village, c)}
                    >
                      {c}
                    </button>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {toast}
    </>
  );
}
