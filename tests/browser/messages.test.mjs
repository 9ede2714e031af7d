// Every field message the server can send has a Chinese form on the pages (api/web/messages.js):
// the messages are read from the server's source, so a new check without a translation fails
// here. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './harness.mjs';
import { serverMessages, sample } from './server-messages.mjs';

function translator() {
  const window = {};
  vm.runInNewContext(readFileSync(path.join(ROOT, 'api', 'web', 'messages.js'), 'utf8'), { window });
  return window.ZhunongMessages.chineseFor;
}

test('every message the server can give about a field reads in Chinese on the pages', () => {
  const chineseFor = translator();
  const messages = serverMessages(ROOT);
  assert.ok(messages.length > 80, `found only ${messages.length} messages: the extractor is broken`);
  const missing = [];
  for (const m of messages) {
    const zh = chineseFor(sample(m));
    if (!zh || !/[\u4e00-\u9fff]/.test(zh) || /\b[a-z]{2,}\b/.test(zh)) missing.push(`${m} → ${zh}`);
  }
  assert.deepEqual(missing, [], `no Chinese for:\n${missing.join('\n')}`);
});

test('numbers in the message are carried into the Chinese, money in 元', () => {
  const chineseFor = translator();
  assert.equal(chineseFor('must be at most 200 characters'), '最多 200 个字');
  assert.equal(chineseFor('must be between 1 and 100000000 fen'), '应在 0.01 元到 1,000,000 元之间');
  assert.equal(chineseFor('the span may be at most 10 years'), '时间跨度最多 10 年');
  assert.equal(chineseFor('must not be before from'), '不能早于开始日期');
  assert.equal(chineseFor('letters, digits, \'.\', \'_\' and \'-\' only'), '只能用英文字母、数字和 . _ -');
  assert.equal(chineseFor('something the pages have never seen'), null);
});
