// Headless-Chromium test of the weighing-and-loading page (/app/station) as the `station` user.
//
// With the server and Chromium of harness.mjs (fresh SQLite database in a temp dir, a free port
// on 127.0.0.1, the demo data), places and confirms an order over HTTP as the secretary, then
// drives the page at 375×740: log in, weigh two crates in jin, check the live preview and the server's result, mark
// the line weighed (称重完成: the sheet locks), go to the next order (下一单) and finish it with 整单称重完成, create
// a load, add the order, open the manifest, mark it loaded. Screenshots go to artifacts/browser/.
//
// Run from the repository root: `bash tests/browser/run.sh` (or `node --test tests/browser/` once
// playwright-core is installed and Chromium is at /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, textOf, noHorizontalScroll, noStrayText,
} from './harness.mjs';

let base; // http://127.0.0.1:<port>
let context;
let page;
let blocked; // requests to other hosts
const pageErrors = [];
const state = {}; // what one step hands to the next

// ------------------------------------------------------------------ setup / teardown

before(async () => {
  ({ base, context, blocked } = await start());

  // The secretary places and confirms the order the station will weigh (5 kg of 上海青, batch 1),
  // and a second one that stays unweighed (to see the page's error when loading it).
  const sec = await login('secretary', DEMO_PASSWORD);
  const order = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 3, channel: 'phone', lines: [{ batch_id: 1, quantity: 5000 }] },
  });
  await http('POST', `/orders/${order.id}/confirm`, { token: sec });
  const other = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 4, channel: 'phone', lines: [{ batch_id: 1, quantity: 2000 }] },
  });
  await http('POST', `/orders/${other.id}/confirm`, { token: sec });
  // The newest confirmed order: 下一单 after the first one opens it, and 整单称重完成 finishes it.
  const third = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 3, channel: 'phone', lines: [{ batch_id: 1, quantity: 1000 }] },
  });
  await http('POST', `/orders/${third.id}/confirm`, { token: sec });
  Object.assign(state, { sec, order, other, third });

  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(stop);

// ------------------------------------------------------------------ tests

test('the page loads in Chinese, fits a 375-px phone and logs the station in', async () => {
  const res = await page.goto(`${base}/app/station`);
  assert.equal(res.status(), 200);
  assert.match(await page.title(), /称重/);
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('page-title').textContent(), /称重/);
  await noHorizontalScroll(page, 'login');

  // A wrong password shows the server's refusal in the red box and stays on the form.
  await page.getByTestId('login-username').fill('station');
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('error').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('error'), '用户名或密码不正确');
  assert.ok(await page.getByTestId('login-view').isVisible());

  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('who-name'), '赵师傅'); // the display name, not the login name
  assert.ok(await page.getByTestId('error').isHidden(), 'the error box is cleared after logging in');

  // The tab remembers who is logged in, never the token (that stays in memory).
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('zhunong.station.user') || 'null'));
  assert.deepEqual(stored, { username: 'station', name: '赵师傅', role: 'station' });

  // The confirmed orders are offered in the picker.
  await page.waitForFunction((n) => [...document.querySelectorAll('#confirmed-orders option')]
    .some((o) => o.value === n), state.order.number);
  assert.equal(await page.getByTestId('scale-id').inputValue(), '1号秤');
});

test('weighing two crates in jin previews ¥14.55 and shows the server’s result', async () => {
  const { order } = state;
  const lineId = order.lines[0].line_id;
  await page.getByTestId('order-number').fill(order.number);
  await page.getByTestId('find-order').click();
  const line = page.getByTestId(`line-${lineId}`);
  await line.waitFor({ state: 'visible' });
  await textOf(line.getByTestId('product'), '上海青');
  await textOf(line.getByTestId('ordered'), '10.00 斤');
  await textOf(line.getByTestId('price'), '¥1.50 / 斤');
  await textOf(page.getByTestId('sheet-buyer'), '李女士');

  await line.getByTestId('gross-0').fill('6');
  await line.getByTestId('tare-0').fill('1');
  await line.getByTestId('add-crate').click();
  await line.getByTestId('gross-1').fill('5.7');
  await line.getByTestId('tare-1').fill('1');

  await textOf(line.getByTestId('net-0'), '5.00 斤（2.50 公斤）'); // 2500 g
  await textOf(line.getByTestId('net-1'), '4.70 斤（2.35 公斤）'); // 2350 g
  await textOf(line.getByTestId('preview-net'), '9.70 斤（4.85 公斤）'); // 4850 g
  await textOf(line.getByTestId('preview-amount'), '¥14.55'); // 4850 × 150 / 500 = 1455 fen

  // Switching to kg converts what was typed, weight unchanged; and back.
  await page.locator('label:has(#unit-kg)').click();
  await page.waitForFunction((id) => document.getElementById(`gross-${id}-1`)?.value === '2.85', lineId);
  assert.equal(await line.getByTestId('gross-0').inputValue(), '3');
  assert.equal(await line.getByTestId('tare-1').inputValue(), '0.5');
  await textOf(line.getByTestId('preview-amount'), '¥14.55');
  await page.locator('label:has(#unit-jin)').click();
  await page.waitForFunction((id) => document.getElementById(`gross-${id}-1`)?.value === '5.7', lineId);
  assert.equal(await line.getByTestId('gross-0').inputValue(), '6');

  await noHorizontalScroll(page, 'weighing sheet');

  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/weighings') && r.method() === 'POST');
  await line.getByTestId('confirm-weigh').click();
  const body = JSON.parse((await posted).postData());
  assert.deepEqual(body, {
    order_line_id: lineId, scale_id: '1号秤',
    crates: [{ gross_g: 3000, tare_g: 500 }, { gross_g: 2850, tare_g: 500 }],
  });

  const result = page.getByTestId('weigh-result');
  await result.waitFor({ state: 'visible' });
  await textOf(result.getByTestId('result-line-amount'), '¥14.55');
  // The line is still open: the order waits for 称重完成.
  await textOf(result.getByTestId('result-status-text'), '已确认');
  await textOf(result.getByTestId('result-final-total'), '各行称重完成后计算');
  assert.equal(await result.getByTestId('result-warning').count(), 0, 'within tolerance: no approval warning');
  // The sheet is reloaded with the two tickets, and offers 称重完成.
  await page.getByTestId(`line-${lineId}`).getByTestId('tickets').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('sheet-status'), '已确认');
  assert.equal(await page.getByTestId(`line-${lineId}`).locator('table.tickets tbody tr').count(), 2);
  await page.getByTestId(`line-${lineId}`).getByTestId('complete-line').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('sheet-progress'), '称重完成 0 / 1 行');

  // What the server holds: weighed so far, the 5 kg ordered still reserved.
  const now = await http('GET', `/orders/${order.id}`, { token: state.sec });
  assert.equal(now.status, 'confirmed');
  assert.equal(now.final_total_fen, null);
  assert.equal(now.lines[0].weighed_g, 4850);
  assert.equal(now.lines[0].stock_held, 5000);

  await noHorizontalScroll(page, 'weighing result');
  await noStrayText(page, 'weighing result');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'station-weigh.png'), fullPage: true });
});

test('称重完成 locks the line; 下一单 opens the next order, which 整单称重完成 finishes', async () => {
  const { order, third } = state;
  const lineId = order.lines[0].line_id;
  const line = page.getByTestId(`line-${lineId}`);

  const posted = page.waitForRequest((r) => r.url().endsWith(`/api/v1/order-lines/${lineId}/complete-weighing`)
    && r.method() === 'POST');
  await line.getByTestId('complete-line').click();
  await posted;
  const result = page.getByTestId('weigh-result');
  await textOf(result, '本行称重完成');
  await textOf(result.getByTestId('result-status-text'), '已称重');
  await textOf(result.getByTestId('result-line-amount'), '¥14.55');
  await textOf(result.getByTestId('result-final-total'), '¥14.55');

  // The sheet is locked: no crate entry, no second 称重完成, and 下一单 is offered.
  await textOf(page.getByTestId('sheet-status'), '已称重');
  await textOf(line.getByTestId('line-complete'), '已称重完成');
  await textOf(line.getByTestId('line-locked'), '不能再加箱');
  assert.equal(await line.getByTestId('crates').count(), 0, 'a complete line takes no crates');
  assert.equal(await line.getByTestId('complete-line').count(), 0);
  assert.equal(await page.getByTestId('complete-order').count(), 0);
  await textOf(page.getByTestId('sheet-progress'), '称重完成 1 / 1 行');
  await textOf(page.getByTestId('sheet-complete'), '称重单已锁定');
  await textOf(page.getByTestId('sheet-final-total'), '¥14.55');
  const done = await http('GET', `/orders/${order.id}`, { token: state.sec });
  assert.equal(done.status, 'weighed');
  assert.equal(done.final_total_fen, 1455);
  assert.equal(done.lines[0].stock_held, 4850, 'the 150 g short went back to stock');
  await noHorizontalScroll(page, 'weighing complete');
  await noStrayText(page, 'weighing complete');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'station-complete.png'), fullPage: true });

  // 下一单: the newest order still waiting, with nothing weighed, so 整单称重完成 waits too.
  await page.getByTestId('next-order').click();
  await textOf(page.getByTestId('sheet-number'), third.number);
  assert.equal(await page.getByTestId('order-number').inputValue(), third.number);
  const next = page.getByTestId(`line-${third.lines[0].line_id}`);
  await next.getByTestId('gross-0').waitFor({ state: 'visible' });
  assert.equal(await next.getByTestId('complete-line').count(), 0, 'nothing to complete before a crate');
  assert.ok(await page.getByTestId('complete-order').isDisabled());
  await textOf(page.getByTestId('complete-order-hint'), '还有 1 行没有称重');
  assert.ok(await result.isHidden(), 'the last order’s result is cleared');

  // The last crate's tare (500 g) is already filled in for the next order's first crate.
  const remembered = await next.getByTestId('tare-0').inputValue();
  assert.ok(['1', '0.5'].includes(remembered), `remembered tare: "${remembered}"`);
  await next.getByTestId('tare-0').fill('0');
  await next.getByTestId('gross-0').fill('2.1');
  await next.getByTestId('confirm-weigh').click();
  await next.getByTestId('tickets').waitFor({ state: 'visible' });
  assert.ok(await page.getByTestId('complete-order').isEnabled());
  // 整单称重完成 locks the order: it asks first, and a "no" changes nothing.
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('complete-order').click();
  await page.waitForTimeout(300);
  assert.equal((await http('GET', `/orders/${third.id}`, { token: state.sec })).status, 'confirmed', 'not completed on "no"');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await page.getByTestId('complete-order').click();
  await textOf(result, '整单称重完成');
  assert.match(asked, /整单称重完成/);
  await textOf(result.getByTestId('result-final-total'), '¥3.15'); // 1050 g × 150 / 500 = 315 fen
  await textOf(page.getByTestId('sheet-status'), '已称重');
  assert.equal(await page.getByTestId(`line-${third.lines[0].line_id}`).getByTestId('crates').count(), 0);
  assert.equal((await http('GET', `/orders/${third.id}`, { token: state.sec })).status, 'weighed');

  // The picker no longer offers the finished orders.
  const offered = await page.evaluate(() => [...document.querySelectorAll('#confirmed-orders option')].map((o) => o.value));
  assert.ok(!offered.includes(order.number) && !offered.includes(third.number), `offered: ${offered}`);
  assert.ok(offered.includes(state.other.number), `offered: ${offered}`);
});

test('a load is created, refuses an unweighed order, takes the weighed one and is marked loaded', async () => {
  const { order, other } = state;
  await page.getByTestId('tab-load').click();
  await page.getByTestId('load-view').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('load-date').inputValue(), /^\d{4}-\d{2}-\d{2}$/);

  await page.getByTestId('load-plate').fill('皖A·12345');
  await page.getByTestId('load-driver').fill('张师傅');
  await page.getByTestId('load-phone').fill('13800000000');
  await page.getByTestId('load-destination').fill('合肥市蜀山区');
  await page.getByTestId('load-capacity').fill('2000');
  await page.getByTestId('create-load').click();

  const detail = page.getByTestId('load-detail');
  await detail.waitFor({ state: 'visible' });
  await textOf(detail.getByTestId('load-status'), '装车中');
  await textOf(detail.getByTestId('load-title'), '皖A·12345');
  await textOf(detail.getByTestId('load-capacity-text'), '2000 公斤');
  const loads = await http('GET', '/loads?status=open', { token: state.sec });
  assert.equal(loads.items.length, 1);
  const loadId = loads.items[0].id;
  await page.getByTestId(`open-load-${loadId}`).waitFor({ state: 'visible' });

  // An order that is not weighed: the server says 409 not_weighed, the page says so in red.
  await detail.getByTestId('add-order-number').fill(other.number);
  await detail.getByTestId('add-order').click();
  const error = page.getByTestId('error');
  await error.waitFor({ state: 'visible' });
  await textOf(error, '订单还没有称重');
  // The server's English detail stays out of what the station reads.
  assert.equal(await error.getByTestId('error-detail').count(), 0, await error.innerText());
  assert.equal(await error.getAttribute('data-code'), 'not_weighed');

  await detail.getByTestId('add-order-number').fill(order.number);
  await detail.getByTestId('add-order').click();
  await detail.getByTestId(`load-order-${order.id}`).waitFor({ state: 'visible' });
  assert.ok(await error.isHidden(), 'the error box is cleared by the next success');
  await textOf(detail.getByTestId('load-total'), '9.70 斤（4.85 公斤）');
  // The capacity bar shows the load against the truck (4.85 of 2,000 kg), not a full bar.
  const bar = detail.getByTestId('load-capacity-bar');
  assert.equal(await bar.getAttribute('max'), '2000000');
  assert.equal(await bar.getAttribute('value'), '4850');
  await textOf(detail.getByTestId(`load-order-${order.id}`), order.number);

  // The printable manifest opens in a new tab from a blob URL (fetched with the bearer token).
  const [manifest] = await Promise.all([
    context.waitForEvent('page'),
    detail.getByTestId('manifest').click(),
  ]);
  await manifest.waitForURL(/^blob:/);
  await manifest.waitForLoadState();
  await textOf(manifest.locator('body'), order.number);
  await textOf(manifest.locator('h1'), '装车单');
  await manifest.close();

  await noHorizontalScroll(page, 'load');
  await detail.getByTestId('mark-loaded').click();
  await textOf(detail.getByTestId('load-status'), '已装车');
  assert.equal(await detail.getByTestId('mark-loaded').count(), 0, 'a loaded truck offers no second 标记已装车');
  await textOf(page.getByTestId('notice'), '已装车');
  // The list above holds only trucks still being loaded; this one moved to the ones on their way.
  await page.getByTestId('away-loads').getByTestId(`open-load-${loadId}`).waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('open-loads').getByTestId(`open-load-${loadId}`).count(), 0);

  const load = await http('GET', `/loads/${loadId}`, { token: state.sec });
  assert.equal(load.status, 'loaded');
  assert.deepEqual(load.order_ids, [order.id]);
  assert.equal((await http('GET', `/orders/${order.id}`, { token: state.sec })).status, 'loaded');

  await noHorizontalScroll(page, 'loaded');
  await noStrayText(page, 'loaded');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'station-load.png'), fullPage: true });
});

test('the truck’s pick list prints from the station; it departs, and is delivered with who received it', async () => {
  const detail = page.getByTestId('load-detail');
  const [pick] = await Promise.all([context.waitForEvent('page'), detail.getByTestId('pick-list').click()]);
  await pick.waitForLoadState();
  await textOf(pick.locator('h1'), '拣货单');
  await textOf(pick.locator('body'), '上海青');
  await pick.close();

  page.once('dialog', (d) => d.accept());
  await detail.getByTestId('mark-departed').click();
  await textOf(detail.getByTestId('load-status'), '已发车');
  await detail.getByTestId('deliver-form').waitFor({ state: 'visible' });

  // No receiver: refused on the phone, the field outlined.
  await detail.getByTestId('mark-delivered').click();
  await textOf(page.getByTestId('error'), '请填写签收人');
  assert.equal(await detail.getByTestId('received-by').getAttribute('aria-invalid'), 'true');
  await detail.getByTestId('received-by').fill('赵经理');
  await detail.getByTestId('mark-delivered').click();
  await textOf(detail.getByTestId('load-status'), '已送达');
  await textOf(page.getByTestId('notice'), '签收人 赵经理');
  const order = await http('GET', `/orders/${state.order.id}`, { token: state.sec });
  assert.equal(order.status, 'delivered');
  await noHorizontalScroll(page, 'delivered');
});

/**
 * The next request to `pattern` carries a token the server refuses (the page cannot tell it from
 * one revoked a moment ago); later requests go through untouched. `retried` resolves with the
 * bearer the page sent on its retry.
 */
async function spoilNextToken(pattern) {
  let spoiled = false;
  let retried;
  const retry = new Promise((resolve) => { retried = resolve; });
  await page.route(pattern, (route) => {
    const headers = route.request().headers();
    if (!spoiled) {
      spoiled = true;
      return route.continue({ headers: { ...headers, authorization: 'Bearer not-a-valid-token' } });
    }
    retried(headers.authorization);
    return route.continue();
  });
  return { retried: retry };
}

// The open loads' request only: the page asks for open, loaded and departed loads at once, and
// only the spoiled one waits for the renewal.
const openLoads = (url) => url.pathname === '/api/v1/loads' && url.searchParams.get('status') === 'open';

test('a rejected token is renewed while the session lasts, and sends the user to the login form once it ended', async () => {
  const { retried } = await spoilNextToken(openLoads);
  await page.getByTestId('refresh-loads').click();
  const retriedWith = await retried;
  assert.ok(retriedWith && retriedWith !== 'Bearer not-a-valid-token', 'retried with a renewed token');
  await page.unroute(openLoads);
  assert.ok(await page.getByTestId('app-view').isVisible(), 'renewed through the refresh cookie');

  await context.clearCookies(); // the session ended (logged out elsewhere, or expired)
  await spoilNextToken(openLoads);
  await page.getByTestId('refresh-loads').click();
  await page.getByTestId('login-view').waitFor({ state: 'visible' });
  await textOf(page.getByTestId('error'), '重新登录');
  assert.ok(await page.getByTestId('app-view').isHidden());
  await page.unroute(openLoads);
});

test('the page made no outside requests and threw no errors', () => {
  assert.deepEqual(blocked, [], 'requests to hosts other than 127.0.0.1');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
});
