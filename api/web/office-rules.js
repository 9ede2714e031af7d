// 财务 · 提成规则：村集体从每笔销售中提多少（按金额的万分比，或每斤几分），分给哪些村集体。
// 规则只新增、不修改：新规则从生效日起用于新订单，已下的订单保留下单时的规则。
// 最具体的规则优先：批次，其次产品，再次渠道；同一层级取最新的一条。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, money, table, form, act } = o;
  const { showNotice } = window.Zhunong;

  const SCOPE = window.Zhunong.labelsOf('rule_scope', ['channel', 'product', 'batch']);

  /** 500 个万分点 → “5%”，外加每斤几分。 */
  function rate(r) {
    const parts = [];
    if (r.basis_points) parts.push(`${(r.basis_points / 100).toFixed(2).replace(/\.?0+$/, '')}%`);
    if (r.fen_per_jin) parts.push(`每斤 ${money(r.fen_per_jin)}`);
    return parts.join(' + ') || '0';
  }

  async function rulesPanel(box, params) {
    const [rules, products, batches, collectives] = await Promise.all([
      api('GET', '/commission-rules?per_page=200'), api('GET', '/products?per_page=200'),
      api('GET', '/batches?per_page=200'), api('GET', '/collectives?per_page=200'),
    ]);
    const pname = new Map(products.items.map((p) => [p.id, p.name]));
    const cname = new Map(collectives.items.map((c) => [c.id, c.name]));
    const bname = (b) => `${b.code || '批次 ' + b.id}（${pname.get(b.product_id) || ''}）`;
    const bmap = new Map(batches.items.map((b) => [b.id, b]));
    const target = (r) => (r.scope === 'batch' ? (bmap.has(r.batch_id) ? bname(bmap.get(r.batch_id)) : `批次 ${r.batch_id}`)
      : r.scope === 'product' ? pname.get(r.product_id) || `产品 ${r.product_id}` : o.CHANNEL[r.channel] || r.channel);
    const shares = (r) => r.shares.map((s) => `${cname.get(s.collective_id) || s.collective_id} ${s.shares} 份`).join('，');
    const list = el('table', { class: 'table', testid: 'rule-list' });
    table(list, ['编号', '范围', '对象', '提成', '生效', '分给', '说明'], rules.items.map((r) => ({
      testid: `rule-${r.id}`,
      cells: [String(r.id), SCOPE[r.scope], target(r), rate(r), `${r.valid_from} 起` + (r.valid_to ? ` 至 ${r.valid_to}` : ''), shares(r), r.note || ''],
    })), { empty: '还没有提成规则：订单不给村集体提成。请在下面新建一条，如“直播渠道 5%，全归本村”。' });

    const today = window.Zhunong.localDate();
    const shareFields = collectives.items.map((c) => ({ name: `share_${c.id}`, label: `${c.name}（份数）`, type: 'number', placeholder: '0' }));
    const f = form('rule-form', [
      { name: 'scope', label: '范围', type: 'select', options: Object.entries(SCOPE) },
      { name: 'channel', label: '渠道（范围为渠道时）', type: 'select', options: Object.entries(o.CHANNEL) },
      { name: 'product_id', label: '产品（范围为产品时）', type: 'select', options: products.items.map((p) => [p.id, p.name]) },
      { name: 'batch_id', label: '批次（范围为批次时）', type: 'select', options: batches.items.map((b) => [b.id, bname(b)]) },
      { name: 'percent', label: '提成比例（%）', placeholder: '如 5 或 2.5' },
      { name: 'fen_per_jin', label: '每斤提成（元）', type: 'money', placeholder: '如 0.10' },
      { name: 'valid_from', label: '生效日期', type: 'date', value: today, required: true },
      { name: 'valid_to', label: '截止日期（可不填）', type: 'date' },
      { name: 'note', label: '说明', wide: true, placeholder: '如 2026 年村民代表大会决议' },
      ...shareFields,
    ], '新建规则', async (v) => {
      const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(window.Zhunong.halfWidth(v.percent || '0'));
      if (!m) throw window.Zhunong.clientError('提成比例请写数字，如 5 或 2.5。', [{ field: 'percent', message: '如 5 或 2.5' }]);
      const body = {
        scope: v.scope,
        basis_points: Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')),
        fen_per_jin: v.fen_per_jin || 0,
        valid_from: v.valid_from, valid_to: v.valid_to, note: v.note,
        shares: collectives.items.filter((c) => v[`share_${c.id}`] > 0).map((c) => ({ collective_id: c.id, shares: v[`share_${c.id}`] })),
      };
      if (v.scope === 'channel') body.channel = v.channel;
      if (v.scope === 'product') body.product_id = Number(v.product_id);
      if (v.scope === 'batch') body.batch_id = Number(v.batch_id);
      if (!body.shares.length) throw window.Zhunong.clientError('请至少给一个村集体填写份数。', [{ field: 'shares', message: '至少一个村集体' }]);
      if (!window.confirm(`新建规则：${SCOPE[body.scope]} ${rate(body)}，${body.valid_from} 起生效？规则建立后不能修改，只能再建新规则。`)) return;
      const r = await api('POST', '/commission-rules', body);
      showNotice(`已建立规则 ${r.id}，从 ${r.valid_from} 起用于新订单。`);
      await rulesPanel(box, params);
    });

    // 某个批次现在适用哪条规则（各渠道），与下单时的选择相同。
    const pick = el('select', { testid: 'rule-batch', 'aria-label': '批次' }, batches.items.map((b) => el('option', { value: b.id, text: bname(b) })));
    const answer = el('div', { class: 'scroll' }, el('table', { class: 'table', testid: 'rule-applies' }));
    const check = () => act(null, null, async () => {
      if (!pick.value) return;
      const r = await api('GET', `/batches/${pick.value}/commission-rules`);
      table(answer.firstChild, ['渠道', '适用规则', '提成', '分给'], r.channels.map((c) => ({
        testid: `applies-${c.channel}`,
        cells: [o.CHANNEL[c.channel] || c.channel, c.rule ? `${c.rule.id}（${SCOPE[c.rule.scope]}）` : '无', c.rule ? rate(c.rule) : '不提成', c.rule ? shares(c.rule) : ''],
      })));
    });
    pick.addEventListener('change', check);

    fill(box,
      el('section', { class: 'card' }, el('h2', { text: '提成规则' }), el('div', { class: 'scroll' }, list)),
      el('h2', { text: '新建规则' }),
      collectives.items.length ? f : el('p', { class: 'empty', text: '还没有村集体，请先在“基础资料”中添加。' }),
      el('section', { class: 'card' },
        el('div', { class: 'row spread wrap' }, el('h2', { text: '批次今天适用的规则' }), pick),
        batches.items.length ? answer : el('p', { class: 'empty', text: '还没有批次。' })));
    if (batches.items.length) await check();
  }

  o.rulesPanel = rulesPanel;
})();
