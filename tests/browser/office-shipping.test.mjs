// Headless-Chromium tests of the office's 发货 and 售后 desks (/app/office#shipping, #aftersales),
// at desktop size (1280 px). The 发货 desk lists the weighed orders by method with their
// recipients, shows and reissues a buyer's link, downloads the waiting parcels as CSV and Excel,
// and imports a 200-row tracking file with one bad row: 199 shipped, the bad row refused with its
// Chinese reason; the same file again ships nothing (199 unchanged); a file without the needed
// columns is refused naming the headers it has. Parcels not signed for after N days are listed
// and one is marked signed for. The 售后 desk lists open cases by time left (an overdue one first,
// in red, with how long overdue), with photos that enlarge; a partial refund on a settled order
// shows its money effect before it is confirmed, and afterwards the order's paid amount, the sales
// report and the grower's account all moved by exactly that amount, to the fen; an answered case
// is closed, reopened once, and rejected only with a reason; a claim agreed in full refunds what
// was claimed, and a reship places a free order. axe finds nothing serious on the new screens.
// Screenshots go to artifacts/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, loginIfAsked, textOf, noHorizontalScroll, noStrayText,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const RECIPIENT = { name: '张三', phone: '13800001234', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇', detail: '红光村3组' };
const ADDRESS = '安徽省亳州市利辛县张村镇红光村3组';

let base;
let context;
let blocked;
let page;
let tmp;
const pageErrors = [];
const findings = [];
const state = {};

/** No Latin words in what the user reads (order numbers and courier brands aside). */
async function allChinese(p, where) {
  const text = await p.locator('main').innerText();
  const words = (text.match(/\b[A-Za-z]{2,}\b/g) || []).filter((w) => !/^(ZN|EMS|CSV|Excel|Ctrl|csv|xlsx)$/.test(w) && !/^ZN\d/.test(w));
  assert.deepEqual(words, [], `${where}: English on the page:\n${text.slice(0, 3000)}`);
}

/** Runs axe on what the page shows now (serious and critical findings only). */
async function axe(p, where) {
  const result = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

/** A raw API call with an Idempotency-Key (weighings and payments want one). */
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

/** A confirmed parcel order for RECIPIENT, weighed (one crate a line) and complete. */
async function weighedParcelOrder(quantity = 1000, batchId = 1) {
  const { sec, station } = state;
  const o = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 3, channel: 'phone', fulfilment: 'parcel', recipient: RECIPIENT, lines: [{ batch_id: batchId, quantity }] },
  });
  await http('POST', `/orders/${o.id}/confirm`, { token: sec });
  for (const l of o.lines) {
    await keyed('POST', '/weighings', station, { order_line_id: l.line_id, scale_id: '1号秤', crates: [{ gross_g: l.quantity + 400, tare_g: 400 }] });
  }
  return http('POST', `/orders/${o.id}/complete-weighing`, { token: station });
}

async function openOffice(hash) {
  await page.goto(`${base}/app/office#${hash}`);
  await loginIfAsked(page, 'secretary');
  await page.waitForFunction(() => !document.getElementById('who').hidden);
  await page.waitForFunction(() => !document.body.innerText.includes('正在加载'));
}

/** A screenshot of the page; long lists only as far as the window shows. */
async function shot(name, fullPage = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
}

before(async () => {
  ({ base, context, blocked } = await start());
  state.sec = await login('secretary', DEMO_PASSWORD);
  state.station = await login('station', DEMO_PASSWORD);
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  tmp = await mkdtemp(path.join(os.tmpdir(), 'zhunong-shipping-'));
});

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  await stop();
});

test('the 发货 desk lists the weighed orders by method, with the recipient and the buyer’s link', async () => {
  const { sec } = state;
  // 199 weighed parcel orders, set up over the API ten at a time.
  const orders = [];
  for (let i = 0; i < 199; i += 10) {
    orders.push(...await Promise.all(Array.from({ length: Math.min(10, 199 - i) }, () => weighedParcelOrder())));
  }
  for (const o of orders) assert.equal(o.status, 'weighed');
  state.orders = orders.sort((a, b) => a.id - b.id);
  const waiting = {};
  for (const m of ['parcel', 'pickup', 'load']) waiting[m] = (await http('GET', `/orders?status=weighed&fulfilment=${m}&per_page=1`, { token: sec })).total;
  assert.ok(waiting.parcel >= 199);

  await openOffice('shipping');
  await page.getByTestId('shipping-view').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('nav-shipping').getAttribute('aria-current'), 'page');
  for (const m of ['parcel', 'pickup', 'load']) await textOf(page.getByTestId(`ship-count-${m}`), String(waiting[m]));
  await textOf(page.getByTestId('ship-count-all'), String(waiting.parcel + waiting.pickup + waiting.load));
  // 全部: grouped by method.
  await textOf(page.getByTestId('ship-group-parcel'), `快递（${waiting.parcel} 单）`);
  await shot('office-shipping-waiting-all.png', false);

  // The ten newest of each method; the rest a tap away.
  assert.equal(await page.locator('[data-testid=ship-list] tbody tr[data-testid^=ship-order-]').count(),
    Math.min(10, waiting.parcel) + Math.min(10, waiting.pickup) + Math.min(10, waiting.load));
  // 快递 only, 50 a page: each row names the recipient and the whole address.
  await page.getByTestId('ship-more-parcel').click();
  await page.locator('[data-testid=ship-method-parcel][aria-selected=true]').waitFor();
  await textOf(page.getByTestId('ship-pages'), `共 ${waiting.parcel} 单，第 1 / ${Math.ceil(waiting.parcel / 50)} 页`);
  const first = state.orders[state.orders.length - 1]; // newest first
  const row = page.getByTestId(`ship-order-${first.id}`);
  await row.waitFor();
  await textOf(page.getByTestId(`ship-name-${first.id}`), '张三');
  await textOf(page.getByTestId(`ship-where-${first.id}`), ADDRESS);
  await textOf(row, '13800001234');
  await textOf(row, '快递');
  assert.equal(await page.locator('[data-testid=ship-list] tbody tr[data-testid^=ship-order-]').count(), 50);
  await page.getByTestId('ship-next').click();
  await textOf(page.getByTestId('ship-pages'), '第 2 /');

  // The buyer's link: shown whole, and reissued (the old one stops opening).
  await page.getByTestId('ship-prev').click();
  await page.getByTestId(`link-${first.id}`).click();
  const f = await http('GET', `/orders/${first.id}/fulfilment`, { token: sec });
  assert.equal(await page.getByTestId(`link-text-${first.id}`).inputValue(), `${base}${f.view_path}`);
  await page.getByTestId(`link-copy-${first.id}`).click();
  await textOf(page.getByTestId('notice'), '买家链接已复制');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${base}${f.view_path}`);
  await page.getByTestId(`link-renew-${first.id}`).click();
  await textOf(page.getByTestId(`link-note-${first.id}`), '旧链接已失效');
  const g = await http('GET', `/orders/${first.id}/fulfilment`, { token: sec });
  assert.notEqual(g.view_path, f.view_path);
  assert.equal(await page.getByTestId(`link-text-${first.id}`).inputValue(), `${base}${g.view_path}`);
  assert.equal((await fetch(`${base}/api/v1/public/orders/${f.view_path.slice(3)}`)).status, 404, 'the old link no longer opens');

  await noHorizontalScroll(page, 'shipping: waiting');
  await noStrayText(page, 'shipping: waiting');
  await allChinese(page, 'shipping: waiting');
  await axe(page, 'shipping: waiting');
  await shot('office-shipping-waiting-parcel.png', false);
});

test('the waiting parcels download as CSV and as Excel for the courier’s printing tool', async () => {
  await openOffice('shipping?tab=import');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('waiting-csv').click()]);
  assert.match(csv.suggestedFilename(), /^待发货_\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await readFile(await csv.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /^订单号,收件人,收件人手机/);
  for (const o of state.orders) assert.ok(text.includes(`${o.number},张三,13800001234`), `${o.number} in the file`);
  assert.ok(text.includes(ADDRESS));
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('waiting-xlsx').click()]);
  assert.match(xlsx.suggestedFilename(), /^待发货_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const book = await readFile(await xlsx.path());
  assert.equal(book.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX (zip) file');
});

test('the secretary imports a 200-row tracking file with one bad row, then the same file again', async () => {
  const { sec } = state;
  // 订单号,物流公司,运单号: the 199 orders, and one unknown order number in the middle (file line 102).
  const rows = state.orders.map((o, i) => `${o.number},中通快递,7891${String(i + 1).padStart(8, '0')}`);
  rows.splice(100, 0, 'ZN999999,中通快递,789199999999');
  assert.equal(rows.length, 200);
  const file = path.join(tmp, '运单号回填.csv');
  await writeFile(file, `\uFEFF订单号,物流公司,运单号\r\n${rows.join('\r\n')}\r\n`);

  await openOffice('shipping?tab=import');
  // Nothing chosen yet: the page says so.
  await page.getByTestId('import-submit').click();
  await textOf(page.getByTestId('error'), '请先选择要导入的表格文件');
  await page.getByTestId('import-file').setInputFiles(file);
  await textOf(page.getByTestId('import-file-name'), '运单号回填.csv');
  const started = Date.now();
  await page.getByTestId('import-submit').click();
  await textOf(page.getByTestId('import-summary'), '共 200 行：已发货 199 行，无变化 0 行，未导入 1 行。', 60000);
  const took = Date.now() - started;
  await textOf(page.getByTestId('import-applied'), '199');
  await textOf(page.getByTestId('import-refused'), '1');
  // Every row is listed; the bad one says why, in Chinese.
  assert.equal(await page.locator('[data-testid=import-rows] tbody tr').count(), 200);
  const bad = page.getByTestId('import-row-102');
  await textOf(bad, 'ZN999999');
  await textOf(bad, '未导入');
  await textOf(bad, '没有这个订单号');
  await textOf(page.getByTestId('import-row-2'), '已发货');
  await textOf(page.getByTestId('import-row-2'), state.orders[0].number);
  // Only the refused rows, on a tick.
  await page.getByTestId('import-only-refused').check();
  assert.equal(await page.locator('[data-testid=import-rows] tbody tr').count(), 1);
  await noHorizontalScroll(page, 'shipping: import');
  await noStrayText(page, 'shipping: import');
  await allChinese(page, 'shipping: import');
  await axe(page, 'shipping: import');
  await shot('office-shipping-import.png');
  await page.getByTestId('import-only-refused').uncheck();

  // Shipped, each with its number.
  for (const [i, o] of state.orders.entries()) {
    if (i % 40 !== 0 && i !== 198) continue;
    const f = await http('GET', `/orders/${o.id}/fulfilment`, { token: sec });
    assert.equal(f.status, 'shipped', o.number);
    assert.equal(f.parcels[0].tracking_no, `7891${String(i + 1).padStart(8, '0')}`);
    assert.equal(f.parcels[0].carrier, 'zhongtong');
  }
  const shipped = await http('GET', '/orders?status=shipped&fulfilment=parcel&per_page=1', { token: sec });
  assert.ok(shipped.total >= 199);

  // The same file again: nothing shipped twice.
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-submit').click();
  await textOf(page.getByTestId('import-summary'), '共 200 行：已发货 0 行，无变化 199 行，未导入 1 行。', 60000);
  await textOf(page.getByTestId('import-applied'), '0');
  await textOf(page.getByTestId('import-unchanged'), '199');
  await textOf(page.getByTestId('import-row-2'), '无变化');
  await textOf(page.getByTestId('import-row-102'), '没有这个订单号');
  await shot('office-shipping-import-again.png', false);
  const f = await http('GET', `/orders/${state.orders[0].id}/fulfilment`, { token: sec });
  assert.equal(f.parcels.length, 1, 'still one parcel');
  // The waiting list no longer has them.
  await page.getByTestId('tab-waiting').click();
  await page.getByTestId('ship-list').waitFor();
  assert.equal(await page.getByTestId(`ship-order-${state.orders[0].id}`).count(), 0);
  console.log(`# 200-row import answered in ${took} ms`);
});

test('a file without the order and tracking columns is refused, naming the headers it has', async () => {
  const file = path.join(tmp, '错的表格.csv');
  await writeFile(file, '姓名,电话\r\n张三,13800001234\r\n');
  await openOffice('shipping?tab=import');
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-submit').click();
  const msg = await textOf(page.getByTestId('error'), '找不到“订单号”和“运单号”');
  assert.ok(msg.includes('姓名、电话'), msg);
  assert.ok(!/[A-Za-z]{3,}/.test(msg), `no English: ${msg}`);
  await shot('office-shipping-import-bad-header.png');
});

test('parcels not signed for after N days are listed, and one is marked signed for', async () => {
  const { sec } = state;
  await openOffice('shipping?tab=chase');
  assert.equal(await page.getByTestId('chase-days').inputValue(), '7');
  await textOf(page.getByTestId('chase-summary'), '发货 7 天以上还没有签收的包裹');
  const week = await http('GET', '/parcels?status=shipped&shipped_days_ago=7', { token: sec });
  assert.equal(await page.locator('[data-testid=chase-list] tbody tr[data-testid^=chase-]').count(), week.length,
    'the parcels the API lists, and only ours shipped today are not among them');
  await page.getByTestId('chase-days').fill('0');
  await page.getByTestId('chase-find').click();
  await textOf(page.getByTestId('chase-summary'), '发货 0 天以上还没有签收的包裹');
  const o = state.orders[1];
  const parcel = (await http('GET', `/orders/${o.id}/fulfilment`, { token: sec })).parcels[0];
  const row = page.getByTestId(`chase-${parcel.id}`);
  await textOf(row, o.number);
  await textOf(row, '张三');
  await textOf(row, '中通快递');
  await textOf(row, parcel.tracking_no);
  await textOf(row, '0 天');
  await noHorizontalScroll(page, 'shipping: chase');
  await noStrayText(page, 'shipping: chase');
  await allChinese(page, 'shipping: chase');
  await axe(page, 'shipping: chase');
  await shot('office-shipping-chase.png', false);
  await page.getByTestId(`deliver-${parcel.id}`).click();
  await textOf(page.getByTestId('notice'), `已标记签收：${o.number}`);
  await row.waitFor({ state: 'detached' });
  const f = await http('GET', `/orders/${o.id}/fulfilment`, { token: sec });
  assert.equal(f.parcels[0].status, 'delivered');
  assert.equal(f.status, 'delivered');
});

/** The sales report (by settlement date, one grower) and the grower's account around today. */
async function figures(growerId) {
  const day = (d) => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
  const q = `from=${day(-1)}&to=${day(1)}`;
  const report = await http('GET', `/reports/sales?${q}&basis=settled&grower_id=${growerId}`, { token: state.sec });
  const account = await http('GET', `/growers/${growerId}/account?${q}`, { token: state.sec });
  return { report: report.totals.metrics, account: account.totals };
}

test('the secretary agrees a partial refund on a settled order: the money effect first, then every figure moves by exactly that', async () => {
  const { sec, station } = state;
  // A parcel order delivered and paid in full (so settled): 5 kg of 上海青 = 10 斤 at ¥1.50.
  const o = await weighedParcelOrder(5000, 1);
  const due = o.final_total_fen;
  assert.equal(due, 1500);
  const parcel = await http('POST', '/parcels', { token: station, body: { order_ids: [o.id], weight_g: 5300, carrier: 'zhongtong', tracking_no: `ZT${o.id}RF` } });
  await http('POST', `/parcels/${parcel.id}/ship`, { token: station, body: {} });
  await http('POST', `/parcels/${parcel.id}/deliver`, { token: station });
  const receipt = await keyed('POST', `/orders/${o.id}/payments`, sec, { amount_fen: due, method: 'wechat_pay' });
  assert.equal(receipt.settled, true);
  assert.equal((await http('GET', `/orders/${o.id}`, { token: sec })).status, 'settled');
  // The buyer's claim, with a photo.
  const c = await http('POST', '/after-sales', {
    token: sec, body: { order_id: o.id, kind: 'refund', reason: 'bad_fruit', note: '收到时有几棵烂了', claimed_fen: 800 },
  });
  await openOffice('dashboard');
  const png = await page.evaluate(() => {
    const cv = document.createElement('canvas');
    cv.width = 320; cv.height = 240;
    const g = cv.getContext('2d');
    g.fillStyle = '#7cb342'; g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#5d4037'; g.beginPath(); g.arc(160, 120, 70, 0, Math.PI * 2); g.fill();
    return cv.toDataURL('image/png').split(',')[1];
  });
  const up = await fetch(`${base}/api/v1/after-sales/${c.id}/photos`, {
    method: 'POST', headers: { authorization: `Bearer ${sec}`, 'content-type': 'image/png' }, body: Buffer.from(png, 'base64'),
  });
  assert.equal(up.status, 201, await up.text());
  // Another open case, on an unpaid order, which the page is told is 3 hours overdue.
  const other = await weighedParcelOrder(1000, 1);
  const late = await http('POST', '/after-sales', { token: sec, body: { order_id: other.id, kind: 'reship', reason: 'not_received', note: '快递一直没到' } });
  const openCases = (u) => u.pathname === '/api/v1/after-sales' && u.searchParams.get('status') === 'open';
  await page.route(openCases, async (route) => {
    const r = await route.fetch();
    const list = await r.json();
    for (const x of list) if (x.id === late.id) Object.assign(x, { overdue: true, seconds_left: -(3 * 3600 + 600) });
    await route.fulfill({ response: r, json: list });
  });

  const before = await figures(1);
  await openOffice('aftersales');
  const card = page.getByTestId(`case-${c.id}`);
  await card.waitFor();
  // Least time left first: the overdue one on top, in red, saying for how long.
  const order = await page.locator('#cases > article').evaluateAll((els) => els.map((e) => e.dataset.testid));
  assert.ok(order.indexOf(`case-${late.id}`) >= 0 && order.indexOf(`case-${late.id}`) < order.indexOf(`case-${c.id}`), order.join());
  const lefts = await page.locator('#cases > article [data-testid^=case-left-]').evaluateAll((els) => els.map((e) => e.textContent));
  const secondsOf = (t) => (t.startsWith('已超时') ? -1 : 1) * parseInt(t.replace(/\D+/g, ''), 10) * (t.includes('小时') ? 60 : 1);
  for (let i = 1; i < lefts.length; i += 1) assert.ok(secondsOf(lefts[i - 1]) <= secondsOf(lefts[i]), `least time left first: ${lefts.join('，')}`);
  await textOf(page.getByTestId(`case-left-${late.id}`), '已超时 3 小时');
  assert.ok(await page.getByTestId(`case-${late.id}`).evaluate((e) => e.classList.contains('late')));
  const red = await page.getByTestId(`case-left-${late.id}`).evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(red, 'rgb(179, 38, 30)');
  assert.match(await page.getByTestId('cases-summary').innerText(), /其中 \d+ 单已超时，请先处理/);
  // An unpaid order: no refund, only 拒绝 or 补寄.
  assert.ok(await page.getByTestId(`decide-partly-${late.id}`).isDisabled());
  assert.match(await page.getByTestId(`case-left-${c.id}`).innerText(), /^剩余 4[78] 小时$/);
  await textOf(page.getByTestId(`case-order-${c.id}`), o.number);
  await textOf(card, '仅退款');
  await textOf(card, '坏果');
  await textOf(page.getByTestId(`case-note-${c.id}`), '收到时有几棵烂了');
  await textOf(page.getByTestId(`case-claimed-${c.id}`), '申请退款 8.00 元');
  await textOf(page.getByTestId(`case-paid-${c.id}`), '15.00 元');
  // The photo: a thumbnail, larger on a tap.
  const thumb = page.locator(`[data-testid^=case-thumb-${c.id}-]`);
  await page.waitForFunction((id) => {
    const img = document.querySelector(`[data-testid^=case-thumb-${id}-]`);
    return img && img.complete && img.naturalWidth > 0;
  }, c.id);
  assert.equal(await thumb.count(), 1);
  await noHorizontalScroll(page, 'after-sales: open');
  await noStrayText(page, 'after-sales: open');
  await allChinese(page, 'after-sales: open');
  await axe(page, 'after-sales: open');
  await shot('office-aftersales-open.png');
  await page.locator(`[data-testid^=case-photo-${c.id}-]`).click();
  await page.getByTestId('photo-viewer').waitFor({ state: 'visible' });
  assert.ok(await page.getByTestId('photo-big').evaluate((img) => img.naturalWidth === 320));
  await axe(page, 'after-sales: photo');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-aftersales-photo.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('photo-viewer').waitFor({ state: 'hidden' });

  // 部分退款: the amount, and what the order will have been paid after it, before confirming.
  await page.getByTestId(`decide-partly-${c.id}`).click();
  await textOf(page.getByTestId(`decide-effect-${c.id}`), '请填写退款金额');
  // The whole claim is not a partial refund.
  await page.getByTestId(`decide-amount-${c.id}`).fill('8');
  await page.getByTestId(`decide-confirm-${c.id}`).click();
  await textOf(page.getByTestId('error'), '部分退款要少于申请的 8.00 元');
  await page.getByTestId(`decide-amount-${c.id}`).fill('5.55');
  await textOf(page.getByTestId(`decide-effect-${c.id}`), '已收 15.00 元 → 退款后 9.45 元');
  await page.getByTestId(`decide-reason-${c.id}`).fill('按坏果的重量退款');
  await allChinese(page, 'after-sales: partial refund');
  await axe(page, 'after-sales: partial refund');
  await card.screenshot({ path: path.join(ARTIFACTS, 'office-aftersales-partly.png') });
  assert.equal((await http('GET', `/orders/${o.id}`, { token: sec })).paid_fen, due, 'nothing refunded before confirming');
  await page.getByTestId(`decide-confirm-${c.id}`).click();
  await textOf(page.getByTestId('notice'), `已部分退款 5.55 元：${o.number} 已收款变为 9.45 元`);
  await card.waitFor({ state: 'detached' });

  // Through the API: the order's paid amount, the sales report and the grower's account, to the fen.
  const refunded = await http('GET', `/orders/${o.id}`, { token: sec });
  assert.equal(refunded.paid_fen, due - 555);
  assert.equal(refunded.status, 'settled');
  const answered = await http('GET', `/after-sales/${c.id}`, { token: sec });
  assert.equal(answered.status, 'answered');
  assert.equal(answered.decision, 'partly_agreed');
  assert.equal(answered.decided_fen, 555);
  assert.equal(answered.decision_reason, '按坏果的重量退款');
  const after = await figures(1);
  assert.equal(after.report.refunds_fen - before.report.refunds_fen, 555, 'the report counts the refund');
  assert.equal(before.report.net_sales_fen - after.report.net_sales_fen, 555, 'net sales drop by the refund');
  assert.equal(after.report.final_amount_fen, before.report.final_amount_fen, 'the weighed amount stays');
  assert.equal(before.account.sales_fen - after.account.sales_fen, 555, 'the grower’s settled sales drop by the refund');
  assert.equal(after.account.payable_fen, after.account.sales_fen - after.account.commission_fen);

  // 已答复: closed, then reopened (once only).
  await page.getByTestId('cases-tab-answered').click();
  await textOf(page.getByTestId(`case-answer-${c.id}`), '答复：部分退款 5.55 元');
  await textOf(page.getByTestId(`case-answer-${c.id}`), '按坏果的重量退款');
  await noStrayText(page, 'after-sales: answered');
  await allChinese(page, 'after-sales: answered');
  await axe(page, 'after-sales: answered');
  await shot('office-aftersales-answered.png');
  await page.getByTestId(`case-close-${c.id}`).click();
  await textOf(page.getByTestId('notice'), '已关闭');
  await page.getByTestId('cases-tab-closed').click();
  await page.getByTestId(`case-${c.id}`).waitFor();
  await page.getByTestId(`case-reopen-${c.id}`).click();
  await textOf(page.getByTestId('notice'), '已重新打开');
  assert.equal((await http('GET', `/after-sales/${c.id}`, { token: sec })).status, 'open');
  await page.getByTestId('cases-tab-open').click();
  await textOf(page.getByTestId(`case-${c.id}`), '已重新打开');
  // Rejected: only with a reason the buyer reads.
  await page.getByTestId(`decide-reject-${c.id}`).click();
  await page.getByTestId(`decide-confirm-${c.id}`).click();
  await textOf(page.getByTestId('error'), '请填写拒绝原因');
  assert.equal((await http('GET', `/after-sales/${c.id}`, { token: sec })).status, 'open');
  await page.getByTestId(`decide-reason-${c.id}`).fill('已按坏果部分退款，其余的货是好的');
  await page.getByTestId(`decide-confirm-${c.id}`).click();
  await textOf(page.getByTestId('notice'), '已拒绝');
  await page.getByTestId('cases-tab-answered').click();
  await textOf(page.getByTestId(`case-answer-${c.id}`), '答复：已拒绝');
  await textOf(page.getByTestId(`case-${c.id}`), '已经重新打开过一次，不能再打开');
  assert.equal(await page.getByTestId(`case-reopen-${c.id}`).count(), 0);
  assert.equal((await http('GET', `/orders/${o.id}`, { token: sec })).paid_fen, due - 555, 'a rejection refunds nothing');
  await page.unroute(openCases);
});

test('a claim agreed in full refunds what was claimed; a reship places a free order', async () => {
  const { sec, station } = state;
  const o = await weighedParcelOrder(4000, 1); // 8 斤 at ¥1.50 = ¥12.00
  const parcel = await http('POST', '/parcels', { token: station, body: { order_ids: [o.id], weight_g: 4300, carrier: 'yunda', tracking_no: `YD${o.id}AG` } });
  await http('POST', `/parcels/${parcel.id}/ship`, { token: station, body: {} });
  await http('POST', `/parcels/${parcel.id}/deliver`, { token: station });
  await keyed('POST', `/orders/${o.id}/payments`, sec, { amount_fen: o.final_total_fen, method: 'cash' });
  const c = await http('POST', '/after-sales', { token: sec, body: { order_id: o.id, reason: 'short_weight', note: '少了半斤', claimed_fen: 75, claimed_g: 250 } });
  const other = await weighedParcelOrder(1000, 1);
  const r = await http('POST', '/after-sales', { token: sec, body: { order_id: other.id, kind: 'reship', reason: 'wrong_item', note: '发成了别的菜' } });

  await openOffice('aftersales?status=open');
  await textOf(page.getByTestId(`case-claimed-${c.id}`), '申请退款 0.75 元，涉及 0.5 斤');
  await page.getByTestId(`decide-agree-${c.id}`).click();
  await textOf(page.getByTestId(`decide-effect-${c.id}`), '已收 12.00 元 → 退款后 11.25 元');
  await page.getByTestId(`decide-confirm-${c.id}`).click();
  await textOf(page.getByTestId('notice'), `已同意退款 0.75 元：${o.number} 已收款变为 11.25 元`);
  assert.equal((await http('GET', `/orders/${o.id}`, { token: sec })).paid_fen, o.final_total_fen - 75);

  await page.getByTestId(`decide-reship-${r.id}`).click();
  await page.getByTestId(`decide-confirm-${r.id}`).click();
  await textOf(page.getByTestId('notice'), '已补寄');
  const done = await http('GET', `/after-sales/${r.id}`, { token: sec });
  assert.equal(done.decision, 'reshipped');
  assert.ok(done.reship_order_id, 'a new order');
  await page.getByTestId('cases-tab-answered').click();
  await textOf(page.getByTestId(`case-answer-${r.id}`), `补寄订单：ZN${String(done.reship_order_id).padStart(6, '0')}`);
  await textOf(page.getByTestId(`case-answer-${c.id}`), '答复：同意退款 0.75 元');
  await noStrayText(page, 'after-sales: answered');
  await allChinese(page, 'after-sales: answered');
});

test('no outside requests, no page errors, no serious accessibility finding', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(findings, [], `axe found:\n${findings.join('\n')}`);
});
