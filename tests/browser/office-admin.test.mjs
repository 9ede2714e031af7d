// Headless-Chromium tests of the office's money and catalog pages (/app/office#money,
// #catalog): a batch added and its stock adjusted with a reason (and refused below what orders
// hold), a commission rule that then applies to a batch, other income shared among villages, a
// grower's statement issued, printed to an A4 PDF and paid out, money recorded on delivered
// orders one at a time and several at once (each settling by itself), an enterprise key shown
// once and revoked, staff accounts (display names, role change, disabling), an audit log that
// reads as Chinese sentences, and no sideways scrolling on any tab at 375 px and 1280 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { DEMO_PASSWORD, ROOT, start, stop, http, login, textOf, loginIfAsked } from './harness.mjs';

let base;
let context;
let page;
let sec;
const answers = []; // what the next window.prompt() calls answer, in order
/** ¥1,234.50, as the office shows money. */
const yuanOf = (fen) => `${fen < 0 ? '-' : ''}¥${(Math.abs(fen) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
/** A table cell's text, trimmed. */
const asDisplayName = (text) => (text || '').trim();

const SHOTS = path.join(ROOT, 'target', 'screenshots');

before(async () => {
  ({ base, context } = await start());
  page = await context.newPage();
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? answers.shift() ?? '' : undefined));
  // window.print() opens no dialog in a headless browser; count the calls instead.
  await page.addInitScript(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  sec = await login('secretary', DEMO_PASSWORD);
  await mkdir(SHOTS, { recursive: true });
});

after(async () => { await stop(); });

async function open(hash, width = 1280) {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${base}/app/office#${hash}`);
  await loginIfAsked(page, 'secretary');
  await page.waitForFunction(() => !document.body.innerText.includes('正在加载'));
}

/** Raw fetch, for answers that are meant to be refusals. */
async function status(method, urlPath, token, body) {
  const r = await fetch(`${base}/api/v1${urlPath}`, {
    method,
    headers: { authorization: token ? `Bearer ${token}` : '', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json().catch(() => null) };
}

test('a batch is added, its stock adjusted with a reason, and refused below what orders hold', async () => {
  await open('catalog?tab=batches');
  const f = page.getByTestId('batch-form');
  await f.getByTestId('batch-form-product_id').selectOption('1'); // 上海青, by weight
  await f.getByTestId('batch-form-grower_id').selectOption('1');
  await f.getByTestId('batch-form-code').fill('SHQ-TEST-01');
  // A price of 0 is refused by the server, in Chinese, with the field marked.
  await f.getByTestId('batch-form-quantity').fill('100');
  await f.getByTestId('batch-form-retail_price_fen').fill('0');
  await f.getByTestId('batch-form-enterprise_price_fen').fill('1.20');
  await f.getByTestId('batch-form-submit').click();
  await textOf(page.getByTestId('error-title'), '输入有误');
  // The server's reason, in Chinese: never just "填写有误".
  await textOf(page.getByTestId('error-fields'), '零售价：应在 0.01 元到 1,000,000 元之间');
  // What the secretary reads is Chinese: no English detail from the server.
  assert.ok(!/[A-Za-z]{3,}/.test(await page.getByTestId('error').innerText()), await page.getByTestId('error').innerText());
  assert.equal(await f.locator('[name=retail_price_fen].invalid').count(), 1, 'the price is marked');
  await f.getByTestId('batch-form-retail_price_fen').fill('1.50');
  await f.getByTestId('batch-form-submit').click();
  await textOf(page.getByTestId('notice'), '已添加批次 SHQ-TEST-01');
  const batch = (await http('GET', '/batches?per_page=200', { token: sec })).items.find((b) => b.code === 'SHQ-TEST-01');
  assert.equal(batch.stock_qty, 50000, '100 jin = 50,000 g');
  assert.equal(batch.retail_price_fen, 150);

  // An order holds 10 jin; spoilage of 3 jin is booked with its reason.
  const buyer = (await http('GET', '/buyers?per_page=5', { token: sec })).items[0];
  await http('POST', '/orders', { token: sec, body: { buyer_id: buyer.id, channel: 'phone', lines: [{ batch_id: batch.id, quantity: 5000 }] } });
  await open('catalog?tab=batches');
  answers.push('-3', '霉烂');
  await page.getByTestId(`adjust-${batch.id}`).click();
  await textOf(page.getByTestId('notice'), '库存已减少 3 斤');
  assert.equal((await http('GET', `/batches/${batch.id}`, { token: sec })).stock_qty, 50000 - 5000 - 1500);
  const log = await http('GET', `/audit-log?entity=batch&entity_id=${batch.id}`, { token: sec });
  assert.equal(log.items[0].after.reason, '霉烂');
  assert.equal(log.items[0].action_label, '调整库存');

  // Taking out more than is left (what the order holds is not there to take) is refused.
  answers.push('-90', '盘点');
  await page.getByTestId(`adjust-${batch.id}`).click();
  await textOf(page.getByTestId('error-title'), '库存不够减');
  assert.equal((await http('GET', `/batches/${batch.id}`, { token: sec })).stock_qty, 43500, 'nothing changed');

  // Closing the batch stops new orders.
  await page.getByTestId(`close-${batch.id}`).click();
  await textOf(page.getByTestId('notice'), '批次已关闭');
  const refused = await status('POST', '/orders', sec, { buyer_id: buyer.id, channel: 'phone', lines: [{ batch_id: batch.id, quantity: 500 }] });
  assert.equal(refused.status, 409);
});

test('a commission rule created in the office is the one that applies to its batch', async () => {
  await open('money?tab=rules');
  const f = page.getByTestId('rule-form');
  await f.getByTestId('rule-form-scope').selectOption('batch');
  await f.getByTestId('rule-form-batch_id').selectOption('2'); // the story's grapes
  await f.getByTestId('rule-form-percent').fill('7.5');
  await f.getByTestId('rule-form-share_1').fill('3');
  await f.getByTestId('rule-form-share_2').fill('1');
  await f.getByTestId('rule-form-note').fill('直播葡萄专项');
  await f.getByTestId('rule-form-submit').click();
  await textOf(page.getByTestId('notice'), '已建立规则');
  const rule = (await http('GET', '/commission-rules?per_page=5', { token: sec })).items[0];
  assert.equal(rule.basis_points, 750);
  assert.deepEqual(rule.shares.map((s) => [s.collective_id, s.shares]), [[1, 3], [2, 1]]);
  await page.getByTestId(`rule-${rule.id}`).waitFor();
  await page.getByTestId('rule-batch').selectOption('2');
  await textOf(page.getByTestId('applies-livestream'), `${rule.id}（批次）`);
  await textOf(page.getByTestId('applies-livestream'), '7.5%');
  // The greens keep their product rule.
  await page.getByTestId('rule-batch').selectOption('1');
  await textOf(page.getByTestId('applies-phone'), '（产品）');
});

test('other income is shared among the villages to the fen and shows in the ledger', async () => {
  await open('money?tab=income');
  const f = page.getByTestId('income-form');
  await f.getByTestId('income-form-category').selectOption('cold_store_rent');
  await f.getByTestId('income-form-amount_fen').fill('1000.01');
  await f.getByTestId('income-form-description').fill('冷库临时租金');
  for (const id of [1, 2, 3]) await f.getByTestId(`income-form-share_${id}`).fill('1');
  await f.getByTestId('income-form-submit').click();
  await textOf(page.getByTestId('notice'), '已入账：冷库临时租金，¥1,000.01');
  const t = (await http('GET', '/ledger/transactions?kind=other_income&per_page=50', { token: sec })).items.find((x) => x.description === '冷库临时租金');
  const parts = t.entries.filter((e) => e.collective_id).map((e) => Math.abs(e.amount_fen)).sort();
  assert.deepEqual(parts, [33333, 33334, 33334].sort(), 'largest remainder, to the fen');
  await open('money?tab=ledger&kind=other_income');
  await textOf(page.getByTestId(`txn-${t.id}`), '冷库临时租金');
});

test('a grower’s statement is issued, printed on A4 with a signature line, and paid out once', async () => {
  await open('money?tab=statements&grower=1');
  await page.getByTestId('issue-statement').click();
  await textOf(page.getByTestId('notice'), '已出具对账单');
  const statements = await http('GET', '/growers/1/statements', { token: sec });
  const s = statements[statements.length - 1];
  assert.ok(s.sales_fen > 0 && s.balance_fen > 0, 'the demo history has sold 王飞’s greens');
  await page.getByTestId(`statement-${s.id}`).waitFor();
  await page.getByTestId(`print-${s.id}`).click();
  await page.waitForFunction(() => window.printed === 1);
  await textOf(page.getByTestId('print-head'), '种植户：王飞');
  await textOf(page.getByTestId('print-sign'), '种植户签字');
  // Every posting of the period is on the sheet, however many pages the ledger takes.
  let postings = 0;
  for (let n = 1; ; n += 1) {
    const t = await http('GET', `/ledger/transactions?grower_id=1&per_page=200&page=${n}`, { token: sec });
    postings += t.items.filter((x) => x.occurred_on >= s.period_from && x.occurred_on <= s.period_to)
      .reduce((k, x) => k + x.entries.filter((e) => e.grower_id === 1).length, 0);
    if (t.items.length < 200) break;
  }
  assert.ok(postings > 200, `the demo gives 王飞 more than one page of postings (${postings})`);
  assert.equal(await page.getByTestId('print-area').locator('table.print-table').nth(1).locator('tbody tr').count(), postings);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.getByTestId('print-area').isVisible(), 'the statement prints');
  assert.ok(!(await page.locator('header.bar').isVisible()), 'the page around it does not');
  const pdf = path.join(SHOTS, 'grower-statement.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: false });
  assert.ok((await stat(pdf)).size > 10000, 'a PDF with the statement');
  await page.emulateMedia({ media: 'screen' });
  assert.ok(!(await page.getByTestId('print-area').isVisible()));

  // Pay out part of the balance: the form is filled with it; one click pays once.
  assert.equal(await page.getByTestId('payout-form-amount_fen').inputValue(), (s.balance_fen / 100).toFixed(2));
  await page.getByTestId('payout-form-amount_fen').fill('100.00');
  await page.getByTestId('payout-form-method').selectOption('bank_transfer');
  await page.getByTestId('payout-form-submit').click();
  await textOf(page.getByTestId('notice'), '已记录付给 王飞 ¥100.00');
  const payouts = (await http('GET', '/ledger/transactions?kind=payout&grower_id=1&per_page=50', { token: sec })).items;
  assert.equal(payouts.length, 1);
  // More than is owed is refused in Chinese.
  await page.getByTestId('payout-form-amount_fen').fill('99999999.00');
  await page.getByTestId('payout-form-submit').click();
  await textOf(page.getByTestId('error-title'), '付款超过了应付给种植户的钱');
});

test('a grower’s two seasons print as one page of months and products, agreeing with the books', async () => {
  await open('money?tab=statements&grower=1');
  await page.getByTestId('grower-account').waitFor();
  const from = `${new Date().getFullYear() - 1}-01-01`;
  const to = await page.getByTestId('account-to').inputValue();
  await page.getByTestId('account-from').fill(from);
  await page.getByTestId('account-view').click();
  const a = await http('GET', `/growers/1/account?from=${from}&to=${to}`, { token: sec });
  assert.ok(a.months.length >= 13 && a.totals.sales_fen > 0, 'two seasons of 王飞’s greens');
  await textOf(page.getByTestId('account-closing'), yuanOf(a.closing_balance_fen));
  // The closing balance reads the same for the shorter range shown before: wait for the rows of
  // the new one, not for the first number that matches.
  const rows = page.getByTestId('account-months').locator('tbody tr');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="account-months"] tbody tr').length === n,
    a.months.length + 1, { timeout: 10000 }).catch(() => {});
  assert.equal(await rows.count(), a.months.length + 1, 'a row per month and 合计');
  const sums = await page.getByTestId('account-sums').innerText();
  assert.ok(sums.includes(yuanOf(a.totals.payable_fen)), sums);
  // Printed: the summary and the signature line, on a page or two of A4, not sixty.
  const before = await page.evaluate(() => window.printed);
  await page.getByTestId('account-print').click();
  await page.waitForFunction((n) => window.printed === n + 1, before);
  await textOf(page.getByTestId('print-head'), `期间：${from} 至 ${to}`);
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 1 && pages <= 2, `${pages} A4 pages`);
  await page.emulateMedia({ media: 'screen' });
});

test('money is recorded on one delivered order, then on three at once, and they show as settled', async () => {
  await open('money?tab=settle');
  const before = await textOf(page.getByTestId('receivables-total'), '还欠');
  assert.match(await page.getByTestId('auto-settle-note').textContent(), /自动结算/);
  const rows = page.locator('[data-testid^="receivable-"]');
  const ids = await rows.evaluateAll((trs) => trs.slice(0, 4).map((tr) => Number(tr.dataset.testid.replace('receivable-', ''))));
  assert.equal(ids.length, 4, 'the demo has delivered orders awaiting money');
  for (const id of ids) assert.equal((await http('GET', `/orders/${id}`, { token: sec })).status, 'delivered');
  // Each row names its buyer.
  const buyerCell = await rows.first().locator('td').nth(2).textContent();
  const first = await http('GET', `/orders/${ids[0]}`, { token: sec });
  const buyer = await http('GET', `/buyers/${first.buyer_id}`, { token: sec });
  assert.ok(buyerCell.includes(buyer.name), `${buyerCell} names ${buyer.name}`);

  // One order, part of its money: it stays awaiting, with less owed.
  await page.getByTestId(`pay-open-${ids[0]}`).click();
  await page.getByTestId(`pay-amount-${ids[0]}`).fill('1.00');
  await page.getByTestId(`pay-submit-${ids[0]}`).click();
  await textOf(page.getByTestId('notice'), '已登记 ¥1.00');
  const part = await http('GET', `/orders/${ids[0]}`, { token: sec });
  assert.deepEqual([part.status, part.paid_fen], ['delivered', first.paid_fen + 100]);

  // Three orders ticked, paid in full in one go: each is recorded once and settles by itself.
  const started = Date.now();
  for (const id of ids.slice(1)) await page.getByTestId(`settle-pick-${id}`).check();
  await page.getByTestId('bulk-method').selectOption('cash');
  await page.getByTestId('bulk-pay').click();
  await textOf(page.getByTestId('settle-result'), '已登记 3 单收款');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`# timing: money on 3 delivered orders: 5 taps (3 ticks, 1 button, 1 confirm), ${seconds} s`);
  assert.match(await page.getByTestId('settle-result').textContent(), /其中 3 单已自动结算/);
  for (const id of ids.slice(1)) {
    const o = await http('GET', `/orders/${id}`, { token: sec });
    assert.equal(o.status, 'settled');
    assert.equal(o.paid_fen, o.final_total_fen ?? o.total_fen);
    const payments = await http('GET', `/orders/${id}/payments`, { token: sec });
    assert.equal(payments.filter((p) => p.method === 'cash').length, 1, 'recorded once');
    await textOf(page.getByTestId(`settled-${id}`), o.number);
    assert.equal(await page.getByTestId(`receivable-${id}`).count(), 0, 'no longer awaiting money');
  }
  const after = await page.getByTestId('receivables-total').textContent();
  assert.notEqual(after, before);
  // Overpaying is refused on the page, with the amount still owed.
  const next = await rows.first().getAttribute('data-testid');
  const nextId = Number(next.replace('receivable-', ''));
  await page.getByTestId(`pay-open-${nextId}`).click();
  await page.getByTestId(`pay-amount-${nextId}`).fill('999999');
  await page.getByTestId(`pay-submit-${nextId}`).click();
  await textOf(page.getByTestId('error-title'), '收款不能超过');
  await page.screenshot({ path: path.join(SHOTS, 'office-settle-1280.png') });
});

test('an enterprise’s API key is shown once, works, and stops working when revoked', async () => {
  await open('catalog?tab=buyers');
  await page.getByTestId('buyer-1').click();
  await textOf(page.getByTestId('buyer-name'), '皖酒集团工会');
  await page.getByTestId('key-form-label').fill('工会采购系统');
  await page.getByTestId('key-form-submit').click();
  const key = (await textOf(page.getByTestId('new-key-value'), 'znk_')).trim();
  assert.equal((await status('GET', '/partner/catalog', key)).status, 200);
  const keys = await http('GET', '/buyers/1/api-keys', { token: sec });
  const id = keys.find((k) => !k.revoked_at).key_id;
  await page.getByTestId(`revoke-${id}`).click();
  await textOf(page.getByTestId('notice'), '密钥已吊销');
  assert.equal((await status('GET', '/partner/catalog', key)).status, 401);
  await page.getByTestId(`revoke-${id}`).waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('new-key-value').count(), 0, 'the key is not shown again');
});

test('staff accounts: a role change takes effect, and a disabled user cannot log in', async () => {
  await open('catalog?tab=users');
  const f = page.getByTestId('user-form');
  await f.getByTestId('user-form-display_name').fill('小周');
  await f.getByTestId('user-form-username').fill('zhuli2');
  await f.getByTestId('user-form-password').fill('zhuli2-pass-123');
  await f.getByTestId('user-form-role').selectOption('helper');
  await f.getByTestId('user-form-submit').click();
  await textOf(page.getByTestId('notice'), '已新建账号 小周（登录名 zhuli2');
  assert.equal(asDisplayName(await page.getByTestId('user-zhuli2').locator('td').first().textContent()), '小周');
  const asHelper = await status('POST', '/auth/login', null, { username: 'zhuli2', password: 'zhuli2-pass-123' });
  assert.equal(asHelper.json.role, 'helper');
  const buyer = (await http('GET', '/buyers?per_page=5', { token: sec })).items[2];
  const order = { buyer_id: buyer.id, channel: 'phone', lines: [{ batch_id: 1, quantity: 500 }] };
  assert.equal((await status('POST', '/orders', asHelper.json.access_token, order)).status, 201);

  await page.getByTestId('role-zhuli2').selectOption('station');
  await textOf(page.getByTestId('notice'), '小周 现在是称重站');
  assert.equal((await status('POST', '/orders', asHelper.json.access_token, order)).status, 401, 'the old token stops working');
  const asStation = await status('POST', '/auth/login', null, { username: 'zhuli2', password: 'zhuli2-pass-123' });
  assert.equal(asStation.json.role, 'station');
  assert.equal((await status('POST', '/orders', asStation.json.access_token, order)).status, 403, 'a station does not place orders');

  // A new display name keeps the account signed in.
  answers.push('周小梅');
  await page.getByTestId('rename-zhuli2').click();
  await textOf(page.getByTestId('notice'), '已改为“周小梅”');
  assert.equal(asDisplayName(await page.getByTestId('user-zhuli2').locator('td').first().textContent()), '周小梅');
  assert.equal((await status('GET', '/me', asStation.json.access_token)).json.display_name, '周小梅', 'still signed in');

  await page.getByTestId('toggle-zhuli2').click();
  await textOf(page.getByTestId('notice'), '周小梅 已停用');
  assert.equal((await status('POST', '/auth/login', null, { username: 'zhuli2', password: 'zhuli2-pass-123' })).status, 401);
  await textOf(page.getByTestId('user-zhuli2'), '已停用');
  // The secretary cannot make an admin: the choice is not offered.
  assert.equal(await page.getByTestId('user-form-role').locator('option[value=admin]').count(), 0);
});

test('the header greets staff by their display name', async () => {
  await open('dashboard');
  assert.equal(await page.getByTestId('who-name').textContent(), '王书记');
});

/** Fails on what a village user should never read: field names, JSON, English words. */
function assertChinese(text, where) {
  assert.ok(!/[{}\[\]"_]/.test(text), `${where}: raw record: ${text}`);
  const word = /\b[a-z]{2,}\b/.exec(text);
  assert.ok(!word, `${where}: English word "${word && word[0]}" in: ${text}`);
}

test('a buyer’s personal data is exported as a ZIP, then erased with a reason; orders and money stay', async () => {
  const phone = '13912345678';
  const buyer = await http('POST', '/buyers', { token: sec, body: { kind: 'individual', name: '钱大姐', phone, address: '上河村 3 组' } });
  assert.equal(buyer.erased_at, null);
  const order = await http('POST', '/orders', { token: sec, body: { buyer_id: buyer.id, channel: 'phone', lines: [{ batch_id: 1, quantity: 500 }] } });
  // A phone number is looked up by its last digits.
  await open(`catalog?tab=buyers&q=${phone.slice(-4)}`);
  await page.getByTestId(`buyer-${buyer.id}`).click();
  await textOf(page.getByTestId('buyer-name'), '钱大姐');
  assert.equal(await page.getByTestId('buyer-erased').count(), 0, 'not erased yet');

  // The export downloads with the secretary's token: a ZIP, named in Chinese.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('buyer-export').click()]);
  assert.equal(download.suggestedFilename(), `买家${buyer.id}_个人信息.zip`);
  const zip = await readFile(await download.path());
  assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK', 'the download is a ZIP');

  // The erasure asks first, says what goes and what stays, and wants a reason.
  const panel = page.getByTestId('erase-panel');
  assert.ok(await panel.isHidden(), 'no confirmation before the tap');
  await page.getByTestId('buyer-erase').click();
  await textOf(panel, '将删除此买家的姓名、电话、地址、联系人和抖音昵称，无法恢复；订单、收款和账目保留，报表不变。');
  await page.getByTestId('erase-confirm').click();
  await textOf(page.getByTestId('error-title'), '请填写删除原因');
  await textOf(page.getByTestId('error-fields'), '原因：必填');
  assert.equal(await page.getByTestId('erase-reason').evaluate((x) => x.classList.contains('invalid')), true, 'the reason is marked');
  assert.equal((await http('GET', `/buyers/${buyer.id}`, { token: sec })).phone, phone, 'nothing erased without a reason');
  // The open confirmation fits a phone.
  await page.setViewportSize({ width: 375, height: 900 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `the confirmation at 375 px scrolls sideways (${wide})`);
  await page.getByTestId('buyer-detail').screenshot({ path: path.join(SHOTS, 'office-buyer-erase-375.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('erase-reason').fill('本人申请删除');
  await page.getByTestId('erase-confirm').click();
  await textOf(page.getByTestId('notice'), '已删除此买家的个人信息');
  await textOf(page.getByTestId('buyer-erased'), '已删除个人信息');
  await textOf(page.getByTestId('buyer-name'), '已删除的买家');
  assert.ok(!(await page.getByTestId('buyer-detail').innerText()).includes(phone), 'the phone is gone from the page');
  assert.equal(await page.getByTestId('buyer-erase').count(), 0, 'no second erasure');
  assert.equal(await page.getByTestId('buyer-export').count(), 1, 'the export stays');
  const after = await http('GET', `/buyers/${buyer.id}`, { token: sec });
  assert.equal(after.phone, null);
  assert.equal(after.address, null);
  assert.equal(after.name, '已删除的买家');
  assert.ok(after.erased_at, 'erased_at is set');
  const kept = await http('GET', `/orders/${order.id}`, { token: sec });
  assert.deepEqual([kept.buyer_id, kept.status, kept.total_fen, kept.paid_fen], [buyer.id, order.status, order.total_fen, order.paid_fen], 'the order stays');

  // The list marks the erased buyer too, and nothing scrolls sideways on a phone.
  await open('catalog?tab=buyers', 375);
  await textOf(page.getByTestId(`buyer-erased-${buyer.id}`), '已删除个人信息');
  await page.getByTestId(`buyer-${buyer.id}`).click();
  await page.getByTestId('buyer-erased').waitFor();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `the erased buyer at 375 px scrolls sideways (${scrollWidth} > ${innerWidth})`);
  await page.screenshot({ path: path.join(SHOTS, 'office-buyer-erased-375.png'), fullPage: true });
});

test('every audit entry reads as a Chinese sentence, in every category; the raw record is for the admin only', async () => {
  await open('audit');
  const categories = await page.getByTestId('a-entity').locator('option').evaluateAll((os) => os.map((o) => o.value));
  const seen = new Set();
  for (const category of categories) {
    await page.getByTestId('a-entity').selectOption(category);
    await page.getByTestId('a-find').click();
    for (let pageNo = 1; pageNo <= 3; pageNo += 1) {
      // Wait for this category's page, not the last one's rows still on screen.
      await page.waitForFunction(([cat, n]) => {
        const q = new URLSearchParams(document.getElementById('audit-table').dataset.query || '');
        return (q.get('entity') || '') === cat && q.get('page') === String(n);
      }, [category, pageNo]);
      const rows = await page.getByTestId('audit-table').locator('tbody tr[data-testid]').evaluateAll((trs) => trs.map((tr) => tr.innerText));
      for (const r of rows) {
        assertChinese(r, `category "${category}"`);
        seen.add(r.split('\t')[1]);
      }
      if (await page.getByTestId('a-next').isDisabled()) break;
      await page.getByTestId('a-next').click();
    }
  }
  // What this suite did, among others: stock, rules, statements, payouts, keys, accounts.
  for (const action of ['调整库存', '新建抽成规则', '出具对账单', '付款给种植户', '新建接口密钥', '停用接口密钥', '新建账号', '修改账号',
    '删除买家个人信息']) {
    assert.ok(seen.has(action), `no "${action}" entry on screen; saw ${[...seen].join('、')}`);
  }
  assert.equal(await page.getByTestId('audit-table').locator('details.raw').count(), 0, 'the secretary sees sentences only');
  await page.getByTestId('a-entity').selectOption('');
  await page.getByTestId('a-find').click();
  await textOf(page.getByTestId('audit-pages'), '第 1 /');
  await page.screenshot({ path: path.join(SHOTS, 'office-audit-1280.png') });

  // The admin gets the raw record one tap away.
  await page.getByTestId('logout').click();
  await page.goto(`${base}/app/office#audit`);
  await loginIfAsked(page, 'admin');
  await page.getByTestId('audit-view').waitFor({ state: 'visible' });
  const raw = page.getByTestId('audit-row-0').locator('details.raw');
  await raw.locator('summary').click();
  assert.match(await raw.locator('pre').textContent(), /"action"/);
  await page.getByTestId('logout').click();
});

test('no money or catalog tab scrolls sideways at 375 px or 1280 px', async () => {
  const tabs = ['money?tab=settle', 'money?tab=ledger', 'money?tab=income', 'money?tab=statements', 'money?tab=rules',
    'catalog?tab=batches', 'catalog?tab=products', 'catalog?tab=growers', 'catalog?tab=collectives', 'catalog?tab=buyers',
    'catalog?tab=users', 'catalog?tab=webhooks', 'catalog?tab=trace'];
  for (const width of [375, 1280]) {
    for (const tab of tabs) {
      await open(tab, width);
      await page.waitForTimeout(150);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
      }));
      assert.ok(scrollWidth <= innerWidth, `${tab} at ${width}: the page scrolls sideways (${scrollWidth} > ${innerWidth})`);
      assert.ok(!(await page.getByTestId('error').isVisible()), `${tab} at ${width}: ${await page.getByTestId('error').innerText().catch(() => '')}`);
    }
  }
  await open('money?tab=ledger', 1280);
  await page.screenshot({ path: path.join(SHOTS, 'office-ledger-1280.png') });
  await open('catalog?tab=batches', 375);
  await page.screenshot({ path: path.join(SHOTS, 'office-batches-375.png'), fullPage: true });
});
