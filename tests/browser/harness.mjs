// What the headless-Chromium tests share: the server under test (started by the test itself in a
// fresh temp dir, on a free port of 127.0.0.1, with the demo data loaded), Debian's Chromium at
// 375×740 that may only talk to that server, JSON calls to the API, and page checks.
//
// A test file calls `start()` in its `before` and `stop` in its `after`. Not a test file itself
// (`node --test tests/browser/` runs only *.test.mjs).

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
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(ROOT, process.env.SERVER_BIN || 'target/debug/zhunong');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'browser');
export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'demo-pass-123';
export const HOST = '127.0.0.1';
/** The first admin's password on the test server (a new one each run). */
export const ADMIN_PASSWORD = `admin-${Math.random().toString(36).slice(2)}-pass`;

let server; // child process
let serverLog = '';
let tmp;
let base; // http://127.0.0.1:<port>
let browser;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

/**
 * Starts the server with a fresh SQLite database and the demo data (password DEMO_PASSWORD), and
 * Chromium with a phone-sized context whose requests to any other host are aborted and recorded.
 * Returns { base, context, blocked }.
 */
export async function start(extraEnv = {}) {
  assert.ok(existsSync(BIN), `server binary not found at ${BIN} (set SERVER_BIN or cargo build --bin zhunong)`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install chromium)`);
  await mkdir(ARTIFACTS, { recursive: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'zhunong-browser-'));
  const port = await freePort();
  base = `http://${HOST}:${port}`;

  // The server refuses unknown ZHUNONG_* variables: pass only the ones the tests mean.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ZHUNONG_')));
  Object.assign(env, {
    ZHUNONG_BIND: `${HOST}:${port}`,
    ZHUNONG_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ZHUNONG_LOG_LEVEL: 'warn',
    ZHUNONG_DATABASE_URL: `sqlite://${tmp}/t.db?mode=rwc`,
    ...extraEnv,
  });

  server = spawn(BIN, [], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => { serverLog = (serverLog + chunk.toString()).slice(-20000); };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  process.once('exit', () => { try { server.kill('SIGKILL'); } catch { /* gone */ } });
  await waitReady(30000);

  await execFileP(BIN, ['demo', '--password', DEMO_PASSWORD], { cwd: tmp, env, timeout: 60000 });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const { context, blocked } = await newContext();
  return { base, context, blocked };
}

/**
 * Another browser context (its own cookies and storage: another person at another device),
 * phone-sized, in Chinese and Shanghai time, talking only to the server under test; `blocked`
 * lists what it tried to reach elsewhere.
 */
export async function newContext() {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  // Every page's console is watched for what its own Content-Security-Policy refused (an inline
  // style, an inline script): the suite fails on any, at stop().
  context.on('page', (p) => p.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(`${p.url()}: ${m.text()}`);
  }));
  // Only ever talk to the server under test.
  const blocked = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    const local = u.protocol === 'blob:' || u.protocol === 'data:' || u.hostname === HOST;
    if (!local) blocked.push(u.href);
    return (local ? route.continue() : route.abort()).catch(alreadySettled);
  });
  return { context, blocked };
}

/**
 * A request this route can no longer pass on or stop: a test's own page route (a cut network)
 * handled it first, as it was being removed, or the browser closed while it was in flight. Both
 * are settled already; anything else is thrown on.
 */
function alreadySettled(e) {
  if (/Route is already handled|has been closed/.test(String(e))) return;
  throw e;
}

/** What the pages' Content-Security-Policy refused, page by page. */
export const cspViolations = [];

/** Closes Chromium, stops the server and removes its temp dir; fails if a page broke its CSP. */
export async function stop() {
  try { if (browser) await browser.close(); } catch { /* closing anyway */ }
  await killServer();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  assert.deepEqual(cspViolations, [], 'the pages broke their own Content-Security-Policy');
}

// ------------------------------------------------------------------ API

/** JSON call to the API as someone; throws with the problem body on a non-2xx answer. */
export async function http(method, urlPath, { token, body } = {}) {
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

export async function login(username, password) {
  const r = await http('POST', '/auth/login', { body: { username, password } });
  return r.access_token;
}

/**
 * On a page that just opened: waits until it has shown either its login form or who is signed in
 * (it first tries the browser's refresh cookie), and logs in as `username` if it asks.
 */
export async function loginIfAsked(p, username, password = username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD) {
  await p.waitForFunction(() => !document.getElementById('login-view').hidden || !document.getElementById('who').hidden);
  if (await p.getByTestId('login-view').isVisible()) {
    await p.getByTestId('login-username').fill(username);
    await p.getByTestId('login-password').fill(password);
    await p.getByTestId('login-submit').click();
  }
}

// ------------------------------------------------------------------ page checks

/** Waits until the locator's text contains `expected`, then returns the text. */
export async function textOf(locator, expected, timeout = 10000) {
  const until = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = (await locator.textContent({ timeout }).catch(() => '')) || '';
    if (expected === undefined || text.includes(expected) || Date.now() > until) break;
    await sleep(50);
  }
  if (expected !== undefined) assert.ok(text.includes(expected), `expected “${expected}” in “${text}”`);
  return text;
}

/** Waits until the locator's text is exactly `expected` (trimmed); returns the ms it took. */
export async function textIs(locator, expected, timeout = 10000) {
  const start = Date.now();
  let text = '';
  for (;;) {
    text = ((await locator.textContent({ timeout }).catch(() => '')) || '').trim();
    if (text === expected || Date.now() - start > timeout) break;
    await sleep(25);
  }
  assert.equal(text, expected);
  return Date.now() - start;
}

export async function noHorizontalScroll(p, where) {
  const { scrollWidth, innerWidth } = await p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: page scrolls sideways at ${innerWidth} px (scrollWidth ${scrollWidth})`);
}

/** No “null”, “undefined” or “NaN” leaks into what the user reads. */
export async function noStrayText(p, where) {
  const text = await p.locator('body').innerText();
  for (const bad of ['null', 'undefined', 'NaN']) {
    assert.ok(!text.includes(bad), `${where}: page shows “${bad}”:\n${text}`);
  }
}
