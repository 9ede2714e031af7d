// Headless-Chromium test of a login that lasts a show: with access tokens of 4 s (set for this
// test), the helper's console renews them silently through the httpOnly refresh cookie without
// ever showing the login form, survives a reload, and logging out ends the session on the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, start, stop } from './harness.mjs';

let base;
let context;
let page;

before(async () => {
  ({ base, context } = await start({ ZHUNONG_JWT_TTL_SECS: '4', ZHUNONG_JWT_LEEWAY_SECS: '0' }));
  page = await context.newPage();
});

after(async () => { await stop(); });

/** The bearer tokens the page sent, newest last (the page keeps them in memory only). */
const bearers = [];
const lastBearer = () => bearers[bearers.length - 1];

/** Every value the page keeps in localStorage and sessionStorage. */
const stored = () => page.evaluate(() => [localStorage, sessionStorage]
  .flatMap((store) => Object.keys(store).map((k) => `${k}=${store.getItem(k)}`)));

test('the console renews its token before it expires without showing the login, resumes after a reload, and logout ends the session', async () => {
  page.on('request', (r) => {
    const a = r.headers().authorization;
    if (a && r.url().includes('/api/v1/')) bearers.push(a.replace(/^Bearer /, ''));
  });
  await page.goto(`${base}/app/live`);
  await page.getByTestId('login-username').fill('helper');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.locator('#who').waitFor({ state: 'visible' });
  for (let i = 0; i < 50 && !bearers.length; i += 1) await page.waitForTimeout(100);
  const first = lastBearer();
  assert.ok(first, 'logged in');
  // The access token is in memory only: no storage holds it.
  const kept = await stored();
  assert.ok(!kept.some((v) => v.includes(first)), `a store holds the token: ${kept}`);
  // The refresh token is out of reach of scripts.
  assert.ok(!(await page.evaluate(() => document.cookie)).includes('zhunong_refresh'));
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === 'zhunong_refresh');
  assert.ok(refresh && refresh.httpOnly && refresh.sameSite === 'Strict' && refresh.path === '/api/v1/auth',
    JSON.stringify(cookies));

  // Three access-token lifetimes pass: still in, with a new token that works.
  await page.waitForTimeout(12000);
  assert.ok(await page.locator('#who').isVisible(), 'still logged in');
  assert.ok(!(await page.getByTestId('login-view').isVisible()), 'no login form');
  const me = await page.evaluate(() => window.Zhunong.api('GET', '/me'));
  assert.equal(me.username, 'helper');
  const later = lastBearer();
  assert.ok(later && later !== first, 'renewed');
  assert.ok(!(await stored()).some((v) => v.includes(later)), 'the renewed token is not stored either');

  // A reload finds no token anywhere and resumes through the cookie. It waits for a renewal to
  // land first: a reload that cuts one off after the server rotated the cookie, but before the
  // browser stored the new one, presents a used token, which ends the session by design.
  await page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh') && r.status() === 200);
  await page.reload();
  await page.locator('#who').waitFor({ state: 'visible', timeout: 10000 });
  assert.ok(!(await page.getByTestId('login-view').isVisible()), 'resumed without the form');

  // Logging out ends the session: the cookie no longer renews anything.
  await page.locator('#logout').click();
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  const status = await page.evaluate(async () => (await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })).status);
  assert.equal(status, 401);
});
