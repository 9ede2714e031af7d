// Headless-Chromium tests of the office's 配送方式 report (/app/office#reports?tab=fulfilment), at
// desktop size (1280 px) and on a 375-px phone. With the demo data (8 parcels shipped at 8.00 元
// each, 6 signed for; 2 pickups, 1 collected; truck orders), the tab opens on the last 30 days and
// shows one row per method — 装车, 快递, 自提 — and a 合计 row with the same figures as
// GET /reports/fulfilment for the same days: the 快递 row's 包裹数 and 运费 to the fen, the
// parcel-only columns “—” for trucks and pickups, the times in 天/小时/分. A preset is one tap, an
// empty span says so, a span that ends before it starts is refused in Chinese at the field. The
// page reads in Chinese only (no Latin words, no null/undefined/NaN), never scrolls sideways, and
// axe finds nothing serious. The 销售报表 tab is where it was, and groups and filters by 配送方式
// with its 运费 column as GET /reports/sales says. Screenshots go to artifacts/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, loginIfAsked, textOf, noHorizontalScroll, noStrayText,
} from './harness.mjs';

const require = createRequire(import.meta.url);

let base;
let context;
let blocked;
let page;
let token;
const pageErrors = [];
const findings = [];

const yuanText = (fen) => (fen < 0 ? '-¥' : '¥') + (Math.abs(fen) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const countText = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const HEADERS = ['配送方式', '订单数', '销售额', '已送达', '包裹数', '运费', '自动签收', '发货到签收（平均）', '发货到签收（中位数）'];
const LABEL = { load: '装车', parcel: '快递', pickup: '自提' };

/** No Latin words and no null/undefined/NaN in what the user reads. */
async function allChinese(where) {
  const text = await page.locator('main').innerText();
  const words = text.match(/[A-Za-z]{2,}/g) || [];
  assert.deepEqual(words, [], `${where}: English on the page:\n${text.slice(0, 3000)}`);
  await noStrayText(page, where);
}

/** Runs axe on what the page shows now (serious and critical findings only). */
async function axe(where) {
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

async function openOffice(hash) {
  await page.goto(`${base}/app/office#${hash}`);
  await loginIfAsked(page, 'secretary');
  await page.waitForFunction(() => !document.getElementById('who').hidden);
  await page.waitForFunction(() => !document.body.innerText.includes('正在加载'));
}

/** The API's report for the days the form shows now. */
async function apiForForm() {
  const from = await page.getByTestId('f-from').inputValue();
  const to = await page.getByTestId('f-to').inputValue();
  return { from, to, report: await http('GET', `/reports/fulfilment?from=${from}&to=${to}`, { token }) };
}

/** What a row's cells must say, from the API's row. */
function expectedCells(r, duration) {
  const parcel = r.fulfilment === 'parcel';
  const only = (text) => (parcel ? text : '—');
  return [LABEL[r.fulfilment], countText(r.orders), yuanText(r.sales_fen), countText(r.delivered_orders),
    only(countText(r.parcels)), only(yuanText(r.shipping_cost_fen)), only(countText(r.auto_delivered_parcels)),
    only(duration(r.avg_ship_to_delivery_minutes)), only(duration(r.median_ship_to_delivery_minutes))];
}

/** The page's table is the API's report, row by row, with its 合计. */
async function tableMatches(report) {
  const duration = (m) => (m === null || m === undefined ? '—' : null); // null: checked on its own below
  assert.deepEqual(await page.getByTestId('fulfilment-table').locator('thead th').allTextContents(), HEADERS);
  for (const r of report.rows) {
    const cells = await page.getByTestId(`fulfilment-row-${r.fulfilment}`).locator('td').allTextContents();
    const want = expectedCells(r, duration);
    for (const [i, w] of want.entries()) {
      if (w === null) assert.notEqual(cells[i], '—', `${r.fulfilment} ${HEADERS[i]}: a time is shown`);
      else assert.equal(cells[i], w, `${LABEL[r.fulfilment]} · ${HEADERS[i]}`);
    }
  }
  const sum = (k) => report.rows.reduce((a, r) => a + r[k], 0);
  const totals = await page.getByTestId('fulfilment-totals').locator('td').allTextContents();
  assert.deepEqual(totals.slice(0, 7), ['合计', countText(sum('orders')), yuanText(sum('sales_fen')), countText(sum('delivered_orders')),
    countText(sum('parcels')), yuanText(sum('shipping_cost_fen')), countText(sum('auto_delivered_parcels'))]);
}

before(async () => {
  ({ base, context, blocked } = await start());
  token = await login('secretary', DEMO_PASSWORD);
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => { await stop(); });

test('the 配送方式 tab shows the last 30 days by method, with the 快递 row’s parcels and shipping cost as the API says', async () => {
  await openOffice('dashboard');
  await page.getByTestId('nav-reports').click();
  // The sales report is still the first tab, and still answers.
  await page.getByTestId('report-totals').waitFor();
  assert.equal(await page.getByTestId('tab-sales').getAttribute('aria-current'), 'page');
  assert.ok(await page.getByTestId('reports-fulfilment').isHidden());

  await page.getByTestId('tab-fulfilment').click();
  await page.getByTestId('fulfilment-row-parcel').waitFor();
  assert.equal(await page.getByTestId('tab-fulfilment').getAttribute('aria-current'), 'page');
  assert.ok(await page.getByTestId('reports-sales').isHidden(), 'the sales form is out of the way');
  assert.match(page.url(), /#reports\?tab=fulfilment$/);

  // The last 30 days, today included, by the browser's calendar (as the sales report's 近30天).
  const [today, monthAgo] = await page.evaluate(() => {
    const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const t = new Date();
    return [iso(t), iso(new Date(t.getFullYear(), t.getMonth(), t.getDate() - 29))];
  });
  assert.equal(await page.getByTestId('f-to').inputValue(), today);
  assert.equal(await page.getByTestId('f-from').inputValue(), monthAgo);

  const { report } = await apiForForm();
  const byMethod = Object.fromEntries(report.rows.map((r) => [r.fulfilment, r]));
  assert.deepEqual(Object.keys(byMethod).sort(), ['load', 'parcel', 'pickup']);
  // The demo, shipped today: 8 parcels at 8.00 元, 6 signed for; 2 pickups, 1 collected; trucks.
  assert.equal(byMethod.parcel.parcels, 8);
  assert.equal(byMethod.parcel.shipping_cost_fen, 8 * 800);
  assert.equal(byMethod.parcel.delivered_parcels, 6);
  assert.equal(byMethod.pickup.orders, 2);
  assert.equal(byMethod.pickup.delivered_orders, 1);
  assert.ok(byMethod.load.orders > 0, 'the demo’s truck orders');

  // The 快递 row: 包裹数 and 运费 are the API's, to the fen.
  const parcelCells = await page.getByTestId('fulfilment-row-parcel').locator('td').allTextContents();
  assert.equal(parcelCells[0], '快递');
  assert.equal(parcelCells[HEADERS.indexOf('包裹数')], countText(byMethod.parcel.parcels));
  assert.equal(parcelCells[HEADERS.indexOf('运费')], yuanText(byMethod.parcel.shipping_cost_fen));
  assert.equal(parcelCells[HEADERS.indexOf('运费')], '¥64.00');
  // Every other cell too, and the 合计 row.
  await tableMatches(report);
  // Trucks and pickups have no parcels: those cells say “—”, not 0.
  for (const m of ['load', 'pickup']) {
    const cells = await page.getByTestId(`fulfilment-row-${m}`).locator('td').allTextContents();
    assert.deepEqual(cells.slice(4), ['—', '—', '—', '—', '—'], `${m}: ${cells.join(' | ')}`);
  }
  await textOf(page.getByTestId('fulfilment-summary'), '快递包裹 8 个，已签收 6 个');
  await textOf(page.getByTestId('fulfilment-summary'), '运费共 ¥64.00，平均每个 ¥8.00');

  await allChinese('配送方式 at 1280');
  await noHorizontalScroll(page, '配送方式 at 1280');
  await axe('配送方式 at 1280');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-fulfilment-1280.png'), fullPage: true });
});

test('times from shipping to delivery read in 天, 小时 and 分; a missing one is “—”', async () => {
  const said = await page.evaluate(() => [0, 45, 60, 125, 1440, 2 * 1440 + 3 * 60 + 10, null, undefined]
    .map((m) => window.Zhunong.office.reportViews.duration(m)));
  assert.deepEqual(said, ['不到 1 分钟', '45 分钟', '1 小时', '2 小时 5 分', '1 天', '2 天 3 小时', '—', '—']);
  // The demo's parcels were signed for as they were shipped.
  const { report } = await apiForForm();
  const parcel = report.rows.find((r) => r.fulfilment === 'parcel');
  const cells = await page.getByTestId('fulfilment-row-parcel').locator('td').allTextContents();
  const expected = await page.evaluate((p) => [p.avg_ship_to_delivery_minutes, p.median_ship_to_delivery_minutes]
    .map((m) => window.Zhunong.office.reportViews.duration(m)), parcel);
  assert.deepEqual(cells.slice(7), expected);
});

test('a preset is one tap; last year’s parcel columns say “—”; an empty span says so; a backwards span is refused at the field', async () => {
  await openOffice('reports?tab=fulfilment');
  await page.getByTestId('fulfilment-row-parcel').waitFor();

  // 去年: one tap, the same figures as the API.
  const year = new Date().getFullYear() - 1;
  await page.getByTestId('f-preset-last-year').click();
  await page.waitForFunction((y) => document.getElementById('f-to').value === `${y}-12-31`, year);
  assert.equal(await page.getByTestId('f-from').inputValue(), `${year}-01-01`);
  const { report } = await apiForForm();
  const load = report.rows.find((r) => r.fulfilment === 'load');
  await textOf(page.getByTestId('fulfilment-row-load'), countText(load.orders));
  await tableMatches(report);
  const parcel = report.rows.find((r) => r.fulfilment === 'parcel');
  const cells = await page.getByTestId('fulfilment-row-parcel').locator('td').allTextContents();
  assert.equal(cells[HEADERS.indexOf('包裹数')], countText(parcel.parcels));
  assert.equal(cells[HEADERS.indexOf('运费')], yuanText(parcel.shipping_cost_fen));
  if (parcel.delivered_parcels === 0) assert.deepEqual(cells.slice(7), ['—', '—'], 'no parcel signed for: no time');
  await allChinese('配送方式, last year');

  // A span with nothing in it says so instead of a table of zeros.
  await page.getByTestId('f-from').fill('2001-01-01');
  await page.getByTestId('f-to').fill('2001-01-31');
  await page.getByTestId('f-run').click();
  await textOf(page.getByTestId('fulfilment-empty'), '2001-01-01 至 2001-01-31 没有订单');
  assert.ok(await page.getByTestId('fulfilment-table').isHidden());
  await allChinese('配送方式, empty span');

  // A span that ends before it starts: refused in Chinese, the start date marked.
  await page.getByTestId('f-from').fill('2030-01-02');
  await page.getByTestId('f-to').fill('2030-01-01');
  await page.getByTestId('f-run').click();
  await textOf(page.getByTestId('error-title'), '输入有误');
  await textOf(page.getByTestId('error-fields'), '开始日期');
  assert.equal(await page.locator('#f-from.invalid').count(), 1, 'the start date is marked');
  await allChinese('配送方式, backwards span');

  // 近30天 brings the table back, the mark and the message gone.
  await page.getByTestId('f-preset-last-30-days').click();
  await page.getByTestId('fulfilment-table').waitFor({ state: 'visible' });
  assert.ok(await page.getByTestId('fulfilment-empty').isHidden());
  assert.equal(await page.locator('#f-from.invalid').count(), 0);
  await page.getByTestId('error').waitFor({ state: 'hidden' });
  await tableMatches((await apiForForm()).report);

  // The menu's 报表 opens the sales report again.
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-totals').waitFor();
  assert.ok(await page.getByTestId('reports-fulfilment').isHidden());
});

test('on a 375-px phone the table scrolls in its frame and the page does not scroll sideways', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await openOffice('reports?tab=fulfilment');
  await page.getByTestId('fulfilment-row-parcel').waitFor();
  await page.waitForTimeout(300);
  await noHorizontalScroll(page, '配送方式 at 375');
  const frame = await page.getByTestId('fulfilment-table').evaluate((t) => {
    const f = t.closest('.scroll');
    return f ? f.getBoundingClientRect().right <= window.innerWidth + 1 : false;
  });
  assert.ok(frame, 'the table sits in a frame no wider than the phone');
  await allChinese('配送方式 at 375');
  await axe('配送方式 at 375');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-fulfilment-375.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the 销售报表 groups and filters by 配送方式, with 运费 to the fen as the API says', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openOffice('reports');
  await page.getByTestId('tab-sales').click();
  await page.getByTestId('report-totals').waitFor();
  await page.getByTestId('r-preset-this-year').click();
  await page.getByTestId('report-totals').waitFor();
  const from = await page.getByTestId('r-from').inputValue();
  const to = await page.getByTestId('r-to').inputValue();
  await page.getByTestId('r-interval').selectOption('none');
  await page.getByTestId('r-group').selectOption('fulfilment');
  await page.getByTestId('r-run').click();
  const api = await http('GET', `/reports/sales?from=${from}&to=${to}&interval=none&group_by=fulfilment&basis=placed`, { token });
  const parcel = api.rows.find((r) => r.dimensions.fulfilment.code === 'parcel');
  assert.ok(parcel && parcel.metrics.shipping_cost_fen > 0, 'the demo’s parcels cost something to ship');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="report-row-"]').length === n, api.rows.length);
  const heads = await page.getByTestId('report-table').locator('thead th').allTextContents();
  assert.equal(heads[0], '配送方式');
  const shippingAt = heads.indexOf('运费');
  assert.ok(shippingAt > 0, heads.join('|'));
  for (const [i, row] of api.rows.entries()) {
    const cells = await page.getByTestId(`report-row-${i}`).locator('td').allTextContents();
    assert.equal(cells[0], LABEL[row.dimensions.fulfilment.code]);
    assert.equal(cells[shippingAt], yuanText(row.metrics.shipping_cost_fen), `${cells}`);
  }
  const totals = await page.getByTestId('report-totals').locator('td').allTextContents();
  assert.equal(totals[shippingAt], yuanText(api.totals.metrics.shipping_cost_fen));

  // Only parcels: the filter narrows the totals to the 快递 row's.
  await page.getByTestId('r-fulfilment').selectOption('parcel');
  await page.getByTestId('r-group').selectOption('');
  await page.getByTestId('r-run').click();
  await page.waitForFunction((want) => (document.querySelector('[data-testid="report-totals"]')?.innerText || '')
    .includes(want), yuanText(parcel.metrics.net_sales_fen));
  const only = await page.getByTestId('report-totals').locator('td').allTextContents();
  assert.ok(only.includes(yuanText(parcel.metrics.shipping_cost_fen)), only.join(' '));
  // Chinese only, but for the download buttons' file formats (下载 CSV, 下载 Excel).
  const text = await page.locator('main').innerText();
  const words = (text.match(/[A-Za-z]{2,}/g) || []).filter((w) => !['CSV', 'Excel'].includes(w));
  assert.deepEqual(words, [], `销售报表 by 配送方式: English on the page:\n${text.slice(0, 3000)}`);
  await noStrayText(page, '销售报表 by 配送方式');
  await page.getByTestId('r-fulfilment').selectOption('');
});

test('nothing left the machine, no script failed, axe found nothing serious', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(findings, [], `axe found:\n${findings.join('\n')}`);
});
