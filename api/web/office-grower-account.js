// 财务 · 种植户对账 · 按期间：选一个月、一季、一年（或自己定起止日期），看这位种植户期初欠多少、
// 每月卖了多少、村集体提成多少、付了多少、期末还欠多少，按产品分开；一页就能打印出来，
// 不用把两季的每一笔明细都印出来。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, table, act } = o;

  /** 期间的各项，一行。 */
  const figures = (f) => [jin(f.quantity_g), money(f.sales_fen), money(f.commission_fen), money(f.payable_fen), money(f.paid_out_fen)];
  const FIGURE_HEADERS = [{ text: '重量', num: true }, { text: '销售', num: true }, { text: '村集体提成', num: true },
    { text: '应付', num: true }, { text: '已付', num: true }];

  /** 屏幕上表格放在可横向滚动的框里；打印时直接排在纸上。 */
  function summaryTables(a, onScreen) {
    const framed = (t) => (onScreen ? el('div', { class: 'scroll' }, t) : t);
    const sums = el('table', { class: 'table print-table sums', testid: 'account-sums' });
    table(sums, ['项目', { text: '金额', num: true }], [
      { cells: [`期初结余（${a.from} 前应付未付）`, money(a.opening_balance_fen)] },
      { cells: [`本期销售（${jin(a.totals.quantity_g)}）`, money(a.totals.sales_fen)] },
      { cells: ['扣村集体提成', money(-a.totals.commission_fen)] },
      ...(a.totals.platform_fees_fen ? [{ testid: 'account-fees', cells: ['扣平台费用', money(-a.totals.platform_fees_fen)] }] : []),
      { cells: ['本期应付', money(a.totals.payable_fen)] },
      { cells: ['本期已付', money(-a.totals.paid_out_fen)] },
      { class: 'totals', testid: 'account-closing', cells: [`期末结余（${a.to} 应付未付）`, money(a.closing_balance_fen)] },
    ]);
    const months = el('table', { class: 'table print-table', testid: 'account-months' });
    table(months, ['月份', ...FIGURE_HEADERS], [
      ...a.months.map((m) => ({ cells: [m.month, ...figures(m)] })),
      { class: 'totals', cells: ['合计', ...figures(a.totals)] },
    ]);
    const products = el('table', { class: 'table print-table', testid: 'account-products' });
    table(products, ['产品', { text: '重量', num: true }, { text: '件数', num: true }, { text: '销售', num: true },
      { text: '村集体提成', num: true }, { text: '应付', num: true }],
    a.products.map((p) => ({ cells: [p.product, jin(p.quantity_g), String(p.pieces), money(p.net_sales_fen), money(p.commission_fen), money(p.payable_fen)] })),
    { empty: '本期没有结算的销售。' });
    const payouts = el('table', { class: 'table print-table', testid: 'account-payouts' });
    table(payouts, ['日期', '摘要', { text: '金额', num: true }],
      a.payouts.map((p) => ({ cells: [p.occurred_on, p.description, money(p.amount_fen)] })), { empty: '本期没有付款。' });
    return [framed(sums), el('h3', { text: '按月' }), framed(months), el('h3', { text: '按产品（按结算日期）' }), framed(products),
      el('h3', { text: '付款' }), framed(payouts)];
  }

  function print(a, grower, collective) {
    fill($('print-area'),
      el('h1', { text: `${collective || ''} 种植户对账单（按期间）` }),
      el('p', { testid: 'print-head', text: `种植户：${grower.name}　电话：${grower.phone || '—'}　期间：${a.from} 至 ${a.to}` }),
      summaryTables(a, false),
      el('div', { class: 'sign', testid: 'print-sign' },
        el('div', { text: '种植户签字：' }), el('div', { text: '经办人签字：' }), el('div', { text: '日期：' })),
      el('p', { class: 'muted', text: `打印时间 ${o.localTime(new Date().toISOString())}。按账目实时汇总，金额以分计算，合计精确到分。` }));
    delete $('print-area').dataset.statement;
    window.print();
  }

  /** 按期间对账的卡片：起止日期、常用期间、查看、打印。 */
  function accountCard(grower, collective) {
    const [from0, to0] = o.reportViews.presetRange('this-year');
    const from = el('input', { type: 'date', testid: 'account-from', value: from0, 'aria-label': '开始日期', 'data-field': 'from' });
    const to = el('input', { type: 'date', testid: 'account-to', value: to0, 'aria-label': '结束日期', 'data-field': 'to' });
    const out = el('div', { testid: 'account-result' });
    let shown = null;
    const load = async () => {
      shown = await api('GET', `/growers/${grower.id}/account?from=${from.value}&to=${to.value}`);
      fill(out, summaryTables(shown, true));
    };
    const presets = [['本月', 'this-month'], ['上月', 'last-month'], ['本季', 'this-quarter'], ['今年', 'this-year'], ['去年', 'last-year']]
      .map(([text, key]) => el('button', { type: 'button', class: 'btn small', testid: `account-preset-${key}`, text,
        onclick: (ev) => act(ev.target, null, async () => { [from.value, to.value] = o.reportViews.presetRange(key); await load(); }) }));
    const view = el('button', { type: 'button', class: 'btn', testid: 'account-view', text: '查看',
      onclick: (ev) => act(ev.target, null, load) });
    const printBtn = el('button', { type: 'button', class: 'btn primary', testid: 'account-print', text: '打印',
      onclick: (ev) => act(ev.target, null, async () => { if (!shown) await load(); print(shown, grower, collective); }) });
    act(null, null, load);
    return el('section', { class: 'card', testid: 'grower-account' },
      el('h2', { text: `${grower.name} 按期间对账` }),
      el('p', { class: 'muted', text: '选一个月、一季或一年，看期初期末应付、每月和每种产品的销售与提成、付款。一页打印，不列每一笔明细。' }),
      el('div', { class: 'presets' }, presets),
      el('div', { class: 'row wrap' }, from, '至', to, view, printBtn),
      out);
  }

  o.growerAccountCard = accountCard;
})();
