// COUNTY: 进度落后的第一书记 — the list behind the overview's number: secretaries whose share of the
// eight duties done is below half the share of their term passed (filings only, never app use).
// ?townshipId= narrows it to one township (the overview's per-township numbers).
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/homes.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { useRoute, navigate } from '../../router.js';
import { Back, SelectBox, params } from '../review/kit.jsx';

const Q = `{ countyOverview { townships { townshipId townshipName behindCount }
  behind { secretaryId secretaryName villageName townshipId townshipName completedCount totalCount termPassed } } }`;

export default function Behind() {
  const t = useT();
  const path = useRoute();
  const tw = params(path).get('townshipId') || '';
  const { data, error, loading, reload } = useLoad(() => gql(Q).then((d) => d.countyOverview), []);
  const rows = (data?.behind || []).filter((b) => !tw || String(b.townshipId) === String(tw));
  return (
    <>
      <section class="card" aria-labelledby="bh-title">
        <Back fallback="/" />
        <h2 id="bh-title">
          {t('behindList.title')}
          {data && (
            <span class="muted small" data-testid="behind-total">
              （{rows.length}）
            </span>
          )}
        </h2>
        <p class="muted small">{t('overview.behindRule')}</p>
        {data && (
          <SelectBox
            id="bh-tw"
            label={t('common.townships')}
            value={tw}
            onChange={(w) => navigate(w ? `/progress/behind?townshipId=${encodeURIComponent(w)}` : '/progress/behind', { replace: true })}
            options={data.townships.map((x) => [x.townshipId, `${x.townshipName}（${x.behindCount}）`])}
            all={t('behindList.wholeCounty')}
          />
        )}
      </section>
      <section class="card" aria-label={t('behindList.title')}>
        {loading && !data && <Loading />}
        {error && <ErrorBox error={error} onRetry={reload} />}
        {data && rows.length === 0 && <p class="state empty">{t('behindList.empty')}</p>}
        {rows.length > 0 && (
          <ul class="list" data-testid="behind-list">
            {rows.map((b) => (
              <li key={b.secretaryId}>
                <a class="item link" href={`/progress/s/${encodeURIComponent(b.secretaryId)}`} data-testid="behind-item">
                  <span class="item-main">
                    <span class="item-title">
                      {b.secretaryName}
                      <span class="muted small">
                        {' '}
                        · {b.townshipName} {b.villageName}
                      </span>
                    </span>
                    <span class="chev" aria-hidden="true">
                      ›
                    </span>
                  </span>
                  <span class="item-sub">
                    {t('behindList.line', { n: b.completedCount, m: b.totalCount, p: `${Math.round(b.termPassed * 100)}%` })}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
