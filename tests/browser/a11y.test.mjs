// axe-core (the accessibility engine behind Chrome's Lighthouse) on every page and view, in
// headless Chromium: no serious or critical finding (contrast, names, keyboard reach, ARIA); and
// the favicon on every page.
// axe is loaded as an init script, which the pages' CSP does not apply to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { DEMO_PASSWORD, start, stop, http, login, loginIfAsked } from './harness.mjs';

const require = createRequire(import.meta.url);
let base;
let context;
let page;
const findings = [];

before(async () => {
  ({ base, context } = await start());
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  page = await context.newPage();
});

after(async () => { await stop(); });

/** Runs axe on what the page shows now; keeps the serious and critical findings. */
async function check(where) {
  await page.waitForFunction(() => !document.body.innerText.includes('正在加载'));
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}) × ${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`
      + ` — ${(v.nodes[0].any[0] || v.nodes[0].all[0] || v.nodes[0].none[0] || {}).message || v.help}`);
  }
}

async function open(url, role) {
  await page.goto(`${base}${url}`);
  if (role) await loginIfAsked(page, role);
}

test('the sign-in pages', async () => {
  for (const url of ['/app', '/app/office', '/app/station', '/app/live']) {
    await page.context().clearCookies();
    await page.goto(`${base}${url}`);
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${base}${url}`);
    await check(url);
  }
});

test('every view of the office', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await open('/app/office', 'secretary');
  await page.getByTestId('dashboard-view').waitFor({ state: 'visible' });
  for (const hash of ['dashboard', 'reports', 'orders', 'money?tab=settle', 'money?tab=ledger', 'money?tab=income',
    'money?tab=statements', 'money?tab=rules', 'catalog?tab=batches', 'catalog?tab=products', 'catalog?tab=growers',
    'catalog?tab=collectives', 'catalog?tab=buyers', 'catalog?tab=users', 'catalog?tab=webhooks', 'catalog?tab=trace', 'audit']) {
    await page.goto(`${base}/app/office#${hash}`);
    await page.waitForTimeout(300);
    await check(`office#${hash}`);
  }
  // A buyer's detail with the confirmation of erasing their personal data open, its reason missing.
  await page.goto(`${base}/app/office#catalog?tab=buyers`);
  await page.getByTestId('buyer-3').click();
  await page.getByTestId('buyer-erase').click();
  await page.getByTestId('erase-confirm').click();
  await page.getByTestId('error-title').waitFor({ state: 'visible' });
  await check('office#catalog?tab=buyers (erase confirmation)');
});

test('the station and the live console, on a phone', async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  await open('/app/station', 'station');
  await page.getByTestId('app-view').waitFor({ state: 'visible' });
  await check('station: weighing');
  await page.getByTestId('tab-load').click();
  await page.waitForTimeout(300);
  await check('station: loading');
  await page.getByTestId('logout').click();
  await open('/app/live', 'helper');
  await page.waitForTimeout(500);
  await check('live console');
});

test('the host’s board and a buyer’s trace page', async () => {
  const sec = await login('secretary', DEMO_PASSWORD);
  const shows = await http('GET', '/live-sessions?per_page=5', { token: sec });
  await page.setViewportSize({ width: 1280, height: 720 });
  await open('/app/live', 'helper');
  await page.goto(`${base}/app/live/${shows.items[0].id}/board`);
  await page.getByTestId('board-view').waitFor({ state: 'visible' });
  await check('board');
  // A label printed for a weighed order, and the page its QR code opens on a phone.
  const weighed = (await http('GET', '/orders?status=settled&per_page=1', { token: sec })).items[0];
  const html = await (await fetch(`${base}/api/v1/labels?order_id=${weighed.id}&layout=a4`, { headers: { authorization: `Bearer ${sec}` } })).text();
  const code = /data-code="([A-Z2-7]{16})"/.exec(html)[1];
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${base}/t/${code}`);
  await check('trace page');
});

test('every page has the favicon, served by the binary', async () => {
  for (const url of ['/app', '/app/office', '/app/station', '/app/live']) {
    await page.goto(`${base}${url}`);
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    const r = await fetch(new URL(href, base));
    assert.equal(r.status, 200, `${url}: ${href}`);
    assert.match(r.headers.get('content-type'), /image\/svg\+xml/);
  }
});

test('no serious or critical accessibility finding on any page', () => {
  assert.deepEqual(findings, [], `axe found:\n${findings.join('\n')}`);
});
