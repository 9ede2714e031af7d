// Headless-Chromium test of a whole show run from the helper's phone (375 × 812), with access
// tokens of 6 s so that they expire several times during it: the helper creates the show,
// features two batches at live prices and starts it; orders a repeat buyer found by the last four
// digits of her phone, a new buyer with a Douyin nickname, and one the per-buyer limit refuses,
// which goes back into the form and is sent again; the network is cut twice; the show's orders
// come from the server, searchable, and one is cancelled; the board opens without a second login,
// masks names and fills a 1920 × 1080 TV; the show ends with its summary and CSV.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, textOf, noHorizontalScroll, noStrayText,
} from './harness.mjs';

let base;
let context;
let blocked;
let page;
const pageErrors = [];
const bearers = new Set(); // every access token the console sent
const state = {};
const taps = { first: 0, repeat: 0 }; // taps and fields per order, as the helper does them

before(async () => {
  ({ base, context, blocked } = await start({ ZHUNONG_JWT_TTL_SECS: '6', ZHUNONG_JWT_LEEWAY_SECS: '0' }));
  page = await context.newPage();
  await page.setViewportSize({ width: 375, height: 812 });
  page.on('pageerror', (e) => pageErrors.push(`console: ${e}`));
  page.on('request', (r) => {
    const a = r.headers().authorization;
    if (a && r.url().includes('/api/v1/')) bearers.add(a);
  });
});

after(stop);

/** The show's orders as the server holds them. */
async function showOrders() {
  const sec = await login('secretary', DEMO_PASSWORD); // this server's tokens last 6 s
  return (await http('GET', `/orders?live_session_id=${state.live}&per_page=200`, { token: sec })).items;
}

/** Waits for the newest entry of the local list to reach `st`; returns it. */
async function newestIs(st, timeout = 15000) {
  const e = page.getByTestId('entries').getByTestId('entry').first();
  await e.and(page.locator(`[data-state="${st}"]`)).waitFor({ timeout });
  return e;
}

test('with no show running, the helper creates one, features two batches at live prices and starts it', async () => {
  await page.goto(`${base}/app/live`);
  await page.getByTestId('login-username').fill('helper');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('session-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('live-sessions'), '现在没有正在直播的场次');
  assert.ok(await page.getByTestId('new-session-form').isVisible(), 'a way forward: the new-show form');
  assert.match(await page.getByTestId('ns-title').inputValue(), /^\d+月\d+日产地直播$/);
  await page.getByTestId('ns-title').fill('阳光玫瑰冬季直播');
  await page.getByTestId('ns-create').click();
  await page.getByTestId('setup-box').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('setup-title'), '阳光玫瑰冬季直播');
  assert.ok(await page.getByTestId('setup-start').isDisabled(), 'nothing featured yet: no start');

  // A live price of 0 is refused on the phone; 88 yuan a box with a limit of 5 is taken.
  await page.getByTestId('setup-price-3').fill('0');
  await page.getByTestId('setup-feature-3').click();
  await textOf(page.getByTestId('error'), '直播价要大于 0 元');
  await page.getByTestId('setup-price-3').fill('88');
  await page.getByTestId('setup-limit-3').fill('5');
  await page.getByTestId('setup-feature-3').click();
  await textOf(page.getByTestId('setup-state-3'), '已上架 ¥88.00/箱');
  await page.getByTestId('setup-price-2').fill('15');
  await page.getByTestId('setup-feature-2').click();
  await textOf(page.getByTestId('setup-state-2'), '已上架 ¥15.00/斤');
  await noHorizontalScroll(page, 'show setup');
  await page.screenshot({ path: path.join(ARTIFACTS, 'show-setup.png'), fullPage: true });

  page.once('dialog', (d) => d.accept());
  await page.getByTestId('setup-start').click();
  await page.getByTestId('sell-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('session-title'), '阳光玫瑰冬季直播');
  await textOf(page.getByTestId('stream-status'), '实时');
  const shows = await http('GET', '/live-sessions?status=live', { token: await login('secretary', DEMO_PASSWORD) });
  const live = shows.items.find((s) => s.title === '阳光玫瑰冬季直播');
  assert.ok(live, 'the show is live on the server');
  assert.deepEqual(live.featured.map((f) => [f.batch_id, f.live_price_fen, f.per_buyer_limit]).sort(),
    [[2, 1500, null], [3, 8800, 5]]);
  assert.equal(live.board_full_names, false);
  state.live = live.id;
});

test('the product, the quantity and 下单 sit in a bar at the bottom of an 812-px screen, with the result beside them', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  const vh = 812;
  for (const id of ['place', 'qty', 'qty-plus']) {
    const box = await page.getByTestId(id).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= vh, `${id} on screen without scrolling: ${JSON.stringify(box)}`);
  }
  // The product is chosen in the bar as well: no scrolling up to switch.
  await page.getByTestId('bar-batch').selectOption('2');
  assert.equal(await page.getByTestId('batch-2').getAttribute('aria-checked'), 'true');
  await textOf(page.getByTestId('qty-unit'), '斤');
  await page.getByTestId('bar-batch').selectOption('3');
  assert.equal(await page.getByTestId('batch-3').getAttribute('aria-checked'), 'true');
  await textOf(page.getByTestId('qty-unit'), '箱');
  const select = await page.getByTestId('bar-batch').boundingBox();
  assert.ok(select.y >= 0 && select.y + select.height <= vh, `the product choice on screen: ${JSON.stringify(select)}`);
  // Still there when the page is scrolled to the bottom.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const box = await page.getByTestId('place').boundingBox();
  assert.ok(box.y + box.height <= vh, `place after scrolling: ${JSON.stringify(box)}`);
  // Nothing hides under the bar: the last card ends above it once scrolled down.
  const bar = await page.getByTestId('sell-bar').boundingBox();
  const lastCard = await page.locator('#sell-view > .card').last().boundingBox();
  assert.ok(lastCard.y + lastCard.height <= bar.y + 1, `the last card ends under the bar: ${JSON.stringify({ lastCard, bar })}`);
  await page.evaluate(() => window.scrollTo(0, 0));
});

test('a repeat buyer is found by the last 4 digits, a new one is recorded with a Douyin nickname, and each result shows in the bar', async () => {
  // 李女士 (13800000001), found by 0001: type four digits, tap her, tap 下单.
  await page.getByTestId('batch-3').click();
  await page.getByTestId('buyer-phone').fill('0001');
  await page.getByTestId('match-13800000001').click();
  taps.repeat = 1 /* phone field */ + 1 /* her name */ + 1 /* 下单 */;
  await textOf(page.getByTestId('buyer-found-name'), '李女士');
  await textOf(page.getByTestId('buyer-found-nick'), '蜀山葡萄迷');
  assert.equal(await page.getByTestId('buyer-phone').inputValue(), '13800000001');
  await page.getByTestId('qty-plus').click(); // 2 boxes
  await page.getByTestId('place').click();
  await newestIs('placed');
  const bar = page.getByTestId('bar-last');
  await textOf(bar, '已下单 ZN');
  await textOf(bar, '李女士');
  assert.equal(await bar.getAttribute('data-tone'), 'ok');

  // A new buyer: full phone, name, address and the nickname heard in the live room.
  await page.getByTestId('batch-2').click();
  await page.getByTestId('buyer-phone').fill('13900001111');
  await page.waitForFunction(() => document.querySelector('[data-testid=buyer-status]').dataset.state === 'new');
  await page.getByTestId('buyer-name').fill('王小明');
  await page.getByTestId('buyer-address').fill('合肥市包河区');
  await page.getByTestId('buyer-nickname').fill('葡萄小王子');
  await page.getByTestId('qty').fill('3');
  await page.getByTestId('place').click();
  taps.first = 1 /* 商品 */ + 4 /* phone, name, address, nickname */ + 1 /* 数量 */ + 1 /* 下单 */;
  await newestIs('placed');
  await textOf(bar, '王小明');
  const wang = await http('GET', '/buyers/by-phone/13900001111', { token: await login('secretary', DEMO_PASSWORD) });
  assert.equal(wang.douyin_nickname, '葡萄小王子');

  // Found again by the nickname.
  await page.getByTestId('buyer-nick-search').fill('小王子');
  await page.getByTestId('match-13900001111').click();
  await textOf(page.getByTestId('buyer-found-name'), '王小明');
  await page.getByTestId('qty').fill('1');
  await page.getByTestId('place').click();
  await newestIs('placed');

  const orders = await showOrders();
  assert.equal(orders.length, 3);
  // The show's list on the page follows by itself (the stream announces each order).
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-orders] li[data-status]').length === 3,
    null, { timeout: 5000 });
  assert.deepEqual(orders.map((o) => o.total_fen).sort((a, b) => a - b), [1500, 4500, 17600]);
  await noHorizontalScroll(page, 'selling');
  await noStrayText(page, 'selling');
  await page.screenshot({ path: path.join(ARTIFACTS, 'show-selling-375.png') });
});

test('an order the limit refuses stays for a one-tap edit and resend', async () => {
  // 李女士 has 2 of the 5 boxes she may buy; 4 more are refused by the server.
  await page.getByTestId('batch-3').click();
  await page.getByTestId('buyer-phone').fill('0001');
  await page.getByTestId('match-13800000001').click();
  await page.getByTestId('qty').fill('4');
  await page.getByTestId('place').click();
  const refused = await newestIs('failed');
  await textOf(page.getByTestId('bar-last'), '没有下成');
  assert.equal(await page.getByTestId('bar-last').getAttribute('data-tone'), 'bad');
  await textOf(refused.getByTestId('entry-reason'), '每人限购');
  assert.ok(!(await page.getByTestId('error').innerText()).match(/[a-z]{4,}/), 'no English in the error box');

  await refused.getByTestId('entry-refill').click();
  assert.equal(await page.getByTestId('buyer-phone').inputValue(), '13800000001');
  assert.equal(await page.getByTestId('qty').inputValue(), '4');
  await page.waitForFunction(() => document.querySelector('[data-testid=buyer-status]').dataset.state === 'known');
  await page.getByTestId('qty').fill('3');
  await page.getByTestId('place').click();
  await newestIs('placed');
  const orders = await showOrders();
  assert.equal(orders.length, 4);
  assert.ok(orders.some((o) => o.total_fen === 26400), 'the 3 boxes resent');
});

test('orders entered while the network is cut, twice, are sent once it is back; the live dot is off meanwhile', async () => {
  const before = (await showOrders()).length;
  // First cut: the orders endpoint cannot be reached.
  const cut = (route) => route.abort();
  await page.route('**/api/v1/orders', cut);
  await page.getByTestId('batch-2').click();
  await page.getByTestId('buyer-phone').fill('13800000002');
  await textOf(page.getByTestId('buyer-found-name'), '张先生');
  await page.getByTestId('qty').fill('2');
  await page.getByTestId('place').click();
  await newestIs('queued');
  // Wait for an abort still in flight rather than hand its request to the context's route too.
  await page.unrouteAll({ behavior: 'wait' });
  await newestIs('placed', 30000);

  // Second cut: the phone goes offline altogether. 李女士 bought on this phone: it knows her.
  await context.setOffline(true);
  await page.getByTestId('buyer-phone').fill('13800000001');
  await page.waitForFunction(() => document.querySelector('[data-testid=buyer-status]').dataset.state === 'known');
  await textOf(page.getByTestId('buyer-status'), '本机记录');
  await page.getByTestId('qty').fill('1');
  await page.getByTestId('place').click();
  await newestIs('queued');
  assert.notEqual((await page.getByTestId('stream-status').textContent()).trim(), '实时');
  await page.waitForTimeout(7000); // the access token expires while offline
  await context.setOffline(false);
  await newestIs('placed', 30000);
  await textOf(page.getByTestId('stream-status'), '实时', 20000);
  assert.equal((await showOrders()).length, before + 2, 'each entry exactly once');
  assert.ok(await page.getByTestId('login-view').isHidden(), 'never sent to the login form');
  assert.ok(bearers.size >= 3, `the token was renewed along the way (${bearers.size} tokens)`);
});

test('the show’s orders come from the server, can be searched, and one is cancelled', async () => {
  const orders = await showOrders();
  const list = page.getByTestId('session-orders');
  await page.getByTestId('refresh-orders').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=session-orders] li[data-status]').length === n, orders.length);
  const target = orders.find((o) => o.total_fen === 4500); // 王小明's 3 jin
  await page.getByTestId('orders-search').fill(target.number);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-orders] li[data-status]').length === 1);
  await textOf(list, '王小明');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId(`cancel-${target.number}`).click();
  await textOf(page.getByTestId('notice'), `已取消 ${target.number}`);
  await page.getByTestId(`session-order-${target.number}`).and(page.locator('[data-status=cancelled]')).waitFor();
  const again = await http('GET', `/orders/${target.id}`, { token: await login('secretary', DEMO_PASSWORD) });
  assert.equal(again.status, 'cancelled');
  await page.getByTestId('orders-search').fill('');
});

test('the board opens without a second login, masks buyers, and fills a 1920 × 1080 TV', async () => {
  const [board] = await Promise.all([context.waitForEvent('page'), page.getByTestId('board-link').click()]);
  board.on('pageerror', (e) => pageErrors.push(`board: ${e}`));
  await board.getByTestId('board-view').waitFor({ state: 'visible' });
  assert.ok(await board.getByTestId('login-view').isHidden(), 'no second login');
  await textOf(board.getByTestId('top-buyers'), '李**');
  const text = await board.locator('body').innerText();
  for (const full of ['李女士', '王小明', '张先生', '13800000001']) assert.ok(!text.includes(full), `${full} on the board`);

  await board.setViewportSize({ width: 1920, height: 1080 });
  await board.waitForTimeout(300);
  const fill = await board.evaluate(() => {
    const m = document.querySelector('main').getBoundingClientRect();
    return { width: m.width, height: document.documentElement.scrollHeight, font: parseFloat(getComputedStyle(document.querySelector('.kpi .value')).fontSize) };
  });
  assert.ok(fill.width >= 1920 * 0.9, `the board uses ${fill.width} of 1920 px`);
  assert.ok(fill.height >= 1080 * 0.8, `the board uses ${fill.height} of 1080 px in height`);
  assert.ok(fill.font >= 90, `KPI figures are ${fill.font} px on a TV`);
  await board.screenshot({ path: path.join(ARTIFACTS, 'board-tv-1920.png') });
  await board.close();
});

test('ending the show from the phone shows its summary and downloads its CSV', async () => {
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('end-session').click();
  await page.getByTestId('summary-box').waitFor({ state: 'visible' });
  const all = await showOrders();
  const orders = all.filter((o) => o.status !== 'cancelled');
  assert.equal(all.length - orders.length, 1, 'one order was cancelled');
  await textOf(page.getByTestId('summary-订单'), `${orders.length} 单`);
  const revenue = orders.reduce((a, o) => a + o.total_fen, 0);
  await textOf(page.getByTestId('summary-销售额'), `¥${(revenue / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`);
  await textOf(page.getByTestId('summary-直播时长'), '秒');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('summary-csv').click()]);
  const file = await readFile(await download.path(), 'utf8');
  assert.ok(file.startsWith('\ufeff'), 'UTF-8 with BOM');
  const rows = file.trim().split('\n');
  assert.equal(rows.length, 1 + all.length, `a header and every order (one line each):\n${file}`);
  assert.equal(rows.filter((r) => r.includes(',已取消,')).length, 1, `the cancelled order says so in Chinese:\n${file}`);
  assert.match(download.suggestedFilename(), /^直播订单-\d+\.csv$/);
  await page.setViewportSize({ width: 414, height: 896 });
  await noHorizontalScroll(page, 'summary at 414');
  await noStrayText(page, 'summary');
  console.log(`taps per order: first-time buyer ${taps.first}, repeat buyer ${taps.repeat} (plus 4 digits typed)`);
});

test('the show made no outside requests and threw no errors', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
});
