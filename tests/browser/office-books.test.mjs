// Headless-Chromium test of the office's books (/app/office#books), at desktop size (1280 px), on
// the demo village. The secretary opens the newest month's vouchers: as many as the ledger has
// transactions that month, each voucher's debits equal to its credits and the month's too; she
// downloads them as Excel, one block a voucher. The trial balance of the month has equal debits
// and credits, and agrees with the vouchers. The year's income statement has the story's 1,167,100
// yuan, +45.89 % on the year before. In the mapping she books cash in hand (101) from
// today, and the page says so. She closes last month, and the page says its vouchers are final. The pages read in Chinese only and axe finds nothing serious.
// Screenshots go to artifacts/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
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

async function allChinese(where) {
  const text = await page.evaluate(() => {
    const m = document.querySelector('main').cloneNode(true);
    m.querySelectorAll('select, [hidden]').forEach((n) => n.remove());
    return m.textContent;
  });
  const words = (text.match(/\b[A-Za-z]{2,}\b/g) || []).filter((w) => !/^(CSV|Excel|ZN)$/.test(w) && !/^ZN\d/.test(w));
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

const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

before(async () => {
  ({ base, context } = await start());
  state.sec = await login('secretary', DEMO_PASSWORD);
  const newest = (await http('GET', '/ledger/transactions?per_page=1', { token: state.sec })).items[0];
  state.month = newest.occurred_on.slice(0, 7);
  state.collective = (await http('GET', '/collectives?per_page=1', { token: state.sec })).items[0];
  state.vouchers = await http('GET', `/collectives/${state.collective.id}/books/vouchers?month=${state.month}`, { token: state.sec });
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => { await stop(); });

test('the secretary reads a month’s vouchers and its trial balance, downloads them, and maps cash in hand', async () => {
  const v = state.vouchers;
  assert.ok(v.vouchers.length > 0, 'the demo month has vouchers');
  assert.equal(v.debit_total_fen, v.credit_total_fen);
  await page.goto(`${base}/app/office#books?tab=vouchers&month=${state.month}`);
  await loginIfAsked(page, 'secretary');
  await page.getByTestId('books-view').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('nav-books').getAttribute('aria-current'), 'page');
  await textOf(page.getByTestId('vouchers-summary'),
    `${state.month} 共 ${v.vouchers.length} 张凭证，借方 ${yuan(v.debit_total_fen)}，贷方 ${yuan(v.credit_total_fen)}。`);
  await textOf(page.getByTestId('voucher-记-0001'), v.vouchers[0].summary);
  await allChinese('vouchers');
  await axe('vouchers');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-books-vouchers.png'), fullPage: true });
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('vouchers-xlsx-blocks').click()]);
  assert.match(d.suggestedFilename(), /^记账凭证_\d{4}-\d{2}_按凭证\.xlsx$/);
  const book = await readFile(await d.path());
  assert.equal(book.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
  // Printed, one voucher to an A5 page, with the boxes to sign.
  const [printed] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('vouchers-print').click()]);
  await printed.waitForLoadState();
  await printed.locator('section.voucher').first().waitFor();
  assert.equal(await printed.locator('section.voucher').count(), v.vouchers.length);
  assert.match(await printed.locator('section.voucher').first().innerText(), /合计：人民币（大写）.+[整分][\s\S]*制单：/);
  await printed.close();

  // The trial balance of the same month: debits equal credits, and they are the vouchers'.
  await page.getByTestId('tab-trial').click();
  await page.getByTestId('trial-from').fill(`${state.month}-01`);
  const [y, m] = state.month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  await page.getByTestId('trial-to').fill(last);
  await page.getByTestId('trial-show').click();
  await textOf(page.getByTestId('trial-totals'), `${yuan(v.debit_total_fen)}${yuan(v.credit_total_fen)}`);
  await page.getByTestId('trial-501').waitFor();
  await allChinese('trial balance');
  await axe('trial balance');

  // The year's income statement: the story's 1,167,100 yuan, +45.89 % on the year before.
  await page.getByTestId('tab-statement').click();
  await textOf(page.getByTestId('statement-income'), '本年收益 ¥1,167,100.00，上年 ¥800,000.00，+45.89%');
  await textOf(page.getByTestId('statement-line-0'), '一、经营收入');
  await allChinese('income statement');
  await axe('income statement');

  // Cash in hand from today on.
  await page.getByTestId('tab-mapping').click();
  await page.getByTestId('map-code-cash').selectOption('101');
  await page.getByTestId('map-save-cash').click();
  await textOf(page.getByTestId('notice'), '记入 101');
  await textOf(page.getByTestId('map-cash'), '101 库存现金');
  await allChinese('mapping');
  await axe('mapping');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-books-mapping.png'), fullPage: true });
  // Close last month: its vouchers are final from then on.
  const now = new Date();
  const prev = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const prevMonth = `${prev.getFullYear()}-${String(prev.getMonth() + 1).padStart(2, '0')}`;
  await page.goto(`${base}/app/office#books?tab=vouchers&month=${prevMonth}`);
  await page.getByTestId('vouchers-summary').waitFor();
  await textOf(page.getByTestId('vouchers-summary'), prevMonth);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('vouchers-close').click();
  await textOf(page.getByTestId('vouchers-closed'), '这个月已结账');
  assert.equal((await http('GET', '/books/closed-months', { token: state.sec })).closed_through, prevMonth);
  await allChinese('closed month');
  await noHorizontalScroll(page, 'books');
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(pageErrors, []);
});
