// Headless-Chromium test of the public finance sheet (财务公开) on the demo village. The secretary
// drafts last quarter's sheet in the office (desktop, 1280 px); its income total is the one the
// books give. A member of the finance group, on her own device with an auditor's account, opens
// the office, sees no button to publish, and checks the sheet. The secretary publishes it and
// prints the A3 poster; the poster's QR code, photographed from the printed page (a screenshot)
// and decoded, opens the public page on a phone, which shows the sheet and fits the screen.
// The pages read in Chinese only and axe finds nothing serious. Screenshots go to
// artifacts/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { ARTIFACTS, DEMO_PASSWORD, start, stop, http, login, loginIfAsked, newContext, textOf, noHorizontalScroll, noStrayText } from './harness.mjs';

const require = createRequire(import.meta.url);

let base;
let context;
const pageErrors = [];
const findings = [];
const state = {};
const AUDITOR = { username: 'liuzu', password: 'audit-pass-123', display_name: '刘组长' };

async function allChinese(p, where) {
  const text = await p.evaluate(() => {
    const m = document.querySelector('main').cloneNode(true);
    m.querySelectorAll('select, [hidden]').forEach((n) => n.remove());
    return m.textContent;
  });
  // A robot's address is shown as its host and the key's last characters (`oapi.dingtalk.com …cdef`).
  const words = (text.replace(/[a-z0-9-]+(\.[a-z0-9-]+)+ …[A-Za-z0-9]{1,4}/g, '').match(/\b[A-Za-z]{2,}\b/g) || []).filter((w) => !/^(CSV|Excel|ZN|SEC)$/.test(w) && !/^ZN\d/.test(w));
  assert.deepEqual(words, [], `${where}: English on the page:\n${text.slice(0, 3000)}`);
  await noStrayText(p, where);
}

async function axe(p, where) {
  const result = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    findings.push(`${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

const yuan = (fen) => `${fen < 0 ? '-' : ''}¥${(Math.abs(fen) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** The quarter before this one, as the office offers it first. */
function lastQuarter() {
  const now = new Date();
  let y = now.getFullYear();
  let q = Math.floor(now.getMonth() / 3) - 1;
  if (q < 0) { q = 3; y -= 1; }
  return `${y}-Q${q + 1}`;
}

async function office(ctx, username, password) {
  const p = await ctx.newPage();
  await p.setViewportSize({ width: 1280, height: 900 });
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(`${base}/app/office#books?tab=disclosure`);
  await loginIfAsked(p, username, password);
  await p.getByTestId('books-view').waitFor({ state: 'visible' });
  return p;
}

before(async () => {
  ({ base, context } = await start());
  state.sec = await login('secretary', DEMO_PASSWORD);
  state.collective = (await http('GET', '/collectives?per_page=1', { token: state.sec })).items[0];
  await http('POST', '/users', { token: state.sec, body: { ...AUDITOR, role: 'auditor' } });
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
});

after(async () => { await stop(); });

test('the secretary drafts a quarter’s finance sheet, an auditor checks it, and its poster’s QR code opens it on a phone', async () => {
  const period = lastQuarter();
  const c = state.collective.id;

  // The secretary drafts last quarter's sheet from the books.
  const sec = await office(context, 'secretary');
  assert.equal(await sec.getByTestId('sheet-period').inputValue(), period);
  await sec.getByTestId('draft-note-plan').fill('本季度无新的财务计划。');
  await sec.getByTestId('sheet-draft').click();
  await textOf(sec.getByTestId('notice'), '已起草');
  const [sheet] = await http('GET', `/collectives/${c}/finance-sheets`, { token: state.sec });
  assert.equal(sheet.status, 'drafted');
  assert.ok(sheet.content.income_total_fen > 0, 'the demo quarter has income');
  await textOf(sec.getByTestId('sheet-status'), `草稿。收入合计 ${yuan(sheet.content.income_total_fen)}`);
  await sec.getByTestId('sheet-income').waitFor();
  assert.equal(await sec.getByTestId('sheet-publish').count(), 0, 'nothing to publish before the check');
  await allChinese(sec, 'draft');
  await axe(sec, 'draft');
  await sec.screenshot({ path: path.join(ARTIFACTS, 'office-disclosure-draft.png'), fullPage: true });

  // The finance group's member, on her own device, checks it; she cannot publish.
  const other = await newContext();
  await other.context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  const aud = await office(other.context, AUDITOR.username, AUDITOR.password);
  await aud.getByTestId('sheet-check').waitFor();
  assert.equal(await aud.getByTestId('sheet-draft').count(), 0, 'an auditor drafts nothing');
  assert.equal(await aud.getByTestId('sheet-publish').count(), 0, 'an auditor publishes nothing');
  await aud.getByTestId('sheet-check-note').fill('已逐笔核对凭证');
  await aud.getByTestId('sheet-check').click();
  await textOf(aud.getByTestId('notice'), '已审核通过');
  await textOf(aud.getByTestId('sheet-status'), '已审核');
  await allChinese(aud, 'auditor');
  await axe(aud, 'auditor');
  await aud.screenshot({ path: path.join(ARTIFACTS, 'office-disclosure-auditor.png'), fullPage: true });

  // The secretary publishes it and prints the poster.
  await sec.goto(`${base}/app/office#books?tab=disclosure&collective=${c}&sheet=${sheet.id}`);
  await sec.reload();
  await textOf(sec.getByTestId('sheet-status'), '已审核');
  sec.once('dialog', (d) => d.accept());
  await sec.getByTestId('sheet-publish').click();
  await textOf(sec.getByTestId('notice'), '已公布');
  await textOf(sec.getByTestId('sheet-status'), '已公布');
  const [poster] = await Promise.all([sec.waitForEvent('popup'), sec.getByTestId('sheet-poster').click()]);
  await poster.waitForLoadState();
  const qr = poster.getByTestId('poster-qr').locator('svg');
  await qr.waitFor();
  assert.match(await poster.locator('article.poster').innerText(), /二、各项收入[\s\S]*六、债权债务[\s\S]*民主理财小组审核：刘组长/);
  await poster.screenshot({ path: path.join(ARTIFACTS, 'office-disclosure-poster.png'), fullPage: true });
  const shot = await qr.screenshot();

  // The QR code, read from the picture of the printed page, opens the public page on a phone.
  const phone = await other.context.newPage();
  phone.on('pageerror', (e) => pageErrors.push(String(e)));
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto('about:blank');
  await phone.addScriptTag({ content: await readFile(require.resolve('jsqr/dist/jsQR.js'), 'utf8') });
  const url = await phone.evaluate(async (png) => {
    const img = new Image();
    img.src = `data:image/png;base64,${png}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const pixels = g.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(pixels.data, pixels.width, pixels.height);
    return found ? found.data : '';
  }, shot.toString('base64'));
  assert.equal(url, `${base}/gongkai/${c}/${period}?v=1`);
  await phone.goto(url);
  await textOf(phone.getByTestId('sheet-title'), `${state.collective.name}财务公开`);
  await textOf(phone.getByTestId('income-total'), yuan(sheet.content.income_total_fen));
  await textOf(phone.getByTestId('checked-by'), '刘组长');
  await allChinese(phone, 'public page');
  await axe(phone, 'public page');
  await noHorizontalScroll(phone, 'public page');
  await phone.screenshot({ path: path.join(ARTIFACTS, 'public-finance-sheet.png'), fullPage: true });
  await other.context.close();

  assert.deepEqual(other.blocked, []);
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(pageErrors, []);
});

test('the secretary adds a DingTalk robot for the daily summary; a secret not beginning SEC is refused in Chinese', async () => {
  const p = await context.newPage();
  await p.setViewportSize({ width: 1280, height: 900 });
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(`${base}/app/office#catalog?tab=robots`);
  await loginIfAsked(p, 'secretary');
  await p.getByTestId('robot-form').waitFor();
  await p.getByTestId('robot-form-name').fill('村干部群');
  await p.getByTestId('robot-form-kind').selectOption('dingtalk');
  await p.getByTestId('robot-form-url').fill('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef');
  await p.getByTestId('robot-form-secret').fill('abc123');
  await p.getByTestId('robot-form-daily_summary').check();
  await p.getByTestId('robot-form-submit').click();
  await textOf(p.getByTestId('error'), '钉钉的加签密钥以 SEC 开头');
  assert.deepEqual(await http('GET', '/robots', { token: state.sec }), []);
  await p.getByTestId('robot-form-secret').fill('SEC0123456789abcdef');
  await p.getByTestId('robot-form-submit').click();
  await textOf(p.getByTestId('notice'), '已添加“村干部群”');
  const [robot] = await http('GET', '/robots', { token: state.sec });
  await textOf(p.getByTestId(`robot-${robot.id}`), 'oapi.dingtalk.com …cdef');
  await textOf(p.getByTestId(`robot-${robot.id}`), '日报（21:00）');
  assert.ok(!(await p.content()).includes('0123456789abcdef'), 'the key is not on the page');
  await p.getByTestId(`robot-test-${robot.id}`).click();
  await textOf(p.getByTestId('notice'), '测试消息');
  await p.getByTestId(`robot-messages-${robot.id}`).click();
  await textOf(p.getByTestId('robot-messages'), '测试：测试消息');
  // No network here: the message waits to be retried, and the page says why in Chinese.
  for (let i = 0; i < 50 && !(await p.getByTestId('robot-messages').innerText()).includes('找不到机器人的服务器'); i += 1) {
    await p.waitForTimeout(100);
    await p.getByTestId(`robot-messages-${robot.id}`).click();
  }
  await textOf(p.getByTestId('robot-messages'), '排队中，稍后重试找不到机器人的服务器');
  await allChinese(p, 'robots');
  await axe(p, 'robots');
  await noHorizontalScroll(p, 'robots');
  await p.screenshot({ path: path.join(ARTIFACTS, 'office-robots.png'), fullPage: true });
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(pageErrors, []);
});
