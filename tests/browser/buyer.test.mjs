// Headless-Chromium test of the buyer's own order page (/o/{token}, no login), on a 375 px phone:
// a parcel order set up through the API (placed, confirmed, weighed, packed, shipped, delivered)
// shows its status, the recipient masked (no full phone number anywhere on the page), the
// carrier and tracking number (copied with one tap), the net weights in 斤 and the trace links.
// The buyer files a claim (申请售后): the form checks the reason, the amount (元, two decimals)
// and the photos (at most 6, each at most 5 MB) before anything is sent; a real JPEG made here is
// uploaded, and the office's list of open cases has the claim with its reason, note and photo;
// a second photo is added later from 我的售后 (补传照片).
// The village's answer then shows in 我的售后. The server's refusals (window closed, a case
// already open, a photo too large or not a picture, too many requests) read in Chinese; once
// the window has passed the form gives way to 售后申请已截止; an order not yet delivered says
// claims open after delivery; a pickup order shows its code big. axe finds nothing serious.
// Screenshots go to artifacts/browser/buyer-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, textOf, textIs, noHorizontalScroll, noStrayText,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const RECIPIENT = {
  name: '张三', phone: '13800001234', province: '安徽省', city: '亳州市', district: '利辛县', street: '张村镇', detail: '红光村3组',
};
const NOTE = '收到时有 5 串葡萄压坏了，箱子也湿了';

let base;
let context;
let blocked;
let page;
let tmp;
const pageErrors = [];
const findings = [];
const state = {};

/** No Latin words in what the buyer reads (order numbers and the carriers' ZT… aside). */
async function allChinese(p, where) {
  const text = await p.locator('body').innerText();
  const words = (text.match(/[A-Za-z]{2,}/g) || []).filter((w) => !/^(ZN|ZT)$/.test(w));
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

async function shot(p, name) {
  await p.evaluate(() => window.scrollTo(0, 0)); // the sticky title bar where it belongs
  await p.screenshot({ path: path.join(ARTIFACTS, `buyer-${name}.png`), fullPage: true });
}

/** Weighs every line of an order over the API as the station (one crate a line), completes it. */
async function weigh(order) {
  for (const l of order.lines) {
    await fetch(`${base}/api/v1/weighings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${state.station}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ order_line_id: l.line_id, scale_id: '1号秤', crates: [{ gross_g: l.quantity + 400, tare_g: 400 }] }),
    }).then(async (r) => assert.ok(r.ok, `weighing: ${r.status} ${await r.text()}`));
  }
  return http('POST', `/orders/${order.id}/complete-weighing`, { token: state.station });
}

/**
 * A parcel order for 张三: 10 斤 of grapes and 4 斤 of greens, confirmed, weighed, its crate
 * labels printed (so the lines have trace links); then packed and shipped with `tracking`, and
 * delivered if asked. Returns the order, its fulfilment (view_path) and its parcel.
 */
async function parcelOrder(tracking, { deliver }) {
  const { sec, station } = state;
  const o = await http('POST', '/orders', {
    token: sec,
    body: { buyer_id: 3, channel: 'phone', fulfilment: 'parcel', recipient: RECIPIENT, lines: [{ batch_id: 2, quantity: 5000 }, { batch_id: 1, quantity: 2000 }] },
  });
  await http('POST', `/orders/${o.id}/confirm`, { token: sec });
  await weigh(o);
  const labels = await fetch(`${base}/api/v1/labels?order_id=${o.id}&layout=a4`, { headers: { authorization: `Bearer ${station}` } });
  assert.equal(labels.status, 200);
  const parcel = await http('POST', '/parcels', { token: station, body: { order_ids: [o.id], weight_g: 7300, carrier: 'zhongtong', tracking_no: tracking } });
  await http('POST', `/parcels/${parcel.id}/ship`, { token: station, body: {} });
  if (deliver) await http('POST', `/parcels/${parcel.id}/deliver`, { token: station });
  const f = await http('GET', `/orders/${o.id}/fulfilment`, { token: sec });
  assert.match(f.view_path, /^\/o\/[\w-]{43}$/);
  return { ...o, view: f.view_path, fulfilment: f };
}

/** A small real JPEG (a green crate with a brown spot), drawn by Chromium, as a file on disk. */
async function jpegFile() {
  const p = await context.newPage();
  const dataUrl = await p.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d');
    g.fillStyle = '#3f8c42';
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#7a4b1e';
    g.beginPath();
    g.arc(40, 22, 12, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/jpeg', 0.85);
  });
  await p.close();
  const bytes = Buffer.from(dataUrl.split(',')[1], 'base64');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  assert.ok(bytes.length < 10000, `${bytes.length} bytes`);
  const file = path.join(tmp, '坏果.jpg');
  await writeFile(file, bytes);
  return { file, bytes };
}

before(async () => {
  ({ base, context, blocked } = await start());
  tmp = await mkdtemp(path.join(os.tmpdir(), 'zhunong-buyer-'));
  state.sec = await login('secretary', DEMO_PASSWORD);
  state.station = await login('station', DEMO_PASSWORD);
  state.delivered = await parcelOrder('ZT7500000001', { deliver: true });
  state.shipped = await parcelOrder('ZT7500000002', { deliver: false });
  // A pickup order at the village's pickup point, weighed: ready to collect.
  const point = await http('POST', '/pickup-points', {
    token: state.sec, body: { name: '红光村小卖部', address: '利辛县张村镇红光村', hours: '每天 8:00–18:00' },
  });
  const pick = await http('POST', '/orders', {
    token: state.sec, body: { buyer_id: 3, channel: 'phone', fulfilment: 'pickup', pickup_point_id: point.id, lines: [{ batch_id: 2, quantity: 3000 }] },
  });
  await http('POST', `/orders/${pick.id}/confirm`, { token: state.sec });
  await weigh(pick);
  state.pickup = { ...pick, fulfilment: await http('GET', `/orders/${pick.id}/fulfilment`, { token: state.sec }) };

  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  await stop();
});

test('the buyer’s link shows the status, the masked recipient, the tracking number to copy, net weights and trace links', async () => {
  const o = state.delivered;
  const res = await page.goto(`${base}${o.view}`);
  assert.equal(res.status(), 200);
  await textIs(page.getByTestId('status'), '已签收');
  await textOf(page.getByTestId('status-hint'), '祝您吃得满意');
  await textIs(page.getByTestId('number'), o.number);
  assert.equal(await page.locator('[data-testid=steps] [aria-current=step]').innerText(), '已签收');
  await textIs(page.getByTestId('fulfilment'), '快递');
  await textIs(page.getByTestId('recipient-name'), '张*');
  await textIs(page.getByTestId('recipient-phone'), '138****1234');
  await textOf(page.getByTestId('recipient-address'), '安徽省亳州市利辛县');
  // The carrier and the tracking number, to copy with one tap.
  const parcel = page.getByTestId('parcel');
  await textOf(parcel, '中通快递');
  await textOf(parcel, '已签收');
  await textIs(parcel.getByTestId('tracking-no'), 'ZT7500000001');
  await parcel.getByTestId('copy-tracking').click();
  await textOf(page.getByTestId('toast'), '已复制运单号');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'ZT7500000001');
  // The goods by net weight in 斤, each with its trace page.
  const lines = page.getByTestId('line');
  assert.equal(await lines.count(), 2);
  await textOf(lines.nth(0), '阳光玫瑰葡萄');
  await textIs(lines.nth(0).getByTestId('line-qty'), '净重 10 斤');
  await textIs(lines.nth(1).getByTestId('line-qty'), '净重 4 斤');
  const traces = page.getByTestId('trace-link');
  assert.equal(await traces.count(), 2, 'one trace link a crate');
  const href = await traces.first().getAttribute('href');
  assert.match(href, /^\/t\/[A-Z2-7]{16}$/);
  await textIs(traces.first(), '溯源');
  const trace = await fetch(`${base}${href}`);
  assert.equal(trace.status, 200);
  assert.ok((await trace.text()).includes('阳光玫瑰葡萄'));
  // Nothing of the recipient beyond the mask: not in what is shown, not in the page's markup.
  const text = await page.locator('body').innerText();
  const html = await page.content();
  for (const secret of ['13800001234', '张三', '红光村3组', '张村镇']) {
    assert.ok(!text.includes(secret) && !html.includes(secret), `${secret} is on the page`);
  }
  assert.ok(!/1[3-9]\d{9}/.test(text), `a full phone number is on the page:\n${text}`);
  // Delivered just now: the claim form is open, with its deadline.
  await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('claim-until'), '签收后48小时内');
  assert.ok(await page.getByTestId('cases-card').isHidden(), 'no claims yet');
  await noHorizontalScroll(page, 'buyer page');
  await noStrayText(page, 'buyer page');
  await allChinese(page, 'buyer page');
  await axe(page, 'buyer page: delivered');
  await shot(page, 'delivered');
});

test('the claim form checks the reason, the amount and the photos before sending anything', async () => {
  const err = page.getByTestId('claim-error');
  await page.getByTestId('claim-submit').click();
  await textOf(err, '请先选择遇到了什么问题');
  await page.locator('label:has([data-testid=reason-short_weight])').click();
  assert.ok(await page.getByTestId('reason-short_weight').isChecked());
  for (const [typed, says] of [['12.345', '最多两位小数'], ['十二元', '最多两位小数'], ['0', '要大于 0'], ['999', '不能超过本单金额 ¥156.00']]) {
    await page.getByTestId('claim-amount').fill(typed);
    await page.getByTestId('claim-submit').click();
    await textOf(err, says);
    assert.equal(await page.getByTestId('claim-amount').getAttribute('aria-invalid'), 'true');
  }
  // A photo over 5 MB and a file that is no photo are refused as they are picked.
  const photos = page.getByTestId('claim-photos');
  await photos.setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0xff) });
  await textOf(err, '照片太大（5.1 兆），每张不能超过 5 兆');
  await photos.setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('不是照片') });
  await textOf(err, '不是常见的照片格式');
  assert.equal(await page.getByTestId('preview').count(), 0);
  // At most six: the seventh is left out, and the button to add more goes.
  const { bytes } = await jpegFile();
  await photos.setInputFiles(Array.from({ length: 7 }, (_, i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer: bytes })));
  await textOf(err, '最多只能传 6 张照片');
  assert.equal(await page.getByTestId('preview').count(), 6);
  await textOf(page.getByTestId('photos-count'), '已选 6 张');
  assert.ok(await page.getByTestId('add-photo').isHidden());
  await page.getByRole('button', { name: '删掉第 6 张照片' }).click();
  assert.equal(await page.getByTestId('preview').count(), 5);
  assert.ok(await page.getByTestId('add-photo').isVisible());
  await noHorizontalScroll(page, 'claim form with errors');
  await allChinese(page, 'claim form with errors');
  await axe(page, 'buyer page: claim form with errors');
  await shot(page, 'claim-checks');
  // Nothing reached the server.
  const cases = await http('GET', `/after-sales?order_id=${state.delivered.id}`, { token: state.sec });
  assert.deepEqual(cases, []);
});

test('the buyer files a claim with a photo; the office has it, with its reason, note and photo', async () => {
  await page.reload();
  await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  const { file, bytes } = await jpegFile();
  const sent = [];
  const watch = (r) => {
    if (r.method() === 'POST' && r.url().includes('/claims')) sent.push({ url: r.url(), type: r.headers()['content-type'], body: r.postDataBuffer() });
  };
  page.on('request', watch);
  await page.locator('label:has([data-testid=reason-bad_fruit])').click();
  await page.getByTestId('claim-amount').fill('12.5元'); // as a phone's keyboard may give it
  await page.getByTestId('claim-note').fill(NOTE);
  await page.getByTestId('claim-photos').setInputFiles(file);
  const preview = page.getByTestId('preview').locator('img');
  await preview.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=preview] img').naturalWidth === 64);
  await textOf(page.getByTestId('photos-count'), '已选 1 张，还能加 5 张');
  await axe(page, 'buyer page: claim form filled in');
  await shot(page, 'claim-filled');

  await page.getByTestId('claim-submit').click();
  const done = page.getByTestId('claim-done');
  await textOf(done, '售后申请已提交');
  await textOf(done, '已传照片 1 张');
  assert.ok(await page.getByTestId('claim-error').isHidden());
  page.off('request', watch);
  // The claim as JSON (the amount in fen), then the photo's own bytes as a JPEG.
  assert.equal(sent.length, 2);
  assert.match(sent[0].url, /\/api\/v1\/public\/orders\/[\w-]{43}\/claims$/);
  assert.deepEqual(JSON.parse(sent[0].body.toString()), { reason: 'bad_fruit', note: NOTE, claimed_fen: 1250 });
  assert.match(sent[1].url, /\/claims\/\d+\/photos$/);
  assert.equal(sent[1].type, 'image/jpeg');
  assert.ok(sent[1].body.equals(bytes), 'the file as it is');

  // 我的售后 lists it, waiting; the form gives way while it is open.
  const c = page.getByTestId('case');
  await c.waitFor();
  await textOf(c, '坏果 · 仅退款');
  await textIs(c.getByTestId('case-status'), '待处理');
  await textOf(c, '照片 1 张');
  await textOf(c.getByTestId('case-answer'), '村里正在处理');
  await textOf(page.getByTestId('claim-state'), '正在处理中');
  assert.ok(await page.getByTestId('claim-form').isHidden());

  const open = await http('GET', '/after-sales?status=open', { token: state.sec });
  const mine = open.filter((x) => x.order_id === state.delivered.id);
  assert.equal(mine.length, 1, JSON.stringify(open));
  const [k] = mine;
  assert.equal(k.reason, 'bad_fruit');
  assert.equal(k.note, NOTE);
  assert.equal(k.claimed_fen, 1250);
  assert.equal(k.kind, 'refund');
  assert.equal(k.opened_by_buyer, true);
  assert.equal(k.photo_ids.length, 1);
  const photo = await fetch(`${base}/api/v1/after-sales/${k.id}/photos/${k.photo_ids[0]}`, { headers: { authorization: `Bearer ${state.sec}` } });
  assert.equal(photo.status, 200);
  assert.equal(photo.headers.get('content-type'), 'image/jpeg');
  state.case = k;
  await noHorizontalScroll(page, 'after the claim');
  await noStrayText(page, 'after the claim');
  await allChinese(page, 'after the claim');
  await axe(page, 'buyer page: claim sent');
  await shot(page, 'claim-sent');
  // A photo added later to the open claim (补传照片), say once the network is back.
  await c.getByTestId('more-photos').setInputFiles(file);
  await textOf(page.getByTestId('toast'), '照片已传好');
  await textOf(page.getByTestId('case'), '照片 2 张');
  const again = await http('GET', `/after-sales/${k.id}`, { token: state.sec });
  assert.equal(again.photo_ids.length, 2);
});

test('the village’s answer shows in 我的售后: the decision, the money refunded and the reason', async () => {
  const o = state.delivered;
  // 张三 paid by WeChat: a refund can go back.
  const paid = await fetch(`${base}/api/v1/orders/${o.id}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${state.sec}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ amount_fen: 15600, method: 'wechat_pay' }),
  });
  assert.ok(paid.ok, `payment: ${paid.status} ${await paid.text()}`);
  await http('POST', `/after-sales/${state.case.id}/decide`, {
    token: state.sec, body: { decision: 'partly_agree', amount_fen: 800, reason: '有几串压坏了，按坏的部分退' },
  });
  await page.reload();
  const c = page.getByTestId('case');
  await c.waitFor();
  await textIs(c.getByTestId('case-status'), '已答复');
  await textOf(c.getByTestId('case-answer'), '村里的答复：部分退款，退回 ¥8.00');
  await textOf(c.getByTestId('case-answer'), '说明：有几串压坏了，按坏的部分退');
  // Answered, and still within the window: another claim may be filed.
  await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  await noStrayText(page, 'answered');
  await allChinese(page, 'answered');
  await axe(page, 'buyer page: answered');
  await shot(page, 'answered');
});

test('the server’s refusals read in Chinese', async () => {
  const api = `**/api/v1/public/orders/*/claims`;
  const problem = (status, code, extra = {}) => ({
    status,
    contentType: 'application/problem+json',
    body: JSON.stringify({ type: `urn:zhunong:problem:${code}`, title: 'x', status, code, detail: 'x', ...extra }),
  });
  const err = page.getByTestId('claim-error');
  const attempt = async () => {
    await page.locator('label:has([data-testid=reason-other])').click();
    await page.getByTestId('claim-submit').click();
  };
  // The claim itself refused.
  for (const [answer, says] of [
    [problem(409, 'claim_window_closed'), '已过售后期限'],
    [problem(409, 'case_open'), '已有处理中的售后'],
    [{ ...problem(429, 'rate_limited'), headers: { 'retry-after': '7' } }, '操作太频繁，请 7 秒后再试'],
    [problem(422, 'validation_failed', { errors: [{ field: 'note', message: 'at most 500 characters' }] }), '说明：最多 500 个字'],
  ]) {
    await page.route(api, (route) => route.fulfill(answer));
    await attempt();
    await textOf(err, says);
    assert.ok(!/[a-z]{3,}/i.test(await err.innerText()), 'no English in the error');
    await page.unroute(api);
    await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  }
  // The claim taken, its photos refused: what went wrong with each.
  const { bytes } = await jpegFile();
  await page.route(api, (route) => route.fulfill({
    status: 201, contentType: 'application/json',
    body: JSON.stringify({ id: 999999, kind: 'refund', reason: 'other', status: 'open', decision: null, decided_fen: null, decision_reason: null, created_at: new Date().toISOString(), photos: 0 }),
  }));
  const answers = [
    problem(413, 'payload_too_large'),
    problem(422, 'validation_failed', { errors: [{ field: 'photo', message: 'not a JPEG, PNG or WebP picture' }] }),
    problem(422, 'validation_failed', { errors: [{ field: 'photo', message: 'at most 6 photos per case' }] }),
  ];
  let n = 0;
  await page.route('**/claims/999999/photos', (route) => route.fulfill(answers[n++]));
  await page.getByTestId('claim-photos').setInputFiles([0, 1, 2].map((i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer: bytes })));
  await attempt();
  const done = page.getByTestId('claim-done');
  await textOf(done, '有照片没传上');
  await textOf(done, '第 1 张太大');
  await textOf(done, '第 2 张格式不对');
  await textOf(done, '第 3 张：最多 6 张照片');
  await allChinese(page, 'photos refused');
  await shot(page, 'photos-refused');
  await page.unrouteAll({ behavior: 'wait' });

  // A real one: the office opens a case on the order while the buyer's page is open.
  await page.reload();
  await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  const staff = await http('POST', '/after-sales', { token: state.sec, body: { order_id: state.delivered.id, reason: 'other', note: '买家打电话说少了一袋' } });
  await attempt();
  await textOf(err, '已有处理中的售后，请等村里答复后再申请');
  // The page reads the order again: the open case is listed and the form gives way.
  await textOf(page.getByTestId('claim-state'), '正在处理中');
  assert.ok(await page.getByTestId('claim-form').isHidden());
  assert.equal(await page.getByTestId('case').count(), 2);
  await axe(page, 'buyer page: refused');
  await shot(page, 'case-open');
  // Answered, so that the next test finds the form again.
  await http('POST', `/after-sales/${staff.id}/decide`, { token: state.sec, body: { decision: 'reject', reason: '已电话核实，货已送到' } });
});

test('past the claim window the form gives way to 售后申请已截止, also on a page left open', async () => {
  // The order as the server gives it, its window ending two seconds from now.
  await page.route('**/api/v1/public/orders/*', async (route) => {
    const res = await route.fetch();
    const o = await res.json();
    const until = Date.now() + 2000;
    o.claim_until = new Date(until).toISOString();
    o.delivered_at = new Date(until - 48 * 3600 * 1000).toISOString();
    await route.fulfill({ response: res, json: o });
  });
  await page.reload();
  await page.getByTestId('claim-form').waitFor({ state: 'visible' });
  const state_ = page.getByTestId('claim-state');
  await textIs(state_, '售后申请已截止（签收后48小时内可申请）。如有问题，请直接联系卖家。', 6000);
  assert.ok(await page.getByTestId('claim-form').isHidden());
  await page.unrouteAll({ behavior: 'wait' });
  // Opened later, the same.
  await page.route('**/api/v1/public/orders/*', async (route) => {
    const res = await route.fetch();
    const o = await res.json();
    o.delivered_at = new Date(Date.now() - 50 * 3600 * 1000).toISOString();
    o.claim_until = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
    await route.fulfill({ response: res, json: o });
  });
  await page.reload();
  await textOf(page.getByTestId('claim-state'), '售后申请已截止（签收后48小时内可申请）');
  assert.ok(await page.getByTestId('claim-form').isHidden());
  await page.getByTestId('cases-card').waitFor({ state: 'visible' }); // the answers stay
  await axe(page, 'buyer page: window closed');
  await shot(page, 'window-closed');
  await page.unrouteAll({ behavior: 'wait' });
});

test('an order on its way says claims open after delivery', async () => {
  const o = state.shipped;
  await page.goto(`${base}${o.view}`);
  await textIs(page.getByTestId('status'), '已发货');
  assert.equal(await page.locator('[data-testid=steps] [aria-current=step]').innerText(), '已发货');
  await textIs(page.getByTestId('tracking-no'), 'ZT7500000002');
  await textOf(page.getByTestId('parcel'), '已发货');
  await textOf(page.getByTestId('claim-state'), '签收后可申请售后');
  assert.ok(await page.getByTestId('claim-form').isHidden());
  assert.ok(await page.getByTestId('cases-card').isHidden());
  // A claim sent anyway (a page from before) is refused by the server, in Chinese.
  const r = await fetch(`${base}/api/v1/public${o.view.replace('/o/', '/orders/')}/claims`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'other' }),
  });
  assert.equal(r.status, 409);
  assert.equal((await r.json()).code, 'claim_window_closed');
  await noHorizontalScroll(page, 'shipped');
  await noStrayText(page, 'shipped');
  await allChinese(page, 'shipped');
  await axe(page, 'buyer page: shipped');
  await shot(page, 'shipped');
});

test('a pickup order shows its pickup code big', async () => {
  const o = state.pickup;
  await page.goto(`${base}${o.fulfilment.view_path}`);
  await textIs(page.getByTestId('status'), '可以提货了');
  const code = page.getByTestId('pickup-code');
  await textIs(code, o.fulfilment.pickup_code);
  const size = await code.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 36, `the pickup code is ${size} px`);
  await textIs(page.getByTestId('pickup-point'), '红光村小卖部');
  await textOf(page.getByTestId('pickup-hours'), '8:00');
  assert.ok(await page.getByTestId('parcels-card').isHidden());
  assert.ok(await page.getByTestId('recipient-card').isHidden());
  await textOf(page.getByTestId('claim-state'), '提货后可申请售后');
  await noHorizontalScroll(page, 'pickup');
  await noStrayText(page, 'pickup');
  await allChinese(page, 'pickup');
  await axe(page, 'buyer page: pickup');
  await shot(page, 'pickup');
});

test('a link that opens no order says so in Chinese', async () => {
  await page.goto(`${base}/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
  await textOf(page.getByTestId('error'), '没有找到这张订单');
  assert.ok(await page.getByTestId('order').isHidden());
  assert.ok(await page.getByTestId('loading').isHidden());
});

test('no outside requests, no page errors, no serious accessibility finding', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(findings, [], `axe found:\n${findings.join('\n')}`);
});
