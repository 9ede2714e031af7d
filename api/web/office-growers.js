// 财务 · 种植户对账：出对账单（从上一张对账单之后的全部记账），打印 A4 对账单（带签字栏，
// 可另存为 PDF），给种植户付款。对账单一经出具不再改变。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, table, form, act } = o;
  const { showNotice } = window.Zhunong;

  const METHODS = Object.entries(o.METHOD).filter(([v]) => v !== 'invoice');
  /** 明细里各类记账在摘要后的说明。 */
  const ENTRY_NOTE = { commission_withheld: '（扣集体提成）', platform_fee: '（扣平台费用）' };

  /** 打印区：只在打印时显示（office.css 的 @media print），其余界面打印时隐藏。 */
  async function printStatement(grower, collective, s) {
    // Every posting of the period: the ledger comes newest first, a page of 200 at a time, so
    // read on until the pages are older than the statement.
    const mine = [];
    for (let n = 1; ; n += 1) {
      const txns = await api('GET', `/ledger/transactions?grower_id=${grower.id}&per_page=200&page=${n}`);
      for (const t of txns.items) {
        if (t.occurred_on < s.period_from || t.occurred_on > s.period_to) continue;
        for (const e of t.entries) if (e.grower_id === grower.id) mine.push({ t, e });
      }
      const last = txns.items[txns.items.length - 1];
      if (txns.items.length < 200 || (last && last.occurred_on < s.period_from)) break;
    }
    mine.sort((a, b) => (a.t.occurred_on < b.t.occurred_on ? -1 : a.t.occurred_on > b.t.occurred_on ? 1 : a.t.id - b.t.id));
    const lines = el('table', { class: 'print-table' });
    table(lines, ['日期', '摘要', { text: '重量', num: true }, { text: '金额', num: true }],
      mine.map(({ t, e }) => ({ cells: [t.occurred_on, t.description + (ENTRY_NOTE[e.entry_kind] || ''),
        e.quantity_g ? jin(e.quantity_g) : '', money(-e.amount_fen)] })), { empty: '本期没有记账。' });
    const sums = el('table', { class: 'print-table sums' });
    table(sums, ['项目', { text: '金额', num: true }], [
      { cells: ['上期结余（应付未付）', money(s.opening_balance_fen)] },
      { cells: [`本期销售（${jin(s.quantity_g)}）`, money(s.sales_fen)] },
      { cells: ['扣村集体提成', money(-s.commission_fen)] },
      ...(s.platform_fees_fen ? [{ cells: ['扣平台费用', money(-s.platform_fees_fen)] }] : []),
      { cells: ['本期应付', money(s.payable_fen)] },
      { cells: ['本期已付', money(-s.paid_out_fen)] },
      { class: 'totals', cells: ['期末结余（应付未付）', money(s.balance_fen)] },
    ]);
    fill($('print-area'),
      el('h1', { text: `${collective || ''} 种植户结算对账单` }),
      el('p', { testid: 'print-head', text: `种植户：${grower.name}　电话：${grower.phone || '—'}　对账期间：${s.period_from} 至 ${s.period_to}　单号：${s.id}` }),
      sums, el('h2', { text: '明细' }), lines,
      el('div', { class: 'sign', testid: 'print-sign' },
        el('div', { text: '种植户签字：' }), el('div', { text: '经办人签字：' }), el('div', { text: '日期：' })),
      el('p', { class: 'muted', text: `出具时间 ${o.localTime(s.issued_at)}。金额以分计算，合计精确到分。` }));
    $('print-area').dataset.statement = String(s.id);
    window.print();
  }

  async function growersPanel(box, params) {
    const [growers, collectives] = await Promise.all([api('GET', '/growers?per_page=200'), api('GET', '/collectives?per_page=200')]);
    if (!growers.items.length) {
      fill(box, el('p', { class: 'empty', text: '还没有种植户，请先在“基础资料 · 种植户”中添加。' }));
      return;
    }
    const cname = new Map(collectives.items.map((c) => [c.id, c.name]));
    const pick = el('select', { testid: 'grower-pick', 'aria-label': '种植户' },
      growers.items.map((g) => el('option', { value: g.id, text: `${g.name}（${cname.get(g.collective_id) || ''}）` })));
    const id = Number(params.get('grower')) || growers.items[0].id;
    pick.value = String(id);
    pick.addEventListener('change', () => { location.hash = `#money?tab=statements&grower=${pick.value}`; });
    const grower = growers.items.find((g) => g.id === id) || growers.items[0];
    const statements = await api('GET', `/growers/${grower.id}/statements`);
    const list = el('table', { class: 'table', testid: 'statement-list' });
    table(list, ['单号', '期间', { text: '重量', num: true }, { text: '销售', num: true }, { text: '提成', num: true },
      { text: '应付', num: true }, { text: '已付', num: true }, { text: '期末结余', num: true }, ''],
    statements.map((s) => ({
      testid: `statement-${s.id}`,
      cells: [String(s.id), `${s.period_from} 至 ${s.period_to}`, jin(s.quantity_g), money(s.sales_fen), money(s.commission_fen),
        money(s.payable_fen), money(s.paid_out_fen), money(s.balance_fen), ''],
    })), { empty: '还没有对账单。结算过的订单会记到种植户名下，点“出对账单”即可。' });
    list.querySelectorAll('tbody tr').forEach((tr, i) => {
      const s = statements[i];
      if (!s) return;
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small', testid: `print-${s.id}`, text: '打印',
        onclick: (ev) => act(ev.target, null, () => printStatement(grower, cname.get(grower.collective_id), s)) }));
    });
    const issue = el('button', { type: 'button', class: 'btn primary', testid: 'issue-statement', text: '出对账单',
      onclick: (ev) => act(ev.target, null, async () => {
        if (!window.confirm(`为 ${grower.name} 出具对账单（截至今天的全部记账）？出具后不再改变。`)) return;
        const s = await api('POST', `/growers/${grower.id}/statements`, {});
        showNotice(`已出具对账单 ${s.id}：期末应付 ${money(s.balance_fen)}。`);
        await growersPanel(box, params);
      }) });
    const exports = ['csv', 'xlsx'].map((f) => el('button', { type: 'button', class: 'btn', testid: `statements-${f}`, text: f === 'csv' ? '下载 CSV' : '下载 Excel',
      onclick: (ev) => act(ev.target, null, () => o.download(`/growers/${grower.id}/statements?format=${f}`, `对账单_${grower.name}.${f}`)) }));
    const last = statements[statements.length - 1];
    const payout = form('payout-form', [
      { name: 'amount_fen', label: '付款金额（元）', type: 'money', required: true, value: last && last.balance_fen > 0 ? o.yuanText(last.balance_fen) : '' },
      { name: 'method', label: '付款方式', type: 'select', options: METHODS },
      { name: 'reference', label: '凭证号（可不填）', placeholder: '如 银行流水号' },
    ], '付款', async (v) => {
      if (!window.confirm(`付给 ${grower.name} ${money(v.amount_fen)}（${o.METHOD[v.method]}）？付款入账后不能修改。`)) return;
      await api('POST', `/growers/${grower.id}/payouts`, v, { headers: { 'Idempotency-Key': o.newKey() } });
      showNotice(`已记录付给 ${grower.name} ${money(v.amount_fen)}。`);
      await growersPanel(box, params);
    });
    fill(box,
      el('section', { class: 'card' },
        el('div', { class: 'row spread wrap' }, el('h2', { text: '种植户对账单' }), pick),
        el('div', { class: 'btns' }, issue, exports),
        el('div', { class: 'scroll' }, list)),
      o.growerAccountCard(grower, cname.get(grower.collective_id)),
      el('h2', { text: `给 ${grower.name} 付款` }),
      el('p', { class: 'muted', text: last ? `最近一张对账单的期末应付为 ${money(last.balance_fen)}；付款不能超过应付的钱。` : '付款不能超过应付给种植户的钱。' }),
      payout);
  }

  o.growersPanel = growersPanel;
})();
