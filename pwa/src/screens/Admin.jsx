// Admin area. COUNTY: create township / village / account / first-secretary record, import workbook.
// TOWNSHIP: create MEMBER accounts in one of its villages.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n.js';
import '../i18n/org.js';
import { BackLink } from '../ui.jsx';
import { Input, Check, Select, useMutationForm, FormStatus, SubmitButton, loadAll, TOWNSHIPS_Q, VILLAGES_Q } from '../forms.jsx';

function useOptions(loader, deps) {
  const [opts, setOpts] = useState([]);
  useEffect(() => {
    let live = true;
    loader().then(
      (list) => live && setOpts(list.map((n) => [n.id, n.name])),
      () => live && setOpts([]),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps (useLoad(loader, deps), like useEffect)
  }, deps);
  return opts;
}
const townshipsOf = () => loadAll(TOWNSHIPS_Q, {}, (d) => d.townships);
const villagesOf = (tw) => (tw ? loadAll(VILLAGES_Q, { tw }, (d) => d.villages) : Promise.resolve([]));

function Section({ id, title, children }) {
  return (
    <details class="card admin-section" id={id}>
      <summary>
        <h2>{title}</h2>
      </summary>
      {children}
    </details>
  );
}

const ORG_M = `mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) { orgUnit { id name } errors { code message field } } }`;
const USER_M = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id name } errors { code message field } } }`;
const SEC_M = `mutation($input: CreateSecretaryInput!) { createSecretary(input: $input) { secretary { id name hasAccount } errors { code message field } } }`;

function OrgUnitForm({ me, kind }) {
  const t = useT();
  const f = useMutationForm({ name: '', code: '', parentId: kind === 'TOWNSHIP' ? me.orgUnit.id : '', isCommunity: false });
  const townships = useOptions(() => (kind === 'VILLAGE' ? townshipsOf() : Promise.resolve([])), [kind]);
  const v = f.values,
    fe = f.state.fieldErrors,
    sfx = kind;
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        f.run(
          ORG_M,
          { input: { parentId: v.parentId, kind, name: v.name.trim(), code: v.code.trim(), isCommunity: !!v.isCommunity } },
          (d) => d.createOrgUnit,
        );
      }}
    >
      {kind === 'VILLAGE' && (
        <Select
          label={t('admin.parentTownship')}
          name="parentId"
          idSuffix={sfx}
          required
          value={v.parentId}
          onInput={f.set('parentId')}
          options={townships}
          error={fe.parentId}
        />
      )}
      <Input label={t('admin.unitName')} name="name" idSuffix={sfx} required value={v.name} onInput={f.set('name')} error={fe.name} />
      <Input label={t('admin.code')} name="code" idSuffix={sfx} required value={v.code} onInput={f.set('code')} error={fe.code} />
      {kind === 'VILLAGE' && (
        <Check label={t('admin.isCommunity')} name="isCommunity" idSuffix={sfx} value={v.isCommunity} onInput={f.set('isCommunity')} />
      )}
      <FormStatus state={f.state} doneText={f.state.done?.orgUnit?.name} />
      <SubmitButton busy={f.state.busy} />
    </form>
  );
}

function UserForm({ me, roles }) {
  const t = useT();
  const isTownship = me.role === 'TOWNSHIP';
  const f = useMutationForm({
    name: '',
    phone: '',
    password: '',
    role: roles.length === 1 ? roles[0] : '',
    townshipId: isTownship ? me.orgUnit.id : '',
    orgUnitId: '',
  });
  const v = f.values,
    fe = f.state.fieldErrors,
    sfx = 'user';
  const townships = useOptions(() => (isTownship ? Promise.resolve([]) : townshipsOf()), []);
  const villages = useOptions(() => villagesOf(v.townshipId), [v.townshipId]);
  const needVillage = v.role === 'VILLAGE' || v.role === 'MEMBER';
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        const orgUnitId = needVillage ? v.orgUnitId : v.townshipId;
        f.run(
          USER_M,
          { input: { name: v.name.trim(), phone: v.phone.trim(), password: v.password, role: v.role, orgUnitId } },
          (d) => d.createUser,
        );
      }}
    >
      {roles.length > 1 && (
        <Select
          label={t('admin.role')}
          name="role"
          idSuffix={sfx}
          required
          value={v.role}
          onInput={f.set('role')}
          options={roles.map((r) => [r, t(`role.${r}`)])}
        />
      )}
      {!isTownship && (
        <Select
          label={t('admin.parentTownship')}
          name="townshipId"
          idSuffix={sfx}
          required
          value={v.townshipId}
          onInput={f.set('townshipId')}
          options={townships}
        />
      )}
      {needVillage && (
        <Select
          label={t('secretary.village')}
          name="orgUnitId"
          idSuffix={sfx}
          required
          value={v.orgUnitId}
          onInput={f.set('orgUnitId')}
          options={villages}
          error={fe.orgUnitId}
        />
      )}
      <Input label={t('secretary.name')} name="name" idSuffix={sfx} required value={v.name} onInput={f.set('name')} error={fe.name} />
      <Input
        label={t('login.phone')}
        name="phone"
        idSuffix={sfx}
        type="tel"
        inputMode="numeric"
        maxLength={11}
        required
        value={v.phone}
        onInput={f.set('phone')}
        error={fe.phone}
      />
      <Input
        label={t('login.password')}
        name="password"
        idSuffix={sfx}
        type="password"
        autoComplete="new-password"
        required
        value={v.password}
        onInput={f.set('password')}
        error={fe.password}
      />
      <FormStatus state={f.state} doneText={f.state.done?.user?.name} />
      <SubmitButton busy={f.state.busy} />
    </form>
  );
}

function SecretaryForm() {
  const t = useT();
  const f = useMutationForm({
    name: '',
    gender: '',
    phone: '',
    dispatchUnit: '',
    unitType: '',
    mode: '',
    cadreClass: '',
    townshipId: '',
    villageId: '',
    termStart: '',
    termEnd: '',
    password: '',
  });
  const v = f.values,
    fe = f.state.fieldErrors,
    sfx = 'sec';
  const townships = useOptions(townshipsOf, []);
  const villages = useOptions(() => villagesOf(v.townshipId), [v.townshipId]);
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        const { townshipId, password, ...rest } = v;
        const input = { ...rest, name: v.name.trim(), phone: v.phone.trim(), dispatchUnit: v.dispatchUnit.trim() };
        if (password) input.password = password;
        f.run(SEC_M, { input }, (d) => d.createSecretary);
      }}
    >
      <Input label={t('secretary.name')} name="name" idSuffix={sfx} required value={v.name} onInput={f.set('name')} error={fe.name} />
      <Select
        label={t('secretary.gender')}
        name="gender"
        idSuffix={sfx}
        required
        value={v.gender}
        onInput={f.set('gender')}
        options={[
          ['MALE', t('secretary.genders.MALE')],
          ['FEMALE', t('secretary.genders.FEMALE')],
        ]}
        error={fe.gender}
      />
      <Input
        label={t('login.phone')}
        name="phone"
        idSuffix={sfx}
        type="tel"
        inputMode="numeric"
        maxLength={11}
        required
        value={v.phone}
        onInput={f.set('phone')}
        error={fe.phone}
      />
      <Input
        label={t('secretary.dispatchUnit')}
        name="dispatchUnit"
        idSuffix={sfx}
        required
        value={v.dispatchUnit}
        onInput={f.set('dispatchUnit')}
        error={fe.dispatchUnit}
      />
      <Select
        label={t('secretary.unitType')}
        name="unitType"
        idSuffix={sfx}
        required
        value={v.unitType}
        onInput={f.set('unitType')}
        options={[
          ['TOWNSHIP', t('secretary.unitTypes.TOWNSHIP')],
          ['MUNICIPAL', t('secretary.unitTypes.MUNICIPAL')],
        ]}
        error={fe.unitType}
      />
      <Select
        label={t('secretary.mode')}
        name="mode"
        idSuffix={sfx}
        required
        value={v.mode}
        onInput={f.set('mode')}
        options={[
          ['RESIDENT', t('secretary.modes.RESIDENT')],
          ['LIAISON', t('secretary.modes.LIAISON')],
        ]}
        error={fe.mode}
      />
      <Select
        label={t('secretary.cadreClass')}
        name="cadreClass"
        idSuffix={sfx}
        required
        value={v.cadreClass}
        onInput={f.set('cadreClass')}
        options={['PARTY_GOV_CHIEF', 'OTHER_LEADER', 'SECTION_CHIEF', 'DEPUTY_SECTION_AND_BELOW'].map((c) => [
          c,
          t(`secretary.cadreClasses.${c}`),
        ])}
        error={fe.cadreClass}
      />
      <Select
        label={t('admin.parentTownship')}
        name="townshipId"
        idSuffix={sfx}
        required
        value={v.townshipId}
        onInput={f.set('townshipId')}
        options={townships}
      />
      <Select
        label={t('secretary.village')}
        name="villageId"
        idSuffix={sfx}
        required
        value={v.villageId}
        onInput={f.set('villageId')}
        options={villages}
        error={fe.villageId}
      />
      <Input
        label={t('secretary.termStart')}
        name="termStart"
        idSuffix={sfx}
        type="date"
        required
        value={v.termStart}
        onInput={f.set('termStart')}
        error={fe.termStart}
      />
      <Input
        label={t('secretary.termEnd')}
        name="termEnd"
        idSuffix={sfx}
        type="date"
        required
        value={v.termEnd}
        onInput={f.set('termEnd')}
        error={fe.termEnd}
      />
      <Input
        label={t('admin.passwordOptional')}
        name="password"
        idSuffix={sfx}
        type="password"
        autoComplete="new-password"
        value={v.password}
        onInput={f.set('password')}
        error={fe.password}
      />
      <FormStatus state={f.state} doneText={f.state.done?.secretary?.name} />
      <SubmitButton busy={f.state.busy} />
    </form>
  );
}

export default function Admin({ me }) {
  const t = useT();
  return (
    <>
      <section class="card">
        <BackLink href="/" />
        <h2>{t('org.admin')}</h2>
        {me.role === 'COUNTY' && (
          <>
            <a class="btn block" href="/admin/import">
              {t('import.title')}
            </a>
            <a class="btn secondary block" href="/admin/identities" data-testid="nav-identities">
              {t('org.identities')}
            </a>
            <a class="btn secondary block" href="/admin/checklist" data-testid="admin-checklist">
              {t('nav.checklist')}
            </a>
          </>
        )}
      </section>
      {me.role === 'COUNTY' && (
        <>
          <Section id="new-township" title={t('admin.createTownship')}>
            <OrgUnitForm me={me} kind="TOWNSHIP" />
          </Section>
          <Section id="new-village" title={t('admin.createVillage')}>
            <OrgUnitForm me={me} kind="VILLAGE" />
          </Section>
          <Section id="new-user" title={t('admin.createUser')}>
            <UserForm me={me} roles={['TOWNSHIP', 'VILLAGE']} />
          </Section>
          <Section id="new-secretary" title={t('admin.createSecretary')}>
            <SecretaryForm />
          </Section>
        </>
      )}
      {me.role === 'TOWNSHIP' && (
        <Section id="new-member" title={t('admin.createMember')}>
          <UserForm me={me} roles={['MEMBER']} />
        </Section>
      )}
    </>
  );
}
