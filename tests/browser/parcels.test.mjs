// Headless-Chromium test of parcels and pickups, at 375 px: the livestream helper pastes a
// viewer's message, checks what the server's address reader made of it (fields it is unsure of
// marked 请核对), and places a parcel order; offers a buyer's default address; places a pickup
// order and sees its pickup code; copies the buyer's link (or shows it to copy by hand). At the
// station, three weighed parcel orders are packed and shipped with an emulated barcode scanner
// (the tracking number typed, then Enter), each time landing on the next order, and two orders
// for one recipient go as one parcel; a pickup order is handed over, a wrong code refused in
// Chinese, the right one accepted, and another order locked after too many wrong codes. axe
// finds nothing serious on the new screens. Screenshots go to artifacts/browser/.
//
// Run from the repository root: `bash tests/browser/run.sh` (or `node --test tests/browser/` once
// playwright-core is installed and Chromium is at /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, loginIfAsked, textOf, noHorizontalScroll, noStrayText,
} from './harness.mjs';

const PASTED = '张三 13800001234 安徽省亳州市利辛县张村镇红光村3组';
const VAGUE = '收货人：李四，电话 13912345678，浙江杭州西湖区文三路100号';

const require = createRequire(import.meta.url);
const findings = []; // axe's serious and critical findings on the new screens

let base;
let context;
let blocked;
let page;
const pageErrors = [];
const state = {};

/** No Latin words in what the user reads (carrier brands such as EMS aside). */
async function allChinese(p, where) {
  const text = await p.locator('body').innerText();
  const words = (text.match(/[A-Za-z]{2,}/g) || []).filter((w) => !/^(ZN|EMS|ZT|SF|YT)$/.test(w) && !/^ZN\d/.test(w));
  assert.deepEqual(words, [], `${where}: English on the page:\n${text}`);
}

/** Runs axe (the engine of a11y.test.mjs) on what the page shows now. */
async function axe(p, where) {
  const result = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

/** Weighs every line of an order over the API as the station (one crate a line), completes it. */
async function weigh(order, station) {
  for (const l of order.lines) {
    await fetch(`${base}/api/v1/weighings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${station}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ order_line_id: l.line_id, scale_id: '1号秤', crates: [{ gross_g: l.quantity + 400, tare_g: 400 }] }),
    }).then(async (r) => assert.ok(r.ok, `weighing: ${r.status} ${await r.text()}`));
  }
  return http('POST', `/orders/${order.id}/complete-weighing`, { token: station });
}

/** The helper's orders in the test's show, newest first. */
async function showOrders() {
  const r = await http('GET', `/orders?live_session_id=${state.live.id}&per_page=50`, { token: state.sec });
  return r.items.sort((a, b) => b.id - a.id);
}

before(async () => {
  // Two wrong pickup codes in a row lock an order (the default is 5).
  ({ base, context, blocked } = await start({ ZHUNONG_PICKUP_MAX_FAILURES: '2' }));
  const sec = await login('secretary', DEMO_PASSWORD);
  const station = await login('station', DEMO_PASSWORD);
  // The village's pickup point, and a show selling grapes (batch 2, ¥15/斤).
  const point = await http('POST', '/pickup-points', {
    token: sec, body: { name: '红光村小卖部', address: '利辛县张村镇红光村', hours: '每天 8:00–18:00' },
  });
  const created = await http('POST', '/live-sessions', {
    token: sec, body: { platform: 'douyin', host: '第一书记', title: '葡萄快递直播', planned_start: new Date().toISOString() },
  });
  await http('POST', `/live-sessions/${created.id}/featured`, { token: sec, body: { batch_id: 2, live_price_fen: 1500 } });
  const live = await http('POST', `/live-sessions/${created.id}/start`, { token: sec });
  // 张先生 (buyer 4, 13800000002) has a default address in his book.
  const zhang = await http('GET', '/buyers/by-phone/13800000002', { token: sec });
  await http('POST', `/buyers/${zhang.id}/addresses?default=true`, {
    token: sec,
    body: { name: '张先生', phone: '13800000002', province: '江苏省', city: '南京市', district: '鼓楼区', street: '', detail: '中山路 100 号' },
  });
  Object.assign(state, { sec, station, point, live, zhang });

  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => d.accept());
});

after(stop);

test('the helper pastes a message, checks the marked fields and places a parcel order for a new buyer', async () => {
  await page.goto(`${base}/app/live`);
  await loginIfAsked(page, 'helper');
  await page.getByTestId('sell-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('session-title'), '葡萄快递直播');
  await page.getByTestId('batch-2').click();
  // A livestream order goes by parcel unless the helper says otherwise.
  assert.ok(await page.getByTestId('fulfilment-parcel').isChecked(), '快递 is the default');
  assert.ok(await page.getByTestId('parcel-box').isVisible());

  // A message the reader is unsure of: the fields it guessed are marked for checking.
  await page.getByTestId('paste-text').fill(VAGUE);
  await page.getByTestId('paste-parse').click();
  await page.waitForFunction(() => document.getElementById('r-name').value === '李四');
  assert.equal(await page.getByTestId('r-province').inputValue(), '浙江省');
  assert.equal(await page.getByTestId('r-city').inputValue(), '杭州市');
  assert.equal(await page.getByTestId('r-district').inputValue(), '西湖区');
  assert.equal(await page.getByTestId('r-detail').inputValue(), '文三路100号');
  const marked = await page.locator('.rcpt-grid .f.unsure').evaluateAll((els) => els.map((e) => e.dataset.r));
  assert.deepEqual(marked.sort(), ['city', 'province', 'street']);
  for (const f of marked) assert.ok(await page.locator(`.f[data-r="${f}"] .check-tag`).isVisible(), `${f}: 请核对 shown`);
  await textOf(page.getByTestId('paste-status'), '请核对');
  // The marked field looks different: a yellow border.
  const border = await page.getByTestId('r-city').evaluate((e) => getComputedStyle(e).borderTopColor);
  assert.equal(border, 'rgb(212, 154, 0)');
  // Editing a marked field counts as checked.
  await page.getByTestId('r-street').fill('西溪街道');
  assert.ok(await page.locator('.f[data-r="street"] .check-tag').isHidden());
  assert.equal(await page.getByTestId('buyer-phone').inputValue(), '13912345678', 'the buyer’s phone is taken from the message');
  await noHorizontalScroll(page, 'recipient with marks');
  await axe(page, 'live console: recipient with marks');
  // The whole console on one tall screen (the header and the bar stay where they belong).
  await page.setViewportSize({ width: 375, height: 2000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-recipient-unsure.png') });
  await page.setViewportSize({ width: 375, height: 740 });

  // Start again with the message of the brief: every field is read, nothing to check.
  await page.getByTestId('recipient-clear').click();
  assert.equal(await page.getByTestId('r-name').inputValue(), '');
  await page.getByTestId('buyer-phone').fill('');
  await page.getByTestId('paste-text').fill(PASTED);
  await page.getByTestId('paste-parse').click();
  await page.waitForFunction(() => document.getElementById('r-name').value === '张三');
  const fields = {};
  for (const f of ['name', 'phone', 'province', 'city', 'district', 'street', 'detail']) fields[f] = await page.getByTestId(`r-${f}`).inputValue();
  assert.deepEqual(fields, {
    name: '张三', phone: '13800001234', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇', detail: '红光村3组',
  });
  assert.equal(await page.locator('.rcpt-grid .f.unsure').count(), 0, 'nothing marked');
  // The buyer's phone was empty: it is taken from the message, and the buyer is new.
  assert.equal(await page.getByTestId('buyer-phone').inputValue(), '13800001234');
  await page.waitForFunction(() => document.querySelector('[data-testid=buyer-status]').dataset.state === 'new');
  await page.getByTestId('qty').fill('4');

  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/orders') && r.method() === 'POST');
  await page.getByTestId('place').click();
  const body = JSON.parse((await posted).postData());
  assert.equal(body.fulfilment, 'parcel');
  assert.deepEqual(body.recipient, {
    name: '张三', phone: '13800001234', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇',
    detail: '红光村3组', raw_text: PASTED, unsure: [],
  });
  await textOf(page.getByTestId('bar-text'), '已下单 ZN');
  const [order] = await showOrders();
  const f = await http('GET', `/orders/${order.id}/fulfilment`, { token: state.sec });
  assert.equal(f.fulfilment, 'parcel');
  assert.deepEqual(f.recipient, {
    name: '张三', phone: '13800001234', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇',
    detail: '红光村3组', raw_text: PASTED, unsure: [],
  });
  // The new buyer is on file under the recipient's name and address; the form is ready for the next one.
  const buyer = await http('GET', '/buyers/by-phone/13800001234', { token: state.sec });
  assert.equal(buyer.name, '张三');
  assert.equal(buyer.address, '安徽省亳州市利辛县张村镇红光村3组');
  assert.equal(await page.getByTestId('r-name').inputValue(), '');
  assert.equal(await page.getByTestId('paste-text').inputValue(), '');

  // 复制买家链接: the buyer's own page, on this server.
  await page.getByTestId('bar-copy-link').waitFor({ state: 'visible' });
  await page.getByTestId('bar-copy-link').click();
  await textOf(page.getByTestId('notice'), '买家链接已复制');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${base}${f.view_path}`);
  state.parcelOrder = order;
});

test('a buyer’s default address is offered, and used as it is', async () => {
  await page.getByTestId('buyer-phone').fill('13800000002');
  await textOf(page.getByTestId('buyer-found-name'), '张先生');
  await textOf(page.getByTestId('ship-to-default'), '江苏省南京市鼓楼区中山路 100 号');
  await page.setViewportSize({ width: 375, height: 2000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-default-address.png') });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByTestId('use-default-address').click();
  assert.equal(await page.getByTestId('r-name').inputValue(), '张先生');
  assert.equal(await page.getByTestId('r-detail').inputValue(), '中山路 100 号');
  await page.getByTestId('place').click();
  await textOf(page.getByTestId('bar-text'), '张先生');
  const [order] = await showOrders();
  assert.equal(order.buyer_id, state.zhang.id);
  const f = await http('GET', `/orders/${order.id}/fulfilment`, { token: state.sec });
  assert.equal(f.recipient.district, '鼓楼区');
  assert.equal(f.recipient.detail, '中山路 100 号');
  // Where the clipboard refuses (a phone on the village's plain-http network), the link is shown to copy by hand.
  await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new Error('refused')); });
  await page.getByTestId('bar-copy-link').click();
  await page.getByTestId('link-manual').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('link-manual-text').inputValue(), `${base}${f.view_path}`);
  await textOf(page.getByTestId('link-manual'), '请长按下面的链接');
  await page.getByTestId('link-manual-close').click();
  assert.ok(await page.getByTestId('link-manual').isHidden());
});

test('a pickup order shows its pickup code at once', async () => {
  await page.getByTestId('buyer-phone').fill('13800000001');
  await textOf(page.getByTestId('buyer-found-name'), '李女士');
  await page.locator('label:has([data-testid=fulfilment-pickup])').click();
  assert.ok(await page.getByTestId('pickup-box').isVisible());
  assert.ok(await page.getByTestId('parcel-box').isHidden());
  // The demo's two pickup points and this test's: choose this one.
  await page.getByTestId('pickup-point').selectOption(String(state.point.id));
  assert.equal(await page.getByTestId('pickup-point').inputValue(), String(state.point.id));
  await textOf(page.getByTestId('pickup-info'), '利辛县张村镇红光村');
  await page.getByTestId('qty').fill('2');
  await page.getByTestId('place').click();
  const code = page.getByTestId('bar-pickup-code');
  await code.waitFor({ state: 'visible' });
  const [order] = await showOrders();
  const f = await http('GET', `/orders/${order.id}/fulfilment`, { token: state.sec });
  assert.equal(f.fulfilment, 'pickup');
  assert.equal(f.pickup_point.id, state.point.id);
  assert.match(f.pickup_code, /^\d{6,}$/);
  await textOf(code, f.pickup_code);
  // Big enough to read out to the buyer.
  const size = await code.locator('strong').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 22, `the pickup code is ${size} px`);
  // The list of this phone's orders says how each goes, and keeps the code.
  const entry = page.getByTestId('entries').getByTestId('entry').first();
  await textOf(entry.getByTestId('entry-fulfilment'), '自提：红光村小卖部');
  await textOf(entry.getByTestId('entry-pickup-code'), f.pickup_code);
  // Back to 快递 for the next buyer.
  assert.ok(await page.getByTestId('fulfilment-parcel').isChecked());
  await noHorizontalScroll(page, 'after a pickup order');
  await axe(page, 'live console: pickup code');
  await noStrayText(page, 'after a pickup order');
  await allChinese(page, 'live console');
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-pickup-code.png') });
  state.pickupOrder = order;
  state.pickupCode = f.pickup_code;
});

test('the station packs and ships three parcels with a barcode scanner, each time landing on the next', async () => {
  const { sec, station } = state;
  // Three parcel orders for three recipients, confirmed and weighed.
  const recipients = [
    { name: '王一', phone: '13900000001', province: '安徽省', city: '合肥市', district: '蜀山区', street: '', detail: '长江西路 1 号' },
    { name: '王二', phone: '13900000002', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇', detail: '红光村 2 组' },
    { name: '王三', phone: '13900000003', province: '', city: '', district: '', street: '', detail: '上海市浦东新区张江路 3 号' },
  ];
  const orders = [];
  for (const [i, recipient] of recipients.entries()) {
    const o = await http('POST', '/orders', {
      token: sec,
      body: { buyer_id: 3, channel: 'phone', fulfilment: 'parcel', recipient, lines: [{ batch_id: 1, quantity: 1000 * (i + 2) }] },
    });
    await http('POST', `/orders/${o.id}/confirm`, { token: sec });
    orders.push(await weigh(o, station));
  }
  for (const o of orders) assert.equal(o.status, 'weighed');
  const tracking = ['78912345601', 'ZT-2026-0002', '78912345603'];

  const sp = await context.newPage();
  sp.on('pageerror', (e) => pageErrors.push(`station: ${e}`));
  await page.close(); // the helper is done; the station signs in on this phone
  await sp.goto(`${base}/app/station`);
  await loginIfAsked(sp, 'station');
  await sp.getByTestId('app-view').waitFor({ state: 'visible' });
  await sp.getByTestId('tab-pack').click();
  for (const o of orders) await sp.getByTestId(`pack-${o.number}`).waitFor();
  await textOf(sp.getByTestId(`pack-name-${orders[0].number}`), '王一 13900000001');
  await textOf(sp.getByTestId(`pack-address-${orders[1].number}`), '安徽省亳州市利辛县张村镇红光村 2 组');
  // The weight offered is the net weight and a box: 2 kg of greens + 300 g.
  assert.equal(await sp.getByTestId(`weight-${orders[0].number}`).inputValue(), '2.30');
  // Oldest first (the helper's orders are not confirmed yet, so not weighed: not listed).
  const listed = await sp.locator('[data-testid=pack-list] > li').evaluateAll((els) => els.map((e) => e.dataset.testid));
  assert.deepEqual(listed, orders.map((o) => `pack-${o.number}`));
  // Scanning before choosing the carrier says so.
  await sp.getByTestId(`track-${orders[0].number}`).click();
  await sp.keyboard.type('123');
  await sp.keyboard.press('Enter');
  await textOf(sp.getByTestId('error'), '请先选择快递公司');
  await sp.getByTestId(`track-${orders[0].number}`).fill('');
  // The carrier, once: the cursor goes to the first order's tracking number.
  await sp.getByTestId('pack-carrier').selectOption('zhongtong');
  await noHorizontalScroll(sp, 'packing');
  await axe(sp, 'station: packing');
  await sp.screenshot({ path: path.join(ARTIFACTS, 'station-pack.png'), fullPage: true });

  for (const [i, o] of orders.entries()) {
    await sp.waitForFunction((id) => document.activeElement && document.activeElement.dataset.testid === id,
      `track-${o.number}`, { timeout: 10000 });
    await sp.keyboard.type(tracking[i], { delay: 5 }); // a scanner types fast, then Enter
    await sp.keyboard.press('Enter');
    await textOf(sp.getByTestId('notice'), `已发货：${o.number}`);
    await sp.getByTestId(`pack-${o.number}`).waitFor({ state: 'detached' });
  }
  await textOf(sp.getByTestId('pack-done'), tracking[2]);
  assert.equal(await sp.locator('[data-testid=pack-done] li').count(), 3);
  await allChinese(sp, 'station packing');
  await noStrayText(sp, 'station packing');
  await sp.screenshot({ path: path.join(ARTIFACTS, 'station-pack-done.png'), fullPage: true });

  for (const [i, o] of orders.entries()) {
    const again = await http('GET', `/orders/${o.id}`, { token: sec });
    assert.equal(again.status, 'shipped', `${o.number} is shipped`);
    const f = await http('GET', `/orders/${o.id}/fulfilment`, { token: sec });
    assert.equal(f.parcels.length, 1);
    assert.equal(f.parcels[0].tracking_no, tracking[i]);
    assert.equal(f.parcels[0].carrier, 'zhongtong');
    assert.equal(f.parcels[0].status, 'shipped');
    assert.equal(f.parcels[0].weight_g, (i + 2) * 1000 + 300);
  }
  // Two orders for one recipient are one parcel (合并发货), the weight offered covering both.
  const same = { name: '王四', phone: '13900000004', province: '', city: '', district: '', street: '', detail: '红光村 4 组' };
  const pair = [];
  for (const q of [1000, 1500]) {
    const o = await http('POST', '/orders', {
      token: sec, body: { buyer_id: 3, channel: 'phone', fulfilment: 'parcel', recipient: same, lines: [{ batch_id: 1, quantity: q }] },
    });
    await http('POST', `/orders/${o.id}/confirm`, { token: sec });
    pair.push(await weigh(o, station));
  }
  await sp.getByTestId('refresh-pack').click();
  const card = sp.getByTestId(`pack-${pair[0].number}`);
  await card.waitFor();
  assert.equal(await sp.getByTestId(`pack-${pair[1].number}`).count(), 0, 'one card for both');
  assert.ok(await card.getByTestId(`merge-${pair[1].number}`).isChecked());
  assert.equal(await card.getByTestId(`weight-${pair[0].number}`).inputValue(), '2.80');
  await sp.getByTestId(`track-${pair[0].number}`).focus();
  await sp.keyboard.type('78912345604');
  await sp.keyboard.press('Enter');
  await textOf(sp.getByTestId('notice'), `已发货：${pair[0].number}、${pair[1].number}`);
  const merged = await http('GET', `/orders/${pair[1].id}/fulfilment`, { token: sec });
  assert.deepEqual(merged.parcels[0].order_ids.sort(), pair.map((o) => o.id).sort());
  assert.equal(merged.parcels[0].tracking_no, '78912345604');
  assert.equal(merged.status, 'shipped');

  // The carrier is remembered on this phone.
  await sp.reload();
  await sp.getByTestId('pack-view').waitFor({ state: 'visible' });
  await sp.waitForFunction(() => document.getElementById('pack-carrier').value === 'zhongtong');
  state.sp = sp;
});

test('a pickup is handed over: a wrong code is refused in Chinese, the right one delivers; too many wrong codes lock', async () => {
  const { sec, station, sp } = state;
  await http('POST', `/orders/${state.pickupOrder.id}/confirm`, { token: sec });
  await weigh(state.pickupOrder, station);
  // A second pickup order, for the lock.
  const other = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 5, channel: 'phone', fulfilment: 'pickup', pickup_point_id: state.point.id, lines: [{ batch_id: 1, quantity: 1000 }] },
  });
  await http('POST', `/orders/${other.id}/confirm`, { token: sec });
  await weigh(other, station);

  await sp.getByTestId('tab-pickup').click();
  await sp.getByTestId(`pickup-order-${state.pickupOrder.number}`).waitFor();
  await sp.getByTestId('pickup-q').fill(state.pickupOrder.number);
  await sp.getByTestId('pickup-find').click();
  await textOf(sp.getByTestId('pickup-number'), state.pickupOrder.number);
  await textOf(sp.getByTestId('pickup-buyer'), '李女士');
  await textOf(sp.getByTestId('pickup-point-name'), '红光村小卖部');
  await textOf(sp.getByTestId('pickup-goods'), '阳光玫瑰葡萄');

  const wrong = state.pickupCode.endsWith('0') ? state.pickupCode.replace(/0$/, '1') : state.pickupCode.replace(/.$/, '0');
  await sp.getByTestId('pickup-code').fill(wrong);
  await sp.getByTestId('pickup-submit').click();
  await textOf(sp.getByTestId('error'), '提货码不对');
  assert.ok(!/[a-z]{3,}/i.test(await sp.getByTestId('error').innerText()), 'no English in the error box');
  await noHorizontalScroll(sp, 'pickup');
  await axe(sp, 'station: pickup');
  await sp.screenshot({ path: path.join(ARTIFACTS, 'station-pickup-wrong.png'), fullPage: true });
  assert.equal((await http('GET', `/orders/${state.pickupOrder.id}`, { token: sec })).status, 'weighed');

  await sp.getByTestId('pickup-code').fill(state.pickupCode);
  await sp.getByTestId('pickup-submit').click();
  await textOf(sp.getByTestId('notice'), `已交货：${state.pickupOrder.number}`);
  await textOf(sp.getByTestId('pickup-done'), '已交货');
  await textOf(sp.getByTestId('pickup-status'), '已送达');
  assert.ok(await sp.getByTestId('error').isHidden());
  const done = await http('GET', `/orders/${state.pickupOrder.id}/fulfilment`, { token: sec });
  assert.equal(done.status, 'delivered');
  assert.ok(done.picked_up_at, 'picked up');
  await sp.getByTestId(`pickup-order-${state.pickupOrder.number}`).waitFor({ state: 'detached' });

  // Looking it up again explains that it is gone.
  await sp.getByTestId('pickup-q').fill(state.pickupOrder.number);
  await sp.getByTestId('pickup-find').click();
  await textOf(sp.getByTestId('error'), '已经提走了');

  // The other order, found by its buyer's name: two wrong codes, then it is locked.
  const otherBuyer = await http('GET', `/buyers/${other.buyer_id}`, { token: sec });
  await sp.getByTestId('pickup-q').fill(otherBuyer.name);
  await sp.getByTestId('pickup-find').click();
  await textOf(sp.getByTestId('pickup-number'), other.number);
  for (let i = 0; i < 2; i += 1) {
    await sp.getByTestId('pickup-code').fill('0000000000');
    await sp.getByTestId('pickup-submit').click();
    await textOf(sp.getByTestId('error'), '提货码不对');
    await sp.getByTestId('error').locator('.close').click();
  }
  await sp.getByTestId('pickup-code').fill('0000000000');
  await sp.getByTestId('pickup-submit').click();
  await textOf(sp.getByTestId('error'), '暂时锁定');
  await allChinese(sp, 'station pickup');
  await noStrayText(sp, 'station pickup');
  await sp.screenshot({ path: path.join(ARTIFACTS, 'station-pickup-locked.png'), fullPage: true });
  assert.equal((await http('GET', `/orders/${other.id}`, { token: sec })).status, 'weighed');
});

test('no outside requests, no page errors, no serious accessibility finding', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(findings, [], `axe found:\n${findings.join('\n')}`);
});
