// Headless-Chromium test of the office's 抖店 desk (/app/office#shop), at desktop size (1280 px).
// The secretary chooses a shop order export (built here from the shop's column names: two paid
// orders and one closed order of a SKU code not yet mapped, one unpaid order, a column Zhunong
// does not read), previews it: the paid orders are refused for want of a map, the unknown SKU is
// listed with its rows, the unread column named. She maps the code to a batch at 5 斤 an item,
// the preview runs again and says 2 new orders; she commits, the batch's stock goes down by
// exactly 2 × 2 boxes × 2,500 g, the per-row results download with every row, the history lists
// the preview and the import, and after one of the orders has shipped, the ship-back file
// downloads in the shop's batch-shipping layout with its 主订单编号, carrier and tracking number,
// and a second “only new” download has none. The page reads in Chinese only and axe finds
// nothing serious. A cart order paid during a live show counts on the host's board, which says
// it came from the shop. Then she uploads the shop's settlement bill for the two orders: one
// matches, with its fees; the other is a yuan short, and she records the difference as the
// platform's fee in one tap; the exceptions download; the same bill again changes nothing.
// Screenshots go to artifacts/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, loginIfAsked, textOf, noHorizontalScroll, noStrayText } from './harness.mjs';

const require = createRequire(import.meta.url);

let base;
let context;
let page;
const pageErrors = [];
const findings = [];
const state = {};

const HEADER = ['主订单编号', '子订单编号', '选购商品', '商家编码', '商品数量', '商品单价', '订单应付金额', '运费', '优惠总金额',
  '平台实际承担优惠金额', '商家实际承担优惠金额', '达人实际承担优惠金额', '收件人', '收件人手机号', '省', '市', '区', '详细地址',
  '支付完成时间', '流量体裁', '订单状态', '售后状态', '旗帜颜色'];
const BASE = 6940000000000000000n;

/** One export row: `items` boxes at 39.90 元, 5 元 shipping, a 2 元 shop discount. */
function row(n, state, items = 2) {
  const goods = 3990 * items;
  const paid = goods + 500 - 200;
  const y = (f) => (f / 100).toFixed(2);
  return [`\t${BASE + BigInt(n)}`, `\t${BASE + 1000n + BigInt(n)}`, '阳光玫瑰 5斤装', 'MEIGUI-5J', String(items), '39.90', y(paid), '5.00',
    '2.00', '0.00', '2.00', '0.00', '李四', '138****1234', '安徽省', '亳州市', '利辛县', '张村镇红光村3组',
    '2026-11-28 20:15:03', '直播', state, '', '红'];
}

const FILE = `\ufeff${[HEADER, row(1, '待发货'), row(2, '已发货'), row(3, '已关闭'), row(4, '待支付')].map((r) => r.join(',')).join('\n')}\n`;

/** No Latin words in what the page says; batch codes in the batch lists are the village's own. */
async function allChinese(where) {
  const text = await page.evaluate(() => {
    const m = document.querySelector('main').cloneNode(true);
    m.querySelectorAll('select, [hidden]').forEach((n) => n.remove());
    return m.textContent;
  });
  const words = (text.match(/\b[A-Za-z]{2,}\b/g) || []).filter((w) => !/^(MEIGUI|CSV|Excel|ZN|csv|xlsx)$/.test(w) && !/^ZN\d/.test(w));
  assert.deepEqual(words, [], `${where}: English on the page:\n${text.slice(0, 3000)}`);
  await noStrayText(page, where);
}

async function axe(where) {
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

async function keyed(method, urlPath, token, body) {
  const r = await fetch(`${base}/api/v1${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${urlPath}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Waits for the download a click starts; its text. */
async function downloaded(testid) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return (await readFile(await d.path(), 'utf8')).replace(/^\ufeff/, '');
}

before(async () => {
  ({ base, context } = await start());
  state.sec = await login('secretary', DEMO_PASSWORD);
  state.station = await login('station', DEMO_PASSWORD);
  const grower = (await http('GET', '/growers?per_page=1', { token: state.sec })).items[0];
  const product = await http('POST', '/products', { token: state.sec, body: { name: '阳光玫瑰', pricing: 'by_weight' } });
  state.batch = await http('POST', '/batches', {
    token: state.sec,
    body: { product_id: product.id, grower_id: grower.id, harvest_date: '2026-11-20', quantity: 250000, retail_price_fen: 1600, enterprise_price_fen: 1400 },
  });
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => { await stop(); });

test('the secretary previews a shop export, maps its SKU, commits, and ships back', async () => {
  await page.goto(`${base}/app/office#shop`);
  await loginIfAsked(page, 'secretary');
  await page.getByTestId('shop-view').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('nav-shop').getAttribute('aria-current'), 'page');
  await page.getByTestId('shop-file').setInputFiles({ name: '抖店订单.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
  await textOf(page.getByTestId('shop-file-name'), '抖店订单.csv');
  await page.getByTestId('shop-preview-submit').click();
  await textOf(page.getByTestId('shop-summary'), '共 4 行');
  assert.equal(await page.getByTestId('shop-summary').textContent(),
    '共 4 行：新增 0 行，无变化 0 行，已更新 0 行，跳过 2 行，拒绝 2 行。新增订单的货款 ¥0.00。');
  await textOf(page.getByTestId('shop-unknown-columns'), '旗帜颜色');
  await textOf(page.getByTestId('unmapped-MEIGUI-5J'), '2 行');
  await textOf(page.getByTestId('shop-row-2'), '商家编码「MEIGUI-5J」还没有对应的批次');
  assert.equal(await page.getByTestId('shop-commit').isDisabled(), true, 'nothing to commit yet');
  await allChinese('preview with an unmapped SKU');
  await axe('preview');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-shop-preview.png'), fullPage: true });

  // Map the code: 5 斤 a box. The preview runs again.
  await page.getByTestId('map-MEIGUI-5J-batch').selectOption(String(state.batch.id));
  await page.getByTestId('map-MEIGUI-5J-units').fill('5');
  await page.getByTestId('map-MEIGUI-5J-save').click();
  await textOf(page.getByTestId('shop-summary'), '新增 2 行');
  assert.equal(await page.getByTestId('shop-summary').textContent(),
    '共 4 行：新增 2 行，无变化 0 行，已更新 0 行，跳过 2 行，拒绝 0 行。新增订单的货款 ¥155.60。');
  assert.equal((await http('GET', `/batches/${state.batch.id}`, { token: state.sec })).stock_qty, 250000, 'a preview takes no stock');

  await page.getByTestId('shop-commit').click();
  await page.getByTestId('shop-committed').waitFor();
  await textOf(page.getByTestId('notice'), '导入完成');
  assert.equal((await http('GET', `/batches/${state.batch.id}`, { token: state.sec })).stock_qty, 250000 - 2 * 2 * 2500);
  const results = await downloaded('shop-results-csv');
  const lines = results.trim().split(/\r?\n/);
  assert.equal(lines.length, 5, results);
  assert.equal(lines[0], '行号,主订单编号,子订单编号,结果,原因,本系统订单号');
  assert.match(lines[1], /^2,.*,新增,,ZN\d{6}$/);
  assert.match(lines[3], /^4,.*,跳过,已关闭，从未导入，不占库存,$/);
  await allChinese('committed');

  // The orders list finds them by their channel, 抖店.
  await page.goto(`${base}/app/office#orders`);
  await page.getByTestId('orders-view').waitFor({ state: 'visible' });
  await page.getByTestId('o-channel').selectOption('douyin_shop');
  await page.getByTestId('o-find').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=order-list] tbody tr[data-testid]').length === 2);
  const listed = await page.getByTestId('order-list').locator('tbody tr[data-testid]').allInnerTexts();
  for (const r of listed) assert.match(r, /抖店/, r);
  await page.goto(`${base}/app/office#shop`);
  await page.getByTestId('shop-view').waitFor({ state: 'visible' });

  // History: the preview and the import, newest first.
  await page.getByTestId('tab-history').click();
  await page.getByTestId('shop-imports').waitFor();
  const kinds = await page.locator('[data-testid=shop-imports] tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(kinds, ['导入', '预览', '预览']);
  await allChinese('history');

  // One order ships; the ship-back file gives it out once.
  const orders = await http('GET', '/orders?channel=douyin_shop&per_page=10', { token: state.sec });
  const first = orders.items.find((o) => o.note && o.note.endsWith(String(BASE + 1n)));
  assert.ok(first, JSON.stringify(orders));
  for (const l of first.lines) {
    await keyed('POST', '/weighings', state.station, { order_line_id: l.line_id, scale_id: '1号秤', crates: [{ gross_g: l.quantity + 400, tare_g: 400 }] });
  }
  await http('POST', `/orders/${first.id}/complete-weighing`, { token: state.station });
  const parcel = await http('POST', '/parcels', { token: state.station, body: { order_ids: [first.id], weight_g: 5300, carrier: 'zhongtong' } });
  await http('POST', `/parcels/${parcel.id}/ship`, { token: state.station, body: { tracking_no: 'ZT7500000042' } });
  await page.getByTestId('tab-shipback').click();
  await page.getByTestId('ship-back-new').waitFor();
  await allChinese('ship-back');
  await axe('ship-back');
  const file = await downloaded('ship-back-new');
  assert.deepEqual(file.trim().split(/\r?\n/), ['订单号,物流公司,运单号', `${BASE + 1n},中通快递,ZT7500000042`]);
  const again = await downloaded('ship-back-new');
  assert.deepEqual(again.trim().split(/\r?\n/), ['订单号,物流公司,运单号']);
  await noHorizontalScroll(page, 'shop desk');
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(pageErrors, []);
});

test('the secretary uploads the shop’s settlement bill and records one difference as the platform’s fee', async () => {
  // The two imported orders, settled by the shop: one as the books have it, with its fees; one a
  // yuan short. A column Zhunong does not read rides along.
  const head = ['结算时间', '订单号', '子订单号', '结算金额', '下单时间', '商品总价', '运费', '店铺劵', '结算前退款金额', '平台补贴',
    '用户实付', '收入合计', '平台服务费', '佣金', '支出合计', '结算账户'];
  const settled = (n, goods, fees) => {
    const y = (f) => (f / 100).toFixed(2);
    const income = goods - 200;
    return ['2026-12-01 03:00:00', `\t${BASE + BigInt(n)}`, `\t${BASE + 1000n + BigInt(n)}`, y(income - fees), '2026-11-28 20:15:03',
      y(goods), '0.00', '2.00', '0.00', '0.00', y(income), y(income), y(-fees), '0.00', y(-fees), '聚合账户'];
  };
  const bill = `\ufeff${[head, settled(1, 7980, 139), settled(2, 7880, 0)].map((r) => r.join(',')).join('\n')}\n`;
  await page.goto(`${base}/app/office#bills`);
  await page.getByTestId('bills-view').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('nav-bills').getAttribute('aria-current'), 'page');
  await page.getByTestId('bill-file').setInputFiles({ name: '结算账单.csv', mimeType: 'text/csv', buffer: Buffer.from(bill) });
  await textOf(page.getByTestId('bill-file-name'), '结算账单.csv');
  await page.getByTestId('bill-upload').click();
  await textOf(page.getByTestId('bill-summary'), '待处理 1 笔');
  assert.equal(await page.getByTestId('bill-summary').textContent(),
    '共 2 行，货款 ¥154.60，平台费用 ¥1.39，平台补贴 ¥0.00；相符 1 笔，待处理 1 笔。');
  // The default: the fees leave the commission alone, and the bill says so.
  await textOf(page.getByTestId('bill-base'), '平台费用不冲减提成');
  await textOf(page.getByTestId('class-matched'), '¥77.80');
  await textOf(page.getByTestId('class-amount_differs'), '-¥1.00');
  await allChinese('bill');
  await axe('bill');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-bill.png'), fullPage: true });

  const rows = page.getByTestId('bill-exceptions').locator('tbody tr[data-testid]');
  assert.equal(await rows.count(), 1);
  const item = (await rows.first().getAttribute('data-testid')).replace('item-', '');
  await page.getByTestId(`record-fee-${item}`).click();
  await textOf(page.getByTestId(`resolved-${item}`), '已记为平台费用');
  await textOf(page.getByTestId('bill-summary'), '待处理 0 笔');
  const sheet = await downloaded('bill-exceptions-csv');
  const lines = sheet.trim().split(/\r?\n/);
  assert.equal(lines.length, 2, sheet);
  assert.match(lines[1], /^金额不符,3,"=""\d{19}""",,ZN\d{6},2026-12-01 03:00:00,76\.80,77\.80,-1\.00,0\.00,0\.00,已记为平台费用,$/);

  // The same file again changes nothing, and says so.
  await page.getByTestId('tab-upload').click();
  await page.getByTestId('bill-detail').waitFor({ state: 'detached' }); // the tab drew afresh
  await page.getByTestId('bill-file').setInputFiles({ name: '结算账单.csv', mimeType: 'text/csv', buffer: Buffer.from(bill) });
  await page.getByTestId('bill-upload').click();
  await textOf(page.getByTestId('bill-again'), '以前已经导入过');
  await page.getByTestId('tab-list').click();
  await page.getByTestId('bills').waitFor();
  assert.equal(await page.getByTestId('bills').locator('tbody tr[data-testid]').count(), 1);
  await allChinese('bills');
  await noHorizontalScroll(page, 'bills');
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(pageErrors, []);
});

test('the host’s board counts the shop’s cart orders of the show, and says so', async () => {
  const helper = await login('helper', DEMO_PASSWORD);
  const show = await http('POST', '/live-sessions', {
    token: helper, body: { platform: 'douyin', host: '小王', title: '阳光玫瑰抖店专场', planned_start: new Date().toISOString() },
  });
  await http('POST', `/live-sessions/${show.id}/featured`, { token: helper, body: { batch_id: state.batch.id, live_price_fen: 1500 } });
  const started = await http('POST', `/live-sessions/${show.id}/start`, { token: helper, body: {} });
  // Paid a second after the show began, in the village's time as the shop writes it.
  const paid = new Date(Math.floor(new Date(started.started_at).getTime() / 1000) * 1000 + 1000 + 8 * 3600 * 1000)
    .toISOString().replace('T', ' ').slice(0, 19);
  const line = row(9, '待发货', 1);
  line[18] = paid;
  const file = `\ufeff${[HEADER, line].map((r) => r.join(',')).join('\n')}\n`;
  const r = await fetch(`${base}/api/v1/shop/order-imports?file_name=live.csv`, {
    method: 'POST', headers: { authorization: `Bearer ${state.sec}`, 'content-type': 'text/csv' }, body: file,
  });
  const answer = await r.json();
  assert.equal(answer.totals.new, 1, JSON.stringify(answer));
  const board = await context.newPage();
  board.on('pageerror', (e) => pageErrors.push(`board: ${e}`));
  await board.goto(`${base}/app/live/${show.id}/board`);
  await loginIfAsked(board, 'helper');
  await board.getByTestId('board-view').waitFor({ state: 'visible' });
  await textOf(board.getByTestId('board-shop'), '其中抖店下单 1 单');
  assert.equal(await board.getByTestId('board-orders').textContent(), '1');
  assert.equal(await board.getByTestId('board-revenue').textContent(), '37.90');
  await board.close();
  assert.deepEqual(pageErrors, []);
});
