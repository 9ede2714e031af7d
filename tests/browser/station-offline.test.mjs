// Headless-Chromium test of a loading day's weighing that the network does not spoil: crates
// typed survive a reload, a crate far off its order is questioned before it is sent, and a
// weighing sent while the server cannot be reached waits on the phone with its own
// Idempotency-Key — through a reload and a lost answer — and is recorded exactly once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_PASSWORD, start, stop, http, login, textOf, noHorizontalScroll,
} from './harness.mjs';

let base;
let context;
let blocked;
let page;
const pageErrors = [];
const state = {};

before(async () => {
  ({ base, context, blocked } = await start());
  const sec = await login('secretary', DEMO_PASSWORD);
  // 5 kg (10 jin) of 上海青 for 李女士, confirmed, waiting for the scale.
  const order = await http('POST', '/orders', {
    token: sec, body: { buyer_id: 3, channel: 'phone', lines: [{ batch_id: 1, quantity: 5000 }] },
  });
  await http('POST', `/orders/${order.id}/confirm`, { token: sec });
  Object.assign(state, { sec, order, line: order.lines[0].line_id });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(stop);

const tickets = async () => {
  const s = await http('GET', `/orders/${state.order.id}/weighing-sheet`, { token: state.sec });
  return s.lines[0].tickets;
};
const line = () => page.getByTestId(`line-${state.line}`);

test('crates typed on the sheet survive a reload', async () => {
  await page.goto(`${base}/app/station`);
  await page.getByTestId('login-username').fill('station');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-view').waitFor({ state: 'visible' });
  await page.getByTestId('order-number').fill(state.order.number);
  await page.getByTestId('find-order').click();
  await line().waitFor({ state: 'visible' });
  await line().getByTestId('gross-0').fill('6');
  await line().getByTestId('tare-0').fill('1');
  await line().getByTestId('add-crate').click();
  await line().getByTestId('gross-1').fill('5.7');
  await line().getByTestId('tare-1').fill('1');

  await page.reload();
  await line().waitFor({ state: 'visible' });
  assert.equal(await line().getByTestId('gross-0').inputValue(), '6');
  assert.equal(await line().getByTestId('tare-0').inputValue(), '1');
  assert.equal(await line().getByTestId('gross-1').inputValue(), '5.7');
  assert.equal(await line().getByTestId('tare-1').inputValue(), '1');
  await textOf(line().getByTestId('preview-net'), '9.70 斤');
});

test('a crate far off its order is questioned before anything is sent', async () => {
  // 5000 jin typed for a 5-jin crate (a slip of the zeros).
  await line().getByTestId('gross-1').fill('5000');
  const warning = line().getByTestId('preview-warning');
  await warning.waitFor({ state: 'visible' });
  await textOf(warning, '第 2 箱净重');
  await textOf(warning, '比整行订购量 10.00 斤');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await line().getByTestId('confirm-weigh').click();
  await page.waitForTimeout(300);
  assert.match(asked, /重量没有填错吗/);
  assert.equal((await tickets()).length, 0, 'nothing sent after 取消');
  await line().getByTestId('gross-1').fill('5.7');
  await warning.waitFor({ state: 'hidden' });
});

test('a weighing sent while the server is out of reach waits on the phone and is recorded once', async () => {
  const keys = [];
  const cut = (route) => { keys.push(route.request().headers()['idempotency-key']); return route.abort(); };
  await page.route('**/api/v1/weighings', cut);
  await line().getByTestId('confirm-weigh').click();
  await textOf(page.getByTestId('weigh-pending-count'), '1');
  await textOf(page.getByTestId('weigh-pending-state'), '网络不通');
  assert.equal(await line().getByTestId('gross-0').inputValue(), '', 'the crates left the form for the queue');
  await noHorizontalScroll(page, 'pending weighing');

  // A reload keeps the pending weighing (and does not put its crates back in the form).
  await page.reload();
  await line().waitFor({ state: 'visible' });
  await textOf(page.getByTestId('weigh-pending-count'), '1');
  assert.equal(await line().getByTestId('gross-0').inputValue(), '');

  // Back online, but the first answer is lost on the way: the retry with the same key replays it.
  await page.unroute('**/api/v1/weighings', cut);
  let lost = 0;
  const replays = [];
  await page.route('**/api/v1/weighings', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (lost === 0) {
      lost += 1;
      await route.fetch();
      return route.abort();
    }
    const response = await route.fetch();
    replays.push(response.headers()['idempotent-replayed'] || '');
    return route.fulfill({ response });
  });
  await page.getByTestId('weigh-pending-retry').click();
  await page.getByTestId('weigh-pending').waitFor({ state: 'hidden', timeout: 30000 });
  // Wait for a handler still running rather than hand its request to the context's route too.
  await page.unrouteAll({ behavior: 'wait' });
  assert.equal(new Set(keys).size, 1, `one key for every attempt: ${keys}`);
  assert.ok(replays.includes('true'), `the retry was a replay: ${replays}`);
  const t = await tickets();
  assert.deepEqual(t.map((x) => [x.gross_g, x.tare_g]), [[3000, 500], [2850, 500]], 'two crates, once');
  await textOf(page.getByTestId('weigh-result'), '已记录 2 张磅单');
  await textOf(line().getByTestId('weighed'), '9.70 斤');
});

test('the page made no outside requests and threw no errors', () => {
  assert.deepEqual(blocked, []);
  assert.deepEqual(pageErrors, []);
});
