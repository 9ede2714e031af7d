// Headless-Chromium tests of the secretary's office (/app/office): the dashboard's cards and
// charts, the whole desk flow (a helper's live order confirmed, a flagged weighing approved and
// a payment recorded in the office, the order settled and the dashboard moved by exactly its
// amount), the reports form against the API with its downloads, the data check and the backup
// download from the dashboard, and no sideways scrolling at 375 px and 1280 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import { ADMIN_PASSWORD, DEMO_PASSWORD, ROOT, start, stop, http, login, textOf, loginIfAsked } from './harness.mjs';

let base;
let context;
let page;
let tokens;
let deskOrder; // the order the desk flow took through its whole life

const SHOTS = path.join(ROOT, 'target', 'screenshots');

before(async () => {
  // Scheduled backups into the server's own folder, the first at once.
  ({ base, context } = await start({ ZHUNONG_BACKUP_DIR: 'backups', ZHUNONG_BACKUP_FIRST_AFTER_SECS: '0' }));
  page = await context.newPage();
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? '已与买家电话确认' : undefined));
  tokens = {
    secretary: await login('secretary', DEMO_PASSWORD),
    helper: await login('helper', DEMO_PASSWORD),
    station: await login('station', DEMO_PASSWORD),
  };
  await mkdir(SHOTS, { recursive: true });
});

after(async () => { await stop(); });

const yuanText = (fen) => '¥' + (fen / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

async function signIn() {
  await page.goto(`${base}/app/office`);
  await loginIfAsked(page, 'secretary');
  await page.getByTestId('dashboard-view').waitFor({ state: 'visible' });
}

/** The today card's net sales in fen, read from what the page shows. */
async function todayNet() {
  const text = await textOf(page.getByTestId('card-today-net'), '¥');
  return Math.round(Number(text.replace(/[¥,]/g, '')) * 100);
}

async function noSideways(where) {
  // Charts follow a resize a moment later (ECharts debounces it): give the layout 2 s to settle.
  await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 2000 })
    .catch(() => {});
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page scrolls sideways (${scrollWidth} > ${innerWidth})`);
}

test('the whole desk flow: a live order confirmed, weighed, approved, delivered, paid and settled moves the dashboard by exactly its amount', async () => {
  const { secretary, helper, station } = tokens;
  const batches = await http('GET', '/batches?per_page=50', { token: secretary });
  const batch = batches.items.find((b) => b.code === 'YGMG-0901');
  assert.ok(batch, 'the demo grapes, sold by weight');
  const buyers = await http('GET', '/buyers?per_page=50', { token: secretary });
  const buyer = buyers.items.find((b) => b.kind === 'individual');

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  const before = await todayNet();

  // 1. The helper places a live order.
  const session = await http('POST', '/live-sessions', { token: helper, body: { platform: 'douyin', host: '第一书记', title: '葡萄直播', planned_start: new Date().toISOString() } });
  await http('POST', `/live-sessions/${session.id}/featured`, { token: helper, body: { batch_id: batch.id, live_price_fen: 1000 } });
  await http('POST', `/live-sessions/${session.id}/start`, { token: helper, body: {} });
  const order = await http('POST', '/orders', { token: helper, body: { buyer_id: buyer.id, channel: 'livestream', live_session_id: session.id, lines: [{ batch_id: batch.id, quantity: 5000 }] } });
  assert.equal(order.status, 'pending');
  deskOrder = order;

  // 2. The secretary finds it in the office and confirms it.
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('o-q').fill(order.number);
  await page.getByTestId('o-find').click();
  await page.getByTestId(`order-${order.id}`).click();
  await textOf(page.getByTestId('detail-number'), '待确认');
  await page.getByTestId('confirm-order').click();
  await textOf(page.getByTestId('detail-number'), '已确认');

  // 3. The station weighs it light (outside the tolerance) and completes it.
  const line = order.lines[0].line_id;
  await http('POST', '/weighings', { token: station, body: { order_line_id: line, scale_id: 'scale-1', crates: [{ gross_g: 4300, tare_g: 300 }] } });
  await http('POST', `/order-lines/${line}/complete-weighing`, { token: station, body: {} });
  const weighed = await http('GET', `/orders/${order.id}`, { token: secretary });
  assert.equal(weighed.status, 'weighed');
  assert.equal(weighed.weights_flagged, true);
  assert.equal(weighed.final_total_fen, 8000, '4 kg = 8 jin at 10.00');

  // 4. The flagged weighing is approved in the office.
  await page.getByTestId('nav-dashboard').click();
  await textOf(page.getByTestId('attention-flagged'), '1');
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('o-flagged').check();
  await page.getByTestId('o-q').fill('');
  await page.getByTestId('o-find').click();
  await page.getByTestId(`order-${order.id}`).click();
  await page.getByTestId('approve-weights').click();
  await textOf(page.getByTestId('notice'), '审批');

  // 5. Loaded and delivered.
  const load = await http('POST', '/loads', { token: station, body: { plate: '皖A12345', driver_name: '老李', driver_phone: '13600000000', destination: '合肥', planned_date: new Date().toISOString().slice(0, 10) } });
  await http('POST', `/loads/${load.id}/orders`, { token: station, body: { order_id: order.id } });
  await http('POST', `/loads/${load.id}/loaded`, { token: station, body: {} });
  await http('POST', `/loads/${load.id}/delivered`, { token: station, body: { received_by: '李女士' } });

  // 6–7. The payment is recorded in the office, and the order settles.
  await page.getByTestId('o-flagged').uncheck();
  await page.getByTestId('o-q').fill(order.number);
  await page.getByTestId('o-find').click();
  await page.getByTestId(`order-${order.id}`).click();
  await textOf(page.getByTestId('detail-number'), '已送达');
  assert.equal(await page.getByTestId('pay-amount').inputValue(), '80');
  await page.getByTestId('record-payment').click();
  await textOf(page.getByTestId('detail-number'), '已结算');
  const settled = await http('GET', `/orders/${order.id}`, { token: secretary });
  assert.equal(settled.status, 'settled');
  const ledger = await http('GET', `/ledger/transactions?order_id=${order.id}`, { token: secretary });
  assert.equal(ledger.items.length, 1);
  // The order's card names its buyer, and its story reads from placing to settling, with who.
  await textOf(page.getByTestId('customer-card'), buyer.name);
  const story = await textOf(page.getByTestId('detail-timeline'), '结算了订单');
  for (const step of ['直播下单', '确认了订单', '称重', '批准了', '装上车牌 皖A12345', '送达，李女士 签收', '登记收款 80.00 元']) {
    assert.ok(story.includes(step), `"${step}" in the order's story:\n${story}`);
  }
  assert.ok(story.indexOf('直播下单') < story.indexOf('确认了订单') && story.indexOf('确认了订单') < story.indexOf('结算了订单'), story);
  await page.getByTestId('order-detail').screenshot({ path: path.join(SHOTS, 'office-order-detail-1280.png') });

  // 8. The dashboard moved by exactly that order's amount.
  await page.getByTestId('nav-dashboard').click();
  await page.waitForFunction((prev) => {
    const t = document.querySelector('[data-testid="card-today-net"]');
    return t && Math.round(Number(t.textContent.replace(/[¥,]/g, '')) * 100) !== prev;
  }, before);
  assert.equal(await todayNet() - before, 8000);
  await textOf(page.getByTestId('attention-flagged'), '0');
  // The backup taken at start restored and was checked; the dashboard says so.
  await textOf(page.getByTestId('attention-backup'), '已恢复检验');
  await noSideways('dashboard at 1280');
  await page.screenshot({ path: path.join(SHOTS, 'office-dashboard-1280.png'), fullPage: true });
});

test('the dashboard shows the cards and draws its charts from the reports', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  const summary = await http('GET', '/reports/sales/summary', { token: tokens.secretary });
  const year = summary.cards.find((c) => c.period === 'year');
  // The demo's two seasons make the dashboard's first load the heaviest of these tests.
  await textOf(page.getByTestId('card-year-net'), yuanText(year.metrics.net_sales_fen), 30000);
  await textOf(page.getByTestId('card-month-orders'), `${summary.cards.find((c) => c.period === 'month').metrics.orders} 单`);
  const series = await page.waitForFunction(() => {
    const c = window.echarts && window.echarts.getInstanceByDom(document.getElementById('chart-products'));
    const s = c && c.getOption().series;
    return s && s.length && s[0].data.some((v) => v > 0) ? s.map((x) => x.data.reduce((a, b) => a + b, 0)) : null;
  });
  const drawn = (await series.jsonValue()).reduce((a, b) => a + b, 0);
  assert.equal(Math.round(drawn * 100), year.metrics.net_sales_fen, 'the chart adds up to the year');
  assert.ok(await page.locator('#chart-products canvas').count() > 0, 'a canvas');
  assert.ok(await page.locator('#chart-channels canvas').count() > 0, 'a canvas');
  await page.getByTestId('income-table').locator('tr').first().waitFor();
  // How fresh the figures are, as the browser's clock reads the answer's as_of.
  const asOf = await textOf(page.getByTestId('as-of'), '数据截至');
  const shown = asOf.match(/^数据截至 (\d{2}):(\d{2}):(\d{2})$/);
  assert.ok(shown, asOf);
  const expected = await page.evaluate((iso) => {
    const d = new Date(iso);
    return [d.getHours(), d.getMinutes()];
  }, summary.as_of);
  const [h, m] = [Number(shown[1]), Number(shown[2])];
  const minutes = (a, b) => {
    const d = Math.abs((a[0] * 60 + a[1]) - (b[0] * 60 + b[1]));
    return Math.min(d, 24 * 60 - d);
  };
  assert.ok(minutes([h, m], expected) <= 1, `${asOf} is not the answer's as_of ${summary.as_of}`);
});

test('the reports form shows what the API says, with a totals row, and its downloads arrive', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-totals').waitFor();
  const from = await page.getByTestId('r-from').inputValue();
  const to = await page.getByTestId('r-to').inputValue();
  await page.getByTestId('r-interval').selectOption('none');
  await page.getByTestId('r-group').selectOption('channel');
  await page.getByTestId('r-run').click();
  const api = await http('GET', `/reports/sales?from=${from}&to=${to}&interval=none&group_by=channel&basis=placed`, { token: tokens.secretary });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="report-row-"]').length === n, api.rows.length);
  for (const [i, row] of api.rows.entries()) {
    const cells = await page.getByTestId(`report-row-${i}`).locator('td').allTextContents();
    assert.equal(cells[0], row.dimensions.channel.label);
    assert.ok(cells.includes(yuanText(row.metrics.net_sales_fen)), `${cells} has ${row.metrics.net_sales_fen}`);
  }
  const totals = await page.getByTestId('report-totals').locator('td').allTextContents();
  assert.equal(totals[0], '合计');
  assert.ok(totals.includes(yuanText(api.totals.metrics.net_sales_fen)), totals.join(' '));

  for (const [button, ext] of [['r-csv', 'csv'], ['r-xlsx', 'xlsx']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
    assert.ok(download.suggestedFilename().endsWith(`.${ext}`), download.suggestedFilename());
    const file = await download.path();
    assert.ok(file, 'the download arrived');
  }

  // A wrong span is refused in Chinese with the field marked.
  await page.getByTestId('r-from').fill('2030-01-01');
  await page.getByTestId('r-to').fill('2029-01-01');
  await page.getByTestId('r-run').click();
  await textOf(page.getByTestId('error-title'), '输入有误');
  assert.ok(await page.locator('#r-to.invalid').count() === 1, 'the end date is marked');
});

test('last year’s report is one tap; months go across in the pivot, with 合计 on every totals row; an empty range says so', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-totals').waitFor();
  await page.getByTestId('r-interval').selectOption('month');
  await page.getByTestId('r-group').selectOption('product');
  const year = new Date().getFullYear() - 1;
  const started = Date.now();
  await page.getByTestId('r-preset-last-year').click(); // the one tap
  await page.waitForFunction((y) => document.getElementById('r-to').value === `${y}-12-31`, year);
  const api = await http('GET', `/reports/sales?from=${year}-01-01&to=${year}-12-31&interval=month&group_by=product&basis=placed`, { token: tokens.secretary });
  assert.ok(api.totals.metrics.orders > 0, 'the demo sold last year');
  // The totals of the report shown before the tap also read 合计: wait for last year's figure.
  await textOf(page.getByTestId('report-totals'), yuanText(api.totals.metrics.net_sales_fen));
  console.log(`# timing: last year's report: 1 tap, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(await page.getByTestId('r-from').inputValue(), `${year}-01-01`);
  assert.ok((await page.getByTestId('report-totals').innerText()).includes(yuanText(api.totals.metrics.net_sales_fen)));

  // The pivot: one row per product, one column per month, totals right and below.
  await page.getByTestId('r-layout').selectOption('pivot');
  await page.getByTestId('r-run').click();
  await page.getByTestId('pivot-row-0').waitFor();
  const heads = await page.getByTestId('report-table').locator('thead th').allTextContents();
  assert.equal(heads.length, 1 + 12 + 1, heads.join('|'));
  assert.equal(heads[heads.length - 1], '合计');
  const totals = await page.getByTestId('report-totals').locator('td').allTextContents();
  assert.equal(totals[0], '合计');
  assert.equal(totals[totals.length - 1], yuanText(api.totals.metrics.net_sales_fen), 'the corner is the year’s net sales');
  const products = new Set(api.rows.map((r) => r.dimensions.product.label));
  assert.equal(await page.locator('[data-testid^="pivot-row-"]').count(), products.size);
  await page.screenshot({ path: path.join(SHOTS, 'office-report-pivot-1280.png'), fullPage: true });

  // Without period or group, the one totals row still says 合计.
  await page.getByTestId('r-layout').selectOption('list');
  await page.getByTestId('r-interval').selectOption('none');
  await page.getByTestId('r-group').selectOption('');
  await page.getByTestId('r-run').click();
  await page.waitForFunction(() => document.querySelectorAll('#report-table thead th').length === 13);
  assert.equal((await page.getByTestId('report-totals').locator('td').first().textContent()), '合计');

  // A range with no sales says so instead of a table of zeros.
  await page.getByTestId('r-from').fill('2001-01-01');
  await page.getByTestId('r-to').fill('2001-01-31');
  await page.getByTestId('r-run').click();
  await textOf(page.getByTestId('report-empty'), '2001-01-01 至 2001-01-31 没有销售记录');
  assert.ok(await page.getByTestId('report-table').isHidden());
  await page.getByTestId('r-preset-this-year').click();
  await page.getByTestId('report-table').waitFor({ state: 'visible' });
  assert.ok(await page.getByTestId('report-empty').isHidden());
});

test('a show’s pending orders are confirmed with one click', async () => {
  const { secretary, helper } = tokens;
  const batches = await http('GET', '/batches?per_page=50', { token: secretary });
  const batch = batches.items.find((b) => b.code === 'YGMG-0901');
  const buyers = await http('GET', '/buyers?per_page=50', { token: secretary });
  const buyer = buyers.items.find((b) => b.kind === 'individual');
  const session = await http('POST', '/live-sessions', { token: helper, body: { platform: 'douyin', host: '第一书记', title: '夜场直播', planned_start: new Date().toISOString() } });
  await http('POST', `/live-sessions/${session.id}/featured`, { token: helper, body: { batch_id: batch.id, live_price_fen: 1000 } });
  await http('POST', `/live-sessions/${session.id}/start`, { token: helper, body: {} });
  const ids = [];
  for (let i = 0; i < 2; i += 1) {
    const o = await http('POST', '/orders', { token: helper, body: { buyer_id: buyer.id, channel: 'livestream', live_session_id: session.id, lines: [{ batch_id: batch.id, quantity: 1000 }] } });
    ids.push(o.id);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('o-session').locator(`option[value="${session.id}"]`).waitFor({ state: 'attached' });
  await page.getByTestId('o-session').selectOption(String(session.id));
  await page.getByTestId('o-confirm-session').click();
  await textOf(page.getByTestId('notice'), '已确认 2 单');
  for (const id of ids) {
    assert.equal((await http('GET', `/orders/${id}`, { token: secretary })).status, 'confirmed');
  }
});

test('the audit log page shows who confirmed the order and approved its weights', async () => {
  assert.ok(deskOrder, 'the desk flow ran first');
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('a-order').fill(deskOrder.number);
  await page.getByTestId('a-find').click();
  await textOf(page.getByTestId('audit-table'), '审批称重');
  const rows = await page.getByTestId('audit-table').locator('tbody tr').allTextContents();
  assert.ok(rows.some((r) => r.includes('确认订单') && r.includes(`确认了订单 ${deskOrder.number}`)), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes('审批称重') && r.includes('批准了')), rows.join('\n'));
});

test('a report asked with its end before its start says so, in Chinese, at the field', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-totals').waitFor();
  await page.getByTestId('r-from').fill('2026-10-01');
  await page.getByTestId('r-to').fill('2026-09-01');
  await page.getByTestId('r-run').click();
  await textOf(page.getByTestId('error-fields'), '结束日期：不能早于开始日期');
  assert.equal(await page.locator('#r-to.invalid').count(), 1, 'the end date is marked');
  assert.ok(!(await page.getByTestId('error-fields').innerText()).includes('填写有误'));
});

test('fifteen pending orders are confirmed in two taps, and the status tabs count them', async () => {
  const { secretary, helper } = tokens;
  const phone = `139${String(Date.now()).slice(-8)}`;
  const buyer = await http('POST', '/buyers', { token: helper, body: { kind: 'individual', name: '周阿姨', phone } });
  const batch = (await http('GET', '/batches?per_page=50', { token: secretary })).items.find((b) => b.code === 'YGMG-0901');
  const ids = [];
  for (let i = 0; i < 15; i += 1) {
    const o = await http('POST', '/orders', { token: helper, body: { buyer_id: buyer.id, channel: 'phone', lines: [{ batch_id: batch.id, quantity: 1000 }] } });
    ids.push(o.id);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('o-q').fill(phone);
  await page.getByTestId('o-find').click();
  await textOf(page.getByTestId('o-tab-pending'), '待确认 15');
  await page.getByTestId('o-tab-pending').click();
  await page.getByTestId(`o-pick-${ids[0]}`).waitFor();
  assert.ok((await page.getByTestId(`order-${ids[0]}`).innerText()).includes('周阿姨'), 'the buyer on the row');

  const started = Date.now();
  await page.getByTestId('o-pick-all').check(); // tap 1
  await page.getByTestId('o-bulk-confirm').click(); // tap 2
  await textOf(page.getByTestId('notice'), '已确认 15 单');
  console.log(`# timing: confirming a show's 15 orders: 2 taps, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const id of ids) assert.equal((await http('GET', `/orders/${id}`, { token: secretary })).status, 'confirmed');
  await textOf(page.getByTestId('o-tab-pending'), '待确认 0');
  await textOf(page.getByTestId('o-tab-confirmed'), '待称重 15');

  // Bulk cancel takes one reason for all.
  await page.getByTestId('o-tab-confirmed').click();
  await page.getByTestId(`o-pick-${ids[0]}`).check();
  await page.getByTestId(`o-pick-${ids[1]}`).check();
  await page.getByTestId('o-bulk-cancel').click();
  await textOf(page.getByTestId('notice'), '已取消 2 单');
  const cancelled = await http('GET', `/audit-log?entity=order&entity_id=${ids[1]}&action=cancel_order`, { token: secretary });
  assert.equal(cancelled.items[0].after.reason, '已与买家电话确认');
});

test('the order list comes in pages of 50, and the dashboard opens a clean list', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('o-clear').click();
  const pages = await textOf(page.getByTestId('o-pages'), '第 1 /');
  assert.equal(await page.getByTestId('order-list').locator('tbody tr[data-testid]').count(), 50, pages);
  await page.getByTestId('o-next').click();
  await textOf(page.getByTestId('o-pages'), '第 2 /');
  // A search left behind does not follow the dashboard's shortcut.
  await page.getByTestId('o-q').fill('周阿姨');
  await page.getByTestId('o-find').click();
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('attention-pending').locator('a').click();
  await page.getByTestId('o-tab-pending').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="o-tab-pending"]').classList.contains('current'));
  assert.equal(await page.getByTestId('o-q').inputValue(), '', 'the old search is cleared');
  await page.screenshot({ path: path.join(SHOTS, 'office-orders-1280.png') });
});

test('on a 375-px phone the header is one row, every button can be tapped below it, and wide tables scroll in their frame', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn();
  for (const hash of ['dashboard', 'reports', 'orders', 'money?tab=settle', 'money?tab=statements', 'catalog?tab=users', 'audit']) {
    await page.goto(`${base}/app/office#${hash}`);
    await page.waitForFunction(() => !document.body.innerText.includes('正在加载'));
    await page.waitForTimeout(300);
    const header = await page.locator('header.bar').boundingBox();
    assert.ok(header.height <= 64, `${hash}: the header is one row (${header.height} px)`);
    // Brought into view the way the pages bring things into view, each button is the thing under
    // the finger, not the sticky header.
    const covered = await page.evaluate(() => {
      const out = [];
      const buttons = [...document.querySelectorAll('main button, main a.btn, main input[type=checkbox]')]
        .filter((b) => b.offsetParent !== null).slice(0, 60);
      for (const b of buttons) {
        b.scrollIntoView({ block: 'start' });
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(b === hit || b.contains(hit))) out.push(`${b.dataset.testid || b.textContent.trim()} under ${hit && hit.closest('header') ? 'the header' : hit && hit.tagName}`);
      }
      return out;
    });
    assert.deepEqual(covered, [], `${hash}: buttons that cannot be tapped`);
    // Every table sits in a frame no wider than the phone; what does not fit scrolls inside it.
    const frames = await page.evaluate(() => [...document.querySelectorAll('main .table')].filter((t) => t.offsetParent !== null)
      .map((t) => { const f = t.closest('.scroll'); return f ? f.getBoundingClientRect().right <= window.innerWidth + 1 : false; }));
    assert.ok(frames.every(Boolean), `${hash}: a table outside a scrolling frame`);
    await noSideways(`${hash} at 375`);
  }
  // The menu is tapped, not just looked at: every view opens from it on a phone.
  for (const view of ['audit', 'money', 'dashboard']) {
    await page.getByTestId(`nav-${view}`).click();
    await page.getByTestId(`${view}-view`).waitFor({ state: 'visible' });
  }
  await page.screenshot({ path: path.join(SHOTS, 'office-orders-375.png') });
});

test('no page scrolls sideways at 375 px or 1280 px', async () => {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await signIn();
    for (const view of ['dashboard', 'reports', 'orders', 'audit']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.getByTestId(`${view}-view`).waitFor({ state: 'visible' });
      await page.waitForTimeout(300);
      await noSideways(`${view} at ${width}`);
    }
    await page.getByTestId('nav-dashboard').click();
    await page.screenshot({ path: path.join(SHOTS, `office-dashboard-${width}.png`), fullPage: true });
  }
});

test('/ sends a signed-in secretary to the office and lists the pages otherwise', async () => {
  const fresh = await context.newPage();
  await fresh.goto(`${base}/`);
  await fresh.getByTestId('go-office').waitFor();
  await fresh.close();
  await signIn();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/app\/office/);
});

test('an admin checks the data from the dashboard and downloads the newest backup; the secretary reads the result', async () => {
  const admin = await login('admin', ADMIN_PASSWORD);
  assert.equal((await http('GET', '/integrity-checks?per_page=1', { token: admin })).total, 0, 'no check kept yet');
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await page.getByTestId('logout').click();
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  await page.goto(`${base}/app/office#dashboard`);
  await loginIfAsked(page, 'admin');
  await page.getByTestId('dashboard-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('attention-check'), '还没有核对过');
  assert.ok(await page.getByTestId('check-findings').isHidden(), 'nothing to list before a check');

  // The check runs on a tap; the line and the list below say what it found.
  await page.getByTestId('run-check').click();
  await textOf(page.getByTestId('attention-check'), '全部相符');
  const said = await textOf(page.getByTestId('check-findings'), '全部 11 项检查都相符');
  assert.match(said, /用时 [\d,]+ 毫秒/);
  assert.match(await page.getByTestId('attention-check').innerText(), /最近核对 \d{4}-\d{2}-\d{2} \d{2}:\d{2}：全部相符/);
  const kept = await http('GET', '/integrity-checks?per_page=1', { token: admin });
  assert.equal(kept.total, 1);
  assert.equal(kept.items[0].ok, true);
  assert.equal(await page.getByTestId('run-check').textContent(), '立即核对', 'the button is back');

  // The newest good backup downloads with the admin's token: a ZIP.
  const backups = await http('GET', '/backups', { token: admin });
  const good = backups.files.find((f) => f.good);
  assert.ok(good, 'a good backup was taken at start');
  const link = page.getByTestId('backup-download');
  assert.equal(await link.getAttribute('href'), `/api/v1/backups/${encodeURIComponent(good.name)}`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), good.name);
  const zip = await readFile(await download.path());
  assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK', 'the download is a ZIP');
  assert.equal(zip.length, good.bytes);

  // What a check that finds something reads like (the server's answer stood in for): one Chinese
  // line per finding, money in 元, the order a link, and none of the operators' English.
  const orderId = deskOrder ? deskOrder.id : 1;
  const rules = ['ledger_balances', 'append_only', 'settled_split', 'payments', 'stock', 'daily_totals', 'facts', 'idempotency', 'order_state'];
  const found = { append_only: 1, payments: 1, stock: 2, daily_totals: 1, idempotency: 1 };
  const report = {
    id: 99, checked_at: new Date().toISOString(), run_by: 1, ok: false, violations: 6, took_ms: 1234,
    rules: rules.map((rule) => ({ rule, violations: found[rule] || 0 })),
    findings: [
      { rule: 'payments', subject: 'order', id: orderId, expected: 8000, found: 7000, detail: `order ${orderId}: paid 7000 fen but its payments sum to 8000` },
      { rule: 'stock', subject: 'batch', id: 12, expected: 480, found: 485, detail: 'batch 12: stock 485, but quantity 500 + adjustments 0 - held by orders 20 = 480' },
      { rule: 'daily_totals', subject: 'day', id: 20261201, expected: 0, found: 1250, detail: 'day 20261201 (placed): a key\'s totals differ from its facts by 1250 fen' },
      { rule: 'append_only', subject: 'table', id: 0, expected: null, found: null, table: 'weigh_tickets', detail: 'weigh_tickets has lost a trigger that refuses UPDATE or DELETE' },
      { rule: 'idempotency', subject: 'idempotency_key', id: 7, expected: null, found: null, detail: 'stored answer 7 points at orders 3, which is gone' },
    ],
  };
  const stand = (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify(report) }) : route.fallback());
  await page.route('**/api/v1/integrity-checks', stand);
  await page.getByTestId('run-check').click();
  await textOf(page.getByTestId('attention-check'), '发现 6 处不符');
  assert.match(await page.getByTestId('attention-check').locator('.count').getAttribute('class'), /warn-text/);
  const listed = await textOf(page.getByTestId('check-findings'), '9 项检查中有 5 项不符，共 6 处（用时 1,234 毫秒）');
  assert.ok(listed.includes('另有 1 处没有一一列出'), listed);
  const lines = await page.getByTestId('check-findings').locator('li').allInnerTexts();
  assert.deepEqual(lines, [
    `订单已收金额与收款记录相符：订单 ${'ZN' + String(orderId).padStart(6, '0')}，应为 ¥80.00，实为 ¥70.00`,
    '批次库存与入库、调整、订单占用相符：批次（编号 12），应为 480，实为 485',
    '每日销售汇总与明细相符：2026-12-01 的销售汇总，汇总与明细相差 ¥12.50',
    '账目、收款、过磅单、操作记录不可改动：过磅单表',
    '重复提交的应答指向的记录都在：重复提交记录（编号 7）',
  ]);
  const word = /\b[a-z]{2,}\b/.exec(listed);
  assert.ok(!word, `English "${word && word[0]}" in: ${listed}`);
  assert.equal(await page.getByTestId('finding-0').locator('a').getAttribute('href'), `#orders?id=${orderId}`);
  await page.unroute('**/api/v1/integrity-checks', stand);
  await noSideways('dashboard with the findings, at 1280');
  await page.setViewportSize({ width: 375, height: 740 });
  await noSideways('dashboard with the findings, at 375');
  await page.getByTestId('attention').locator('..').screenshot({ path: path.join(SHOTS, 'office-check-375.png') });

  // A backup that failed, or a good one older than two periods, raises a red banner.
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.ok(await page.getByTestId('backup-banner').isHidden(), 'no banner while backups are good');
  const real = await http('GET', '/backups', { token: admin });
  const old = { ...real.files.find((f) => f.good), taken_at: new Date(Date.now() - 3 * real.every_minutes * 60000).toISOString() };
  const stale = (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...real, files: [old] }) });
  await page.route('**/api/v1/backups', stale);
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('nav-dashboard').click();
  await textOf(page.getByTestId('backup-banner'), '已超过两个备份周期没有成功备份');
  await textOf(page.getByTestId('attention-backup'), 'MB');
  await page.unroute('**/api/v1/backups', stale);
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('backup-banner').waitFor({ state: 'hidden' });

  // The secretary sees the kept result, but neither runs checks nor downloads backups.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn();
  await textOf(page.getByTestId('attention-check'), '全部相符');
  await textOf(page.getByTestId('attention-backup'), '已恢复检验');
  assert.equal(await page.getByTestId('run-check').count(), 0, 'no check button for the secretary');
  assert.equal(await page.getByTestId('backup-download').count(), 0, 'no download for the secretary');
  assert.ok(await page.getByTestId('check-findings').isHidden(), 'an all-clear check is not listed again');
  const refused = await fetch(`${base}/api/v1/integrity-checks`, {
    method: 'POST', headers: { authorization: `Bearer ${tokens.secretary}`, 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(refused.status, 403);
});
