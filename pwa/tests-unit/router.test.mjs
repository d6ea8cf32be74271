// The route matcher (pwa/src/router.js resolveRoute) that reads the route table (src/routes.jsx):
// patterns and aliases, the role check, PUBLIC and LOGGED_IN entries, first match wins, query
// parameters, remounting keys, and "no entry" (the app's 页面不存在) — on a small table of its own.
// Run: node --test pwa/tests-unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.location = { pathname: '/', search: '', href: 'http://localhost/', origin: 'http://localhost' };
globalThis.addEventListener = () => {};
const { resolveRoute, match, PUBLIC, LOGGED_IN } = await import('../src/router.js');

const Home = 'Home',
  Staff = 'Staff',
  Member = 'Member',
  Vote = 'Vote',
  List = 'List',
  Any = 'Any';
const TABLE = [
  { path: ['/', '/login'], roles: ['VILLAGE'], component: Home },
  { path: '/polls/:id/vote', roles: PUBLIC, keyed: true, component: Vote, props: ({ params }) => ({ id: params.id }) },
  { path: '/polls', roles: LOGGED_IN, component: List },
  {
    path: '/polls/:id',
    roles: ['COUNTY', 'TOWNSHIP'],
    component: Staff,
    props: ({ me, params, query }) => ({ me, id: params.id, tab: query.get('tab') }),
  },
  { path: '/polls/:id', roles: ['MEMBER'], component: Member },
  { path: '/polls/:id', roles: LOGGED_IN, component: Any },
];
const me = (role) => ({ id: '1', role });

test('match: named parameters are decoded; the query string is ignored; lengths must agree', () => {
  assert.deepEqual(match('/v/:id', '/v/12?x=1'), { id: '12' });
  assert.deepEqual(match('/v/:id', '/v/%E6%9D%91'), { id: '村' });
  assert.equal(match('/v/:id', '/v/1/more'), null);
  assert.equal(match('/admin', '/admin/import'), null);
});

test('a role sees its entry; aliases and a query after the path still match', () => {
  for (const p of ['/', '/login', '/?lang=en']) assert.equal(resolveRoute(TABLE, p, me('VILLAGE')).component, Home);
  assert.deepEqual(resolveRoute(TABLE, '/', me('VILLAGE')).props, { me: me('VILLAGE') }, 'default props are { me }');
});

test('the first entry that matches and lets the role in wins', () => {
  const staff = resolveRoute(TABLE, '/polls/7?tab=roster', me('TOWNSHIP'));
  assert.equal(staff.component, Staff);
  assert.deepEqual(staff.props, { me: me('TOWNSHIP'), id: '7', tab: 'roster' });
  assert.equal(resolveRoute(TABLE, '/polls/7', me('MEMBER')).component, Member);
  assert.equal(resolveRoute(TABLE, '/polls/7', me('VILLAGE')).component, Any, 'LOGGED_IN: any role');
});

test('logged out: only PUBLIC entries; keyed entries remount per path', () => {
  assert.equal(resolveRoute(TABLE, '/polls', null), null);
  assert.equal(resolveRoute(TABLE, '/', null), null);
  const v = resolveRoute(TABLE, '/polls/3/vote', null);
  assert.equal(v.component, Vote);
  assert.equal(v.key, '/polls/3/vote');
  assert.deepEqual(v.props, { id: '3' });
  assert.equal(resolveRoute(TABLE, '/polls', me('MEMBER')).key, undefined);
});

test('no entry for the role or the path → null (the app shows 页面不存在)', () => {
  assert.equal(resolveRoute(TABLE, '/', me('COUNTY')), null);
  assert.equal(resolveRoute(TABLE, '/nowhere', me('VILLAGE')), null);
});
