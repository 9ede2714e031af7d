// 首页：今日、本周、本月、本年的卡片（与去年同期比），今年各产品按月的销售额、渠道构成，
// 村集体收入（按类别和月份，与上年比），待处理事项（数据备份与数据核对两行在 office-check.js）和最新订单。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, wan, jin, count, pct, pctClass, table, chart } = o;

  function card(c) {
    const m = c.metrics;
    const p = c.compared.change_percent;
    const change = (k) => el('span', { class: pctClass(p[k]), text: pct(p[k]) });
    return el('section', { class: 'stat', testid: `card-${c.period}` },
      el('h3', { text: `${c.label}净销售额` }),
      el('div', { class: 'value', testid: `card-${c.period}-net`, text: money(m.net_sales_fen) }),
      el('div', { class: 'muted' }, '比去年同期 ', change('net_sales_fen')),
      el('dl', {},
        el('dt', { text: '订单' }), el('dd', { testid: `card-${c.period}-orders` }, `${count(m.orders)} 单 `, change('orders')),
        el('dt', { text: '销量' }), el('dd', { testid: `card-${c.period}-jin` }, jin(m.quantity_g), ' ', change('quantity_g')),
        el('dt', { text: '集体提成' }), el('dd', { testid: `card-${c.period}-commission` }, money(m.commission_fen), ' ', change('commission_fen'))));
  }

  // 报表可能来自只读副本：写明数据截至几点，当天只写时分秒，更早的带上日期。
  function asOf(iso) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    const sameDay = d.toDateString() === new Date().toDateString();
    return `数据截至 ${sameDay ? '' : `${d.getMonth() + 1}月${d.getDate()}日 `}${time}`;
  }

  async function cards() {
    const s = await api('GET', '/reports/sales/summary');
    fill($('cards'), s.cards.map(card));
    $('as-of').textContent = asOf(s.as_of);
    return s;
  }

  const yuanNumber = (fen) => Number(fen) / 100;

  async function charts(year) {
    const base = `from=${year.from}&to=${year.to}`;
    const byProduct = await api('GET', `/reports/sales?${base}&interval=month&group_by=product`);
    const labels = byProduct.periods.map((p) => p.label);
    const products = new Map();
    for (const r of byProduct.rows) {
      const name = r.dimensions.product.label;
      if (!products.has(name)) products.set(name, new Array(labels.length).fill(0));
      products.get(name)[labels.indexOf(r.period.label)] += yuanNumber(r.metrics.net_sales_fen);
    }
    chart('chart-products', {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '元' },
      series: [...products].map(([name, data]) => ({ name, type: 'bar', stack: 'sales', data })),
    });
    const byChannel = await api('GET', `/reports/sales?${base}&group_by=channel`);
    chart('chart-channels', {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{
        type: 'pie', radius: ['35%', '65%'],
        data: byChannel.rows.map((r) => ({ name: r.dimensions.channel.label, value: yuanNumber(r.metrics.net_sales_fen) })),
      }],
    });
  }

  const CATEGORY = window.Zhunong.labelsOf('income_category');

  async function income() {
    const id = $('income-collective').value;
    const year = $('income-year').value;
    if (!id) {
      fill($('income-table'));
      $('income-total').textContent = '还没有村集体，请先在基础资料中添加。';
      return;
    }
    const r = await api('GET', `/reports/collective-income?collective_id=${id}&year=${year}`);
    const change = r.change_percent === null ? '（上年无收入）' : `，比上年 ${pct(r.change_percent)}`;
    $('income-total').textContent = `${year} 年合计 ${wan(r.total_fen)}${change}`;
    const months = Array.from({ length: 12 }, (_, i) => ({ text: `${i + 1}月`, num: true }));
    const rows = r.categories.map((c) => ({ cells: [CATEGORY[c.category] || c.category, ...c.months_fen.map(money), money(c.total_fen)] }));
    rows.push({ class: 'totals', cells: ['合计', ...r.months_fen.map(money), money(r.total_fen)] });
    table($('income-table'), ['类别', ...months, { text: '全年', num: true }], rows, { empty: '这一年没有收入记录。' });
  }

  async function incomeChoices(year) {
    const collectives = await api('GET', '/collectives?per_page=200');
    const sel = $('income-collective');
    const had = sel.value;
    fill(sel, collectives.items.map((c) => el('option', { value: c.id, text: c.name })));
    if (had) sel.value = had;
    const ys = $('income-year');
    if (!ys.options.length) {
      const y = Number(year.to.slice(0, 4));
      fill(ys, [y, y - 1, y - 2].map((v) => el('option', { value: v, text: `${v} 年` })));
    }
  }

  async function attention() {
    const n = async (q) => (await api('GET', `/orders?${q}&per_page=1`)).total;
    const failed = (await api('GET', '/webhook-deliveries?status=failed&per_page=1')).total;
    const items = [
      ['待确认的订单', await n('status=pending'), '#orders?status=pending', 'attention-pending'],
      ['称重超差待审批', await n('weights_flagged=true'), '#orders?flagged=1', 'attention-flagged'],
      ['已送达未付款', await n('status=delivered&payment_status=unpaid'), '#orders?status=delivered', 'attention-unpaid'],
      ['推送失败的企业通知', failed, null, 'attention-webhooks'],
    ];
    const [backups, check] = await Promise.all([api('GET', '/backups'), o.checkItem()]);
    fill($('attention'), items.map(([label, total, href, testid]) => el('li', { class: 'attention-item', testid },
      href ? el('a', { href, text: label }) : el('span', { text: label }),
      el('span', { class: total ? 'count warn-text' : 'count muted', text: String(total) }))),
    o.backupLine(backups), check);
  }

  async function latest() {
    const page = await api('GET', '/orders?per_page=8');
    table($('latest-orders'), ['订单号', '时间', '渠道', '状态', { text: '金额', num: true }],
      page.items.map((x) => ({
        class: 'clickable',
        onclick: () => { location.hash = `#orders?id=${x.id}`; },
        cells: [o.orderNumber(x.id), o.localTime(x.created_at), o.CHANNEL[x.channel] || x.channel,
          o.ORDER_STATUS[x.status] || x.status, money(x.final_total_fen ?? x.total_fen)],
      })), { empty: '还没有订单。直播助手在“直播下单”页面录入的订单会出现在这里。' });
  }

  async function show() {
    await window.Zhunong.run(null, async () => {
      const s = await cards();
      const year = s.cards.find((c) => c.period === 'year');
      await Promise.all([charts(year), incomeChoices(year).then(income), attention(), latest()]);
    });
  }

  o.register('dashboard', { show });
  document.addEventListener('DOMContentLoaded', () => {
    $('income-collective').addEventListener('change', () => window.Zhunong.run(null, income));
    $('income-year').addEventListener('change', () => window.Zhunong.run(null, income));
  });
})();
