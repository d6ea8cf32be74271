// 农户花名册: the secretary's own village roster (search, load more) — its own screen, linked from
// the home and from the household-visit form.
import { useT } from '../../i18n.js';
import { BackLink } from '../../ui.jsx';
import { HouseholdList } from '../../households.jsx';

export default function Roster({ me }) {
  const t = useT();
  return (
    <div class="card">
      <BackLink href="/" />
      <HouseholdList villageId={me.orgUnit.id} />
      <p class="muted small">{t('home.rosterHint')}</p>
    </div>
  );
}
