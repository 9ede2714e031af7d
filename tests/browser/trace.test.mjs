// Headless-Chromium tests of traceability: the station prints an order's labels (A4 sheet and
// 60 × 40 mm thermal), each with a QR code; the public trace page a scan opens fits a phone,
// reads in Chinese and carries nothing of the buyer; the office sees the scans.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { DEMO_PASSWORD, ROOT, start, stop, http, login, textOf, noHorizontalScroll, loginIfAsked } from './harness.mjs';

let base;
let context;
let page;
let order;
const SHOTS = path.join(ROOT, 'target', 'screenshots');

before(async () => {
  ({ base, context } = await start());
  page = await context.newPage();
  await mkdir(SHOTS, { recursive: true });
  const sec = await login('secretary', DEMO_PASSWORD);
  const station = await login('station', DEMO_PASSWORD);
  // 李女士 orders 10 jin of the story's grapes; the station weighs two crates.
  const buyers = await http('GET', '/buyers/by-phone/13800000001', { token: sec });
  order = await http('POST', '/orders', { token: sec, body: { buyer_id: buyers.id, channel: 'phone', lines: [{ batch_id: 2, quantity: 5000 }] } });
  await http('POST', `/orders/${order.id}/confirm`, { token: sec, body: {} });
  const line = order.lines[0].line_id;
  await http('POST', '/weighings', { token: station, body: { order_line_id: line, scale_id: 'scale-1', crates: [{ gross_g: 2800, tare_g: 300 }, { gross_g: 2750, tare_g: 300 }] } });
  await http('POST', `/order-lines/${line}/complete-weighing`, { token: station, body: {} });
});

after(async () => { await stop(); });

/** Opens the station, finds the order, clicks a label button; returns the label page. */
async function labelsFromStation(layout) {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${base}/app/station`);
  await loginIfAsked(page, 'station');
  await page.getByTestId('app-view').waitFor({ state: 'visible' });
  await page.getByTestId('order-number').fill(order.number);
  await page.getByTestId('find-order').click();
  await textOf(page.getByTestId('sheet-number'), order.number);
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId(`labels-${layout}`).first().click()]);
  await popup.waitForLoadState();
  await popup.locator('.label').first().waitFor();
  return popup;
}

test('the station prints an order’s crate labels on an A4 sheet, each with its QR code', async () => {
  const labels = await labelsFromStation('a4');
  assert.equal(await labels.locator('.label').count(), 2, 'one per crate');
  const text = await labels.locator('.label').first().innerText();
  for (const fact of ['阳光玫瑰葡萄', '君宇家庭农场', '红光村', '采收 2026-09-01', '净重 5.00 斤', order.number]) {
    assert.ok(text.includes(fact), `${fact} in ${text}`);
  }
  // The label's style sheet is applied: two labels side by side, 100 mm apart.
  const boxes = await labels.locator('.label').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().x));
  assert.ok(Math.abs(boxes[1] - boxes[0] - 378) < 4, `100 mm ≈ 378 px apart: ${boxes}`);
  assert.ok(await labels.locator('.label svg.qr path').count() === 2);
  assert.equal(await labels.locator('.label .hint', { hasText: '扫码溯源' }).count(), 2, 'each label says what the code is for');
  // Opened on 127.0.0.1 with no public address set: the page says phones will not reach it, and how to fix it.
  const warning = await labels.getByTestId('unreachable').innerText();
  assert.match(warning, /买家的手机扫这些二维码打不开/);
  assert.match(warning, /ZHUNONG_PUBLIC_BASE_URL/);
  await labels.emulateMedia({ media: 'print' });
  assert.ok(await labels.getByTestId('unreachable').isHidden(), 'the warning is not printed');
  await labels.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  await labels.screenshot({ path: path.join(SHOTS, 'labels-a4.png'), fullPage: true });
  await labels.pdf({ path: path.join(SHOTS, 'labels-a4.pdf'), preferCSSPageSize: true });
  await labels.close();
});

test('the thermal layout puts one 60 × 40 mm label on each page', async () => {
  const labels = await labelsFromStation('thermal');
  const size = await labels.locator('.label').first().evaluate((l) => {
    const r = l.getBoundingClientRect();
    return [Math.round(r.width), Math.round(r.height)];
  });
  assert.deepEqual(size, [227, 151], '60 × 40 mm at 96 dpi');
  await labels.setViewportSize({ width: 227, height: 151 });
  await labels.emulateMedia({ media: 'print' });
  await labels.locator('.label').first().screenshot({ path: path.join(SHOTS, 'label-thermal-60x40.png') });
  await labels.pdf({ path: path.join(SHOTS, 'labels-thermal.pdf'), preferCSSPageSize: true });
  await labels.close();
});

test('a scan opens a phone-sized Chinese page with the crate’s origin and no buyer', async () => {
  const a4 = await labelsFromStation('a4');
  const code = await a4.locator('.label').first().getAttribute('data-code');
  await a4.close();
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 375, height: 740 });
  const res = await phone.goto(`${base}/t/${code}`);
  assert.equal(res.status(), 200);
  await textOf(phone.getByTestId('product'), '阳光玫瑰葡萄');
  const body = await phone.locator('body').innerText();
  for (const fact of ['君宇家庭农场', '红光村股份经济合作社', '2026-09-01', '净重', '5.00 斤', '尚未发车', '待结算']) {
    assert.ok(body.includes(fact), `${fact} in:\n${body}`);
  }
  for (const secret of ['李女士', '13800000001', '合肥市蜀山区']) {
    assert.ok(!body.includes(secret), `the buyer's ${secret} is on the page`);
  }
  await noHorizontalScroll(phone, 'trace page');
  await phone.screenshot({ path: path.join(SHOTS, 'trace-page-375.png'), fullPage: true });
  const missing = await phone.goto(`${base}/t/AAAAAAAAAAAAAAAA`);
  assert.equal(missing.status(), 404);
  await textOf(phone.locator('h1'), '没有找到这个溯源码');
  await phone.close();

  // The office sees the scan.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/app/office#catalog?tab=trace`);
  // The browser's session is the station's, which the office does not take: it asks for a login.
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  await page.getByTestId('login-username').fill('secretary');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await textOf(page.getByTestId('scans-2'), '1');
  await textOf(page.getByTestId('scan-total'), '共扫码 1 次');
});

test('a load’s labels and manifest open from the station with their style sheets applied', async () => {
  const station = await login('station', DEMO_PASSWORD);
  const load = await http('POST', '/loads', { token: station, body: { plate: '皖A·54321', driver_name: '老李', driver_phone: '13600000000', destination: '合肥', planned_date: new Date().toISOString().slice(0, 10) } });
  await http('POST', `/loads/${load.id}/orders`, { token: station, body: { order_id: order.id } });
  await labelsFromStation('a4').then((p) => p.close()); // signed in, on the station page
  await page.getByTestId('tab-load').click();
  await page.getByTestId(`open-load-${load.id}`).click();
  const detail = page.getByTestId('load-detail');
  await detail.waitFor({ state: 'visible' });
  const [labels] = await Promise.all([page.waitForEvent('popup'), detail.getByTestId('labels-thermal').click()]);
  await labels.locator('.label').first().waitFor();
  assert.equal(await labels.locator('.label').count(), 2, 'the load’s two crates');
  await labels.close();
  const [manifest] = await Promise.all([page.waitForEvent('popup'), detail.getByTestId('manifest').click()]);
  await manifest.locator('table').first().waitFor();
  // print.css draws the table's borders: linked by the server's address, it loads in a blob page.
  const border = await manifest.locator('td').first().evaluate((td) => getComputedStyle(td).borderTopStyle);
  assert.equal(border, 'solid');
  await manifest.close();
});
