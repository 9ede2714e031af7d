// 财务：收款结算（office-settle.js）、账目（记账凭证和分录）、其他收入（租金、分红，
// 按份额分给各村集体）。种植户对账单和付款在 office-growers.js，提成规则在 office-rules.js。
// 金额一律以“分”计算，只在显示时换算成元。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, table, form } = o;
  const { showNotice } = window.Zhunong;

  const TXN_KIND = window.Zhunong.labelsOf('transaction_kind');
  const ENTRY_KIND = window.Zhunong.labelsOf('entry_kind');
  // 手工登记的其他收入：销售提成由结算自动记，不在这里选。
  const CATEGORY = Object.entries(window.Zhunong.labelsOf('income_category',
    ['greenhouse_rent', 'cold_store_rent', 'joint_dividend', 'other']));

  /** 村集体、种植户的名字，给分录的账户用。 */
  let names = { collectives: new Map(), growers: new Map() };
  async function loadNames() {
    const [c, g] = await Promise.all([api('GET', '/collectives?per_page=200'), api('GET', '/growers?per_page=200')]);
    names = { collectives: new Map(c.items.map((x) => [x.id, x.name])), growers: new Map(g.items.map((x) => [x.id, x.name])) };
    return names;
  }
  function accountName(e) {
    if (e.collective_id) return `村集体：${names.collectives.get(e.collective_id) || e.collective_id}`;
    if (e.grower_id) return `种植户：${names.growers.get(e.grower_id) || e.grower_id}`;
    return '现金';
  }

  // ---------------------------------------------------------------- 账目

  async function ledgerPanel(box, params) {
    await loadNames();
    const kind = params.get('kind') || '';
    const filter = el('select', { testid: 'ledger-kind', 'aria-label': '凭证类型' },
      el('option', { value: '', text: '全部凭证' }), Object.entries(TXN_KIND).map(([v, t]) => el('option', { value: v, text: t })));
    filter.value = kind;
    filter.addEventListener('change', () => { location.hash = `#money?tab=ledger${filter.value ? '&kind=' + filter.value : ''}`; });
    const page = await api('GET', `/ledger/transactions?per_page=100${kind ? '&kind=' + kind : ''}`);
    const rows = [];
    for (const t of page.items) {
      rows.push({ class: 'group-head', testid: `txn-${t.id}`, cells: [t.occurred_on, TXN_KIND[t.kind] || t.kind, t.description, '', ''] });
      for (const e of t.entries) {
        rows.push({ cells: ['', '', accountName(e), ENTRY_KIND[e.entry_kind] || e.entry_kind, money(e.amount_fen)] });
      }
    }
    const list = el('table', { class: 'table', testid: 'ledger-table' });
    table(list, ['日期', '类型', '摘要 / 账户', '分录', { text: '金额', num: true }], rows,
      { empty: '还没有记账。订单结算、录入其他收入或给种植户付款后，凭证会出现在这里。' });
    fill(box, el('section', { class: 'card' },
      el('div', { class: 'row spread wrap' }, el('h2', { text: `记账凭证（共 ${page.total} 张）` }), filter),
      el('p', { class: 'muted', text: '每张凭证的分录相加为零：收进的钱等于记给种植户和村集体的钱。' }),
      el('div', { class: 'scroll' }, list)));
  }

  // ---------------------------------------------------------------- 其他收入

  async function incomePanel(box) {
    const { collectives } = await loadNames();
    const today = window.Zhunong.localDate();
    const shareFields = [...collectives].map(([id, name]) => ({ name: `share_${id}`, label: `${name}（份数）`, type: 'number', placeholder: '0' }));
    const f = form('income-form', [
      { name: 'category', label: '类别', type: 'select', options: CATEGORY },
      { name: 'amount_fen', label: '金额（元）', type: 'money', required: true, placeholder: '如 250000' },
      { name: 'occurred_on', label: '日期', type: 'date', value: today, required: true },
      { name: 'description', label: '摘要', required: true, wide: true, placeholder: '如 冷库 2026 年租金' },
      { name: 'late', label: '补记到本月（所选日期的月份已结账）', type: 'checkbox' },
      ...shareFields,
    ], '入账', async (v) => {
      const shares = [...collectives.keys()].filter((id) => v[`share_${id}`] > 0).map((id) => ({ collective_id: id, shares: v[`share_${id}`] }));
      if (!shares.length) throw window.Zhunong.clientError('请至少给一个村集体填写份数（如四村联建各 1 份）。', [{ field: 'shares', message: '至少一个村集体' }]);
      const body = { category: v.category, amount_fen: v.amount_fen, occurred_on: v.occurred_on, description: v.description, shares, late: Boolean(v.late) };
      if (!window.confirm(`把 ${money(body.amount_fen)} 按份额记入 ${shares.length} 个村集体？入账后不能修改。`)) return;
      const t = await api('POST', '/ledger/income', body);
      showNotice(`已入账：${t.description}，${money(body.amount_fen)}。`);
      f.reset();
    });
    fill(box, el('section', {},
      el('h2', { text: '录入其他收入' }),
      el('p', { class: 'muted', text: '大棚、冷库租金或联营分红，按份数分给各村集体，分到的金额相加正好等于总额。' }),
      collectives.size ? f : el('p', { class: 'empty', text: '还没有村集体，请先在“基础资料”中添加。' })));
  }

  const PANELS = {
    settle: (box) => o.settlePanel(box), ledger: ledgerPanel, income: incomePanel,
    statements: (box, p) => o.growersPanel(box, p), rules: (box, p) => o.rulesPanel(box, p),
  };

  async function show(params) {
    const tab = PANELS[params.get('tab')] ? params.get('tab') : 'settle';
    fill($('money-tabs'), o.tabs('money', [['settle', '收款结算'], ['ledger', '账目'], ['income', '其他收入'], ['statements', '种植户对账'], ['rules', '提成规则']], tab));
    const box = $('money-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    await window.Zhunong.run(null, () => PANELS[tab](box, params));
  }

  o.ledgerNames = { names: () => names, loadNames, accountName, TXN_KIND };
  o.register('money', { show });
})();
