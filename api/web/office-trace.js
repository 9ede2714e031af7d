// 基础资料 · 溯源扫码：买家扫标签上的溯源码的次数，按批次和日期。标签在称重站按订单、装车单打印，
// 或在“批次”里按批次打印（预先装好的礼盒）。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, table, form } = o;

  async function tracePanel(box, params) {
    const to = params.get('to') || window.Zhunong.localDate();
    const from = params.get('from') || window.Zhunong.localDate(new Date(Date.now() - 30 * 86400000));
    const r = await api('GET', `/reports/trace-scans?from=${from}&to=${to}`);
    const list = el('table', { class: 'table', testid: 'scan-list' });
    table(list, ['批次', '产品', { text: '扫码次数', num: true }, '按日'], r.batches.map((b) => ({
      testid: `scans-${b.batch_id}`,
      cells: [b.batch_code || `批次 ${b.batch_id}`, b.product_name, String(b.scans), b.days.map((d) => `${d.day.slice(5)}：${d.scans}`).join('，')],
    })), { empty: '这段时间没有人扫码。在称重站给订单打印溯源标签贴在箱子上，买家扫码就能看到产地和对村集体的贡献。' });
    const f = form('scan-form', [
      { name: 'from', label: '开始日期', type: 'date', value: from, required: true },
      { name: 'to', label: '结束日期', type: 'date', value: to, required: true },
    ], '查询', async (v) => { location.hash = `#catalog?tab=trace&from=${v.from}&to=${v.to}`; });
    fill(box, f, el('section', { class: 'card' },
      el('h2', { testid: 'scan-total', text: `${from} 至 ${to}，共扫码 ${r.scans} 次` }),
      el('div', { class: 'scroll' }, list)));
  }

  o.tracePanel = tracePanel;
})();
