// Headless-Chromium test of the weighing-and-loading page (/app/station) as the `station` user.
//
// Starts the server itself (fresh SQLite database in a temp dir, a free port on 127.0.0.1), loads
// the demo data, places and confirms an order over HTTP as the secretary, then drives the page at
// 375×740: log in, weigh two crates in jin, check the live preview and the server's result, create
// a load, add the order, open the manifest, mark it loaded. Screenshots go to artifacts/browser/.
//
// Run from the repository root: `bash tests/browser/run.sh` (or `node --test tests/browser/` once
// playwright-core is installed and Chromium is at /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(ROOT, process.env.SERVER_BIN || 'target/debug/zhunong');
const ARTIFACTS = path.join(ROOT, 'artifacts', 'browser');
const CHROMIUM = '/usr/bin/chromium';
const DEMO_PASSWORD = 'demo-pass-123';
const HOST = '127.0.0.1';

let server; // child process
let serverLog = '';
let tmp;
let base; // http://127.0.0.1:<port>
let env;
let browser;
let context;
let page;
const pageErrors = [];
const blocked = [];
const state = {}; // what one step hands to the next

// ------------------------------------------------------------------ helpers

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(deadlineMs) {
  const until = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${serverLog}`);
    try {
      const r = await fetch(`${base}/ready`);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = String(e.cause?.code || e.message);
    }
    await sleep(200);
  }
  throw new Error(`server not ready after ${deadlineMs} ms (${last}):\n${serverLog}`);
}

/** JSON call to the API as someone; throws with the problem body on a non-2xx answer. */
async function http(method, urlPath, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${base}/api/v1${urlPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(`${method} ${urlPath} → ${r.status} ${text}`);
  return json;
}

async function login(username, password) {
  const r = await http('POST', '/auth/login', { body: { username, password } });
  return r.access_token;
}

/** Waits until the locator's text contains `expected`, then returns the text. */
async function textOf(locator, expected, timeout = 10000) {
  const until = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = (await locator.textContent({ timeout }).catch(() => '')) || '';
    if (expected === undefined || text.includes(expected) || Date.now() > until) break;
    await sleep(100);
  }
  if (expected !== undefined) assert.ok(text.includes(expected), `expected “${expected}” in “${text}”`);
  return text;
}

async function noHorizontalScroll(where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.equal(innerWidth, 375, 'viewport width');
  assert.ok(scrollWidth <= 375, `${where}: page scrolls sideways (scrollWidth ${scrollWidth} > 375)`);
}

/** No “null”, “undefined” or “NaN” leaks into what the user reads. */
async function noStrayText(where) {
  const text = await page.locator('body').innerText();
  for (const bad of ['null', 'undefined', 'NaN']) {
    assert.ok(!text.includes(bad), `${where}: page shows “${bad}”:\n${text}`);
  }
}

async function killServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    server.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}

// ------------------------------------------------------------------ setup / teardown

before(async () => {
  assert.ok(existsSync(BIN), `server binary not found at ${BIN} (set SERVER_BIN or cargo build --bin zhunong)`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install chromium)`);
  await mkdir(ARTIFACTS, { recursive: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'zhunong-browser-'));
  const port = await freePort();
  base = `http://${HOST}:${port}`;

  // The server refuses unknown ZHUNONG_* variables: pass only the ones this test means.
  env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ZHUNONG_')));
  Object.assign(env, {
    ZHUNONG_BIND: `${HOST}:${port}`,
    ZHUNONG_ADMIN_PASSWORD: `admin-${Math.random().toString(36).slice(2)}-pass`,
    ZHUNONG_LOG_LEVEL: 'warn',
    ZHUNONG_DATABASE_URL: `sqlite://${tmp}/t.db?mode=rwc`,
  });

  server = spawn(BIN, [], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => { serverLog = (serverLog + chunk.toString()).slice(-20000); };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  process.once('exit', () => { try { server.kill('SIGKILL'); } catch { /* gone */ } });
  await waitReady(30000);

  await execFileP(BIN, ['demo', '--password', DEMO_PASSWORD], { cwd: tmp, env, timeout: 60000 });

  // The secretary places and confirms the order the station will weigh (5 kg of 上海青, batch 1),
  // and a second one that stays unweighed (to see the page's error when loading it).
  const sec = await login('secretary', DEMO_PASSWORD);
  const order = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 3, channel: 'phone', lines: [{ batch_id: 1, quantity: 5000 }] },
  });
  await http('POST', `/orders/${order.id}/confirm`, { token: sec });
  const other = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 4, channel: 'phone', lines: [{ batch_id: 1, quantity: 2000 }] },
  });
  await http('POST', `/orders/${other.id}/confirm`, { token: sec });
  Object.assign(state, { sec, order, other });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({
    viewport: { width: 375, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  // Only ever talk to the server under test.
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'blob:' || u.protocol === 'data:' || u.hostname === HOST) return route.continue();
    blocked.push(u.href);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  try { if (browser) await browser.close(); } catch { /* closing anyway */ }
  await killServer();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// ------------------------------------------------------------------ tests

test('the page loads in Chinese, fits a 375-px phone and logs the station in', async () => {
  const res = await page.goto(`${base}/app/station`);
  assert.equal(res.status(), 200);
  assert.match(await page.title(), /称重/);
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('page-title').textContent(), /称重/);
  await noHorizontalScroll('login');

  // A wrong password shows the server's refusal in the red box and stays on the form.
  await page.getByTestId('login-username').fill('station');
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('error').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('error'), '用户名或密码不正确');
  assert.ok(await page.getByTestId('login-view').isVisible());

  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('who-name'), 'station');
  assert.ok(await page.getByTestId('error').isHidden(), 'the error box is cleared after logging in');

  // The token is kept for the tab only.
  const stored = await page.evaluate(() => Object.keys(sessionStorage));
  assert.ok(stored.some((k) => k.includes('token')), `sessionStorage keys: ${stored}`);

  // The confirmed orders are offered in the picker.
  await page.waitForFunction((n) => [...document.querySelectorAll('#confirmed-orders option')]
    .some((o) => o.value === n), state.order.number);
  assert.equal(await page.getByTestId('scale-id').inputValue(), 'scale-1');
});

test('weighing two crates in jin previews ¥14.55 and shows the server’s result', async () => {
  const { order } = state;
  const lineId = order.lines[0].line_id;
  await page.getByTestId('order-number').fill(order.number);
  await page.getByTestId('find-order').click();
  const line = page.getByTestId(`line-${lineId}`);
  await line.waitFor({ state: 'visible' });
  await textOf(line.getByTestId('product'), '上海青');
  await textOf(line.getByTestId('ordered'), '10.00 斤');
  await textOf(line.getByTestId('price'), '¥1.50 / 斤');
  await textOf(page.getByTestId('sheet-buyer'), '李女士');

  await line.getByTestId('gross-0').fill('6');
  await line.getByTestId('tare-0').fill('1');
  await line.getByTestId('add-crate').click();
  await line.getByTestId('gross-1').fill('5.7');
  await line.getByTestId('tare-1').fill('1');

  await textOf(line.getByTestId('net-0'), '5.00 斤（2.50 公斤）'); // 2500 g
  await textOf(line.getByTestId('net-1'), '4.70 斤（2.35 公斤）'); // 2350 g
  await textOf(line.getByTestId('preview-net'), '9.70 斤（4.85 公斤）'); // 4850 g
  await textOf(line.getByTestId('preview-amount'), '¥14.55'); // 4850 × 150 / 500 = 1455 fen

  // Switching to kg converts what was typed, weight unchanged; and back.
  await page.locator('label:has(#unit-kg)').click();
  await page.waitForFunction((id) => document.getElementById(`gross-${id}-1`)?.value === '2.85', lineId);
  assert.equal(await line.getByTestId('gross-0').inputValue(), '3');
  assert.equal(await line.getByTestId('tare-1').inputValue(), '0.5');
  await textOf(line.getByTestId('preview-amount'), '¥14.55');
  await page.locator('label:has(#unit-jin)').click();
  await page.waitForFunction((id) => document.getElementById(`gross-${id}-1`)?.value === '5.7', lineId);
  assert.equal(await line.getByTestId('gross-0').inputValue(), '6');

  await noHorizontalScroll('weighing sheet');

  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/weighings') && r.method() === 'POST');
  await line.getByTestId('confirm-weigh').click();
  const body = JSON.parse((await posted).postData());
  assert.deepEqual(body, {
    order_line_id: lineId, scale_id: 'scale-1',
    crates: [{ gross_g: 3000, tare_g: 500 }, { gross_g: 2850, tare_g: 500 }],
  });

  const result = page.getByTestId('weigh-result');
  await result.waitFor({ state: 'visible' });
  await textOf(result.getByTestId('result-line-amount'), '¥14.55');
  await textOf(result.getByTestId('result-status-text'), '已称重');
  await textOf(result.getByTestId('result-final-total'), '¥14.55');
  assert.equal(await result.getByTestId('result-warning').count(), 0, 'within tolerance: no approval warning');
  // The sheet is reloaded with the two tickets.
  await page.getByTestId(`line-${lineId}`).getByTestId('tickets').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('sheet-status'), '已称重');
  assert.equal(await page.getByTestId(`line-${lineId}`).locator('table.tickets tbody tr').count(), 2);

  // What the server holds.
  const now = await http('GET', `/orders/${order.id}`, { token: state.sec });
  assert.equal(now.status, 'weighed');
  assert.equal(now.final_total_fen, 1455);
  assert.equal(now.lines[0].weighed_g, 4850);

  await noHorizontalScroll('weighing result');
  await noStrayText('weighing result');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'station-weigh.png'), fullPage: true });
});

test('a load is created, refuses an unweighed order, takes the weighed one and is marked loaded', async () => {
  const { order, other } = state;
  await page.getByTestId('tab-load').click();
  await page.getByTestId('load-view').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('load-date').inputValue(), /^\d{4}-\d{2}-\d{2}$/);

  await page.getByTestId('load-plate').fill('皖A·12345');
  await page.getByTestId('load-driver').fill('张师傅');
  await page.getByTestId('load-phone').fill('13800000000');
  await page.getByTestId('load-destination').fill('合肥市蜀山区');
  await page.getByTestId('load-capacity').fill('2000');
  await page.getByTestId('create-load').click();

  const detail = page.getByTestId('load-detail');
  await detail.waitFor({ state: 'visible' });
  await textOf(detail.getByTestId('load-status'), '装车中');
  await textOf(detail.getByTestId('load-title'), '皖A·12345');
  await textOf(detail.getByTestId('load-capacity-text'), '2000 公斤');
  const loads = await http('GET', '/loads?status=open', { token: state.sec });
  assert.equal(loads.items.length, 1);
  const loadId = loads.items[0].id;
  await page.getByTestId(`open-load-${loadId}`).waitFor({ state: 'visible' });

  // An order that is not weighed: the server says 409 not_weighed, the page says so in red.
  await detail.getByTestId('add-order-number').fill(other.number);
  await detail.getByTestId('add-order').click();
  const error = page.getByTestId('error');
  await error.waitFor({ state: 'visible' });
  await textOf(error, '订单还没有称重');
  await textOf(error.getByTestId('error-detail'), 'only weighed orders can be loaded');
  assert.equal(await error.getAttribute('data-code'), 'not_weighed');

  await detail.getByTestId('add-order-number').fill(order.number);
  await detail.getByTestId('add-order').click();
  await detail.getByTestId(`load-order-${order.id}`).waitFor({ state: 'visible' });
  assert.ok(await error.isHidden(), 'the error box is cleared by the next success');
  await textOf(detail.getByTestId('load-total'), '4.85 公斤');
  await textOf(detail.getByTestId(`load-order-${order.id}`), order.number);

  // The printable manifest opens in a new tab from a blob URL (fetched with the bearer token).
  const [manifest] = await Promise.all([
    context.waitForEvent('page'),
    detail.getByTestId('manifest').click(),
  ]);
  await manifest.waitForURL(/^blob:/);
  await manifest.waitForLoadState();
  await textOf(manifest.locator('body'), order.number);
  await textOf(manifest.locator('h1'), '装车单');
  await manifest.close();

  await noHorizontalScroll('load');
  await detail.getByTestId('mark-loaded').click();
  await textOf(detail.getByTestId('load-status'), '已装车');
  assert.equal(await detail.getByTestId('mark-loaded').count(), 0, 'a loaded truck offers no second 标记已装车');
  await textOf(page.getByTestId('notice'), '已装车');

  const load = await http('GET', `/loads/${loadId}`, { token: state.sec });
  assert.equal(load.status, 'loaded');
  assert.deepEqual(load.order_ids, [order.id]);
  assert.equal((await http('GET', `/orders/${order.id}`, { token: state.sec })).status, 'loaded');

  await noHorizontalScroll('loaded');
  await noStrayText('loaded');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'station-load.png'), fullPage: true });
});

test('a rejected token sends the user back to the login form', async () => {
  await page.evaluate(() => {
    for (const k of Object.keys(sessionStorage)) {
      if (k.includes('token')) {
        const s = JSON.parse(sessionStorage.getItem(k));
        s.token = 'not-a-valid-token';
        sessionStorage.setItem(k, JSON.stringify(s));
      }
    }
  });
  await page.getByTestId('refresh-loads').click();
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('error'), '重新登录');
  assert.ok(await page.getByTestId('app-view').isHidden());
});

test('the page made no outside requests and threw no errors', () => {
  assert.deepEqual(blocked, [], 'requests to hosts other than 127.0.0.1');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
});
