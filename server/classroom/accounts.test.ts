// Unit tests of staff accounts over an in-memory store: set-up once, sign-in and its
// limits, sign-out, password change, disabling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.ts';
import { Accounts, SIGN_IN_RATE } from './accounts.ts';

const PW = 'a-good-password';

function fresh(now = () => 1_000_000) {
  const store = Store.open(':memory:');
  return { store, accounts: new Accounts({ store, now }) };
}

test('set-up: from another host only with the code; once; two at once make one admin', async () => {
  const { accounts, store } = fresh();
  assert.equal(accounts.setupNeeded(), true);
  const code = accounts.setupCode!;
  await assert.rejects(accounts.setup('head', PW, { local: false, code: undefined }), { code: 'SETUP_CODE_REQUIRED' });
  await assert.rejects(accounts.setup('head', PW, { local: false, code: 'WRONGWRONG' }), { code: 'SETUP_CODE_REQUIRED' });
  const results = await Promise.allSettled([accounts.setup('head', PW, { local: false, code }), accounts.setup('other', PW, { local: true, code: undefined })]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(store.countUsers(), 1);
  assert.equal(accounts.setupCode, null);
  await assert.rejects(accounts.setup('third', PW, { local: true, code: undefined }), { code: 'SETUP_DONE' });
});

test('sign-in: right password signs in; wrong, unknown and disabled accounts are BAD_CREDENTIALS', async () => {
  const { accounts } = fresh();
  const admin = await accounts.setup('head', PW, { local: true, code: undefined });
  const t = await accounts.create('teacher', PW, 'instructor');
  const s = await accounts.signIn(' Teacher ', PW, 'a1');
  assert.equal(accounts.staffOfSession(s.sessionId)?.username, 'teacher');
  await assert.rejects(accounts.signIn('teacher', 'wrong-password', 'a1'), { code: 'BAD_CREDENTIALS' });
  await assert.rejects(accounts.signIn('nobody', PW, 'a1'), { code: 'BAD_CREDENTIALS' });
  const headStaff = accounts.staffOfSession(admin.sessionId)!;
  assert.throws(() => accounts.disable(headStaff, headStaff.id), { code: 'CANNOT_DISABLE_SELF' });
  accounts.disable(headStaff, t.id);
  assert.equal(accounts.staffOfSession(s.sessionId), null, 'disabling ends the sign-ins');
  await assert.rejects(accounts.signIn('teacher', PW, 'a1'), { code: 'BAD_CREDENTIALS' });
  await assert.rejects(accounts.create('teacher', PW, 'instructor'), { code: 'USERNAME_TAKEN' });
});

test('sign-in buckets: per user name across addresses, and per address across names', async () => {
  let now = 0;
  const { accounts } = fresh(() => now);
  await accounts.setup('head', PW, { local: true, code: undefined });
  for (let i = 0; i < SIGN_IN_RATE.ownerBurst; i++) await assert.rejects(accounts.signIn('head', 'x', `addr${i}`), { code: 'BAD_CREDENTIALS' });
  await assert.rejects(accounts.signIn('head', PW, 'addr-new'), { code: 'RATE_LIMITED' });
  now += 60_000 / SIGN_IN_RATE.ownerPerMinute;
  assert.equal((await accounts.signIn('head', PW, 'addr-new')).user.username, 'head');
  for (let i = 0; i < SIGN_IN_RATE.addressBurst; i++) await assert.rejects(accounts.signIn(`name${i}`, 'x', 'one-nat'), { code: 'BAD_CREDENTIALS' });
  await assert.rejects(accounts.signIn('other-name', 'x', 'one-nat'), { code: 'RATE_LIMITED' });
});

test('password change keeps this sign-in, ends the others; sign-in sessions expire', async () => {
  let now = 0;
  const { accounts } = fresh(() => now);
  const a = await accounts.setup('head', PW, { local: true, code: undefined });
  const b = await accounts.signIn('head', PW, 'x');
  const staff = accounts.staffOfSession(a.sessionId)!;
  await assert.rejects(accounts.changePassword(staff, 'not-it', 'a-new-password'), { code: 'BAD_CREDENTIALS' });
  await accounts.changePassword(staff, PW, 'a-new-password');
  assert.notEqual(accounts.staffOfSession(a.sessionId), null);
  assert.equal(accounts.staffOfSession(b.sessionId), null);
  await assert.rejects(accounts.signIn('head', PW, 'y'), { code: 'BAD_CREDENTIALS' });
  accounts.signOut(a.sessionId);
  assert.equal(accounts.staffOfSession(a.sessionId), null);
  const c = await accounts.signIn('head', 'a-new-password', 'y');
  now += 13 * 3600_000;
  assert.equal(accounts.staffOfSession(c.sessionId), null, 'expired after 12 h');
});
