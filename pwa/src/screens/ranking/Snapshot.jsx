// A published ranking (晾晒排名): frozen groups and rows with the snapshot's hash and its export;
// one group at a time (?groupKey=, as on the live ranking).
import { useState } from 'preact/hooks';
import { gql } from '../../api.js';
import { useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { useLoad, Loading, ErrorBox } from '../../ui.jsx';
import { Back, fmtTime, download, ErrLine, useToast } from '../review/kit.jsx';
import { useRoute } from '../../router.js';
import { setParams } from '../assessment/common.jsx';
import { GroupTable, GroupSwitcher, pickGroup } from './GroupTable.jsx';
import { useScrollMemory } from './scroll.js';
import { Q_SNAPSHOT } from './queries.js';
import { RankingGate } from './Gate.jsx';

function SnapshotScreen({ id }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(() => gql(Q_SNAPSHOT, { id }).then((d) => d.rankingSnapshot), [id]);
  const [busy, setBusy] = useState(false);
  const [dlErr, setDlErr] = useState(null);
  const [toast, show] = useToast();
  const path = useRoute();
  const groupKey = new URLSearchParams(path.split('?')[1] || '').get('groupKey');
  useScrollMemory(path, !!data);
  const s = data && { ...data.snapshot, groups: data.groups };
  if (loading && !s) return <Loading />;
  if (error || !s)
    return (
      <section class="card">
        <Back fallback="/rankings" />
        <ErrorBox error={error || { code: 'NOT_FOUND' }} onRetry={reload} />
      </section>
    );
  async function dl() {
    setBusy(true);
    setDlErr(null);
    try {
      const name = await download(
        `/exports/ranking.xlsx?${new URLSearchParams({ period: s.period, snapshotId: s.id })}`,
        `晾晒排名-${s.period}.xlsx`,
      );
      show(t('common.downloaded', { name }));
    } catch (e) {
      setDlErr(e);
    }
    setBusy(false);
  }
  return (
    <>
      <section class="card" aria-labelledby="sn-title">
        <Back fallback={`/rankings?period=${s.period}`} />
        <h2 id="sn-title" data-testid="snapshot-title">
          {t('ranking.snapshotTitle', { y: s.period, at: fmtTime(s.publishedAt) })}
        </h2>
        <p class="muted small">
          {t('ranking.snapshot.frozen')} · {t('ranking.rowsN', { n: s.rowCount })}
        </p>
        <p class="small">{t('ranking.hash')}：</p>
        <p class="a7-hash" data-testid="snapshot-hash">
          {s.sha256}
        </p>
        <button type="button" class="btn secondary block" disabled={busy} onClick={dl} data-testid="export-snapshot">
          {busy ? t('common.downloading') : t('ranking.exportRanking')}
        </button>
        <ErrLine error={dlErr} />
      </section>
      <SnapshotGroup groups={s.groups.filter((g) => g.rows.length)} groupKey={groupKey} period={s.period} path={path} />
      {toast}
    </>
  );
}

function SnapshotGroup({ groups, groupKey, period, path }) {
  const current = pickGroup(groups, groupKey);
  if (!current) return null;
  return (
    <GroupTable
      key={current.groupKey}
      g={current}
      period={period}
      switcher={groups.length > 1 && <GroupSwitcher groups={groups} current={current} onPick={(g) => setParams(path, { groupKey: g })} />}
    />
  );
}

export default function Snapshot({ me, id }) {
  return (
    <RankingGate me={me}>
      <SnapshotScreen id={id} />
    </RankingGate>
  );
}
