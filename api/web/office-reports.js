// 报表：两个页签。“销售报表”是 /reports/sales 上的查询表单（常用时间段一点就查），结果表（明细或月份横排，
// 合计行都写着“合计”）、图表、这段时间没有销售时的说明，以及 CSV 和 Excel 下载；“配送方式”（#reports?tab=fulfilment）
// 是 /reports/fulfilment：一段时间里装车、快递、自提各多少单、多少钱、送到了多少，快递的包裹、运费和发货到签收
// 用了多久（默认近 30 天）。常用时间段、透视表和配送方式那张表在 office-report-views.js。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, count, pct, table, chart } = o;

  const METRICS = [
    ['orders', '订单数', count], ['quantity_g', '重量', jin], ['pieces', '件数', count],
    ['final_amount_fen', '结算金额', money], ['refunds_fen', '退款', money], ['net_sales_fen', '净销售额', money],
    ['platform_fees_fen', '平台费用', money], ['net_received_fen', '实收', money],
    ['commission_fen', '集体提成', money], ['grower_payable_fen', '应付种植户', money], ['cancelled_orders', '取消订单', count],
    ['shipping_cost_fen', '运费', money],
  ];
  const DIMENSION = {
    product: '产品', batch: '批次', grower: '种植户', collective: '村集体', buyer: '买家',
    buyer_kind: '买家类型', channel: '渠道', live_session: '直播场次', fulfilment: '配送方式',
  };

  function query(format) {
    const p = new URLSearchParams();
    p.set('from', $('r-from').value);
    p.set('to', $('r-to').value);
    p.set('interval', $('r-interval').value);
    const groups = [$('r-group').value, $('r-group2').value].filter((g, i, a) => g && a.indexOf(g) === i);
    if (groups.length) p.set('group_by', groups.join(','));
    for (const [id, name] of [['r-channel', 'channel'], ['r-fulfilment', 'fulfilment'], ['r-buyer-kind', 'buyer_kind'], ['r-compare', 'compare']]) {
      if ($(id).value) p.set(name, $(id).value);
    }
    p.set('basis', $('r-basis').value);
    if ($('r-limit').value) p.set('limit', $('r-limit').value);
    if (format) p.set('format', format);
    return p.toString();
  }

  o.reportDimensionName = (d) => DIMENSION[d] || d;

  /** 这段时间一单都没有（也没有取消的）。 */
  const isEmpty = (r) => ['orders', 'cancelled_orders', 'final_amount_fen', 'refunds_fen']
    .every((k) => Number(r.totals.metrics[k] || 0) === 0);

  function render(r) {
    const withPeriod = r.interval !== 'none';
    const empty = isEmpty(r);
    $('report-empty').hidden = !empty;
    $('report-empty').textContent = empty
      ? `${$('r-from').value} 至 ${$('r-to').value} 没有销售记录。可以换一个时间段，或把“日期口径”换成另一种看看。` : '';
    $('chart-report').hidden = empty;
    $('report-result').hidden = empty;
    if (empty) return;
    if (withPeriod && $('r-layout').value === 'pivot') {
      const [metric, , format] = METRICS.find(([k]) => k === $('r-pivot-metric').value) || METRICS[5];
      const { headers, rows } = o.reportViews.pivot(r, metric, format);
      table($('report-table'), headers, rows);
    } else {
      renderList(r);
    }
    renderChart(r);
  }

  function renderList(r) {
    const dims = r.group_by;
    const withPeriod = r.interval !== 'none';
    const compare = !!r.compare;
    const headers = [
      ...(withPeriod ? ['期间'] : []),
      ...dims.map((d) => DIMENSION[d] || d),
      ...METRICS.map(([, t]) => ({ text: t, num: true })),
      ...(compare ? [{ text: '上期净销售额', num: true }, { text: '净销售额变化', num: true }] : []),
    ];
    const cellsOf = (m, c) => [
      ...METRICS.map(([k, , f]) => f(m[k])),
      ...(compare ? [money(c.previous.net_sales_fen), pct(c.change_percent.net_sales_fen)] : []),
    ];
    const rows = r.rows.map((row, i) => ({
      testid: `report-row-${i}`,
      cells: [
        ...(withPeriod ? [row.period.label] : []),
        ...dims.map((d) => row.dimensions[d].label),
        ...cellsOf(row.metrics, row.compared),
      ],
    }));
    const lead = (withPeriod ? 1 : 0) + dims.length;
    rows.push({
      class: 'totals', testid: 'report-totals',
      cells: [...(lead ? ['合计', ...new Array(lead - 1).fill('')] : []), ...cellsOf(r.totals.metrics, r.totals.compared)],
    });
    // 不分期也不分组时只有一行：前面加一列，好让这一行也写着“合计”。
    if (!lead) {
      headers.unshift('');
      for (const row of rows) row.cells.unshift(row.class === 'totals' ? '合计' : '全部');
    }
    table($('report-table'), headers, rows);
  }

  function renderChart(r) {
    const dims = r.group_by;
    const withPeriod = r.interval !== 'none';
    // 图：有时间粒度时按期间画折线（第一组维度分成多条），否则按分组画柱状。
    const net = (m) => Number(m.net_sales_fen) / 100;
    if (withPeriod) {
      const labels = r.periods.map((p) => p.label);
      const series = new Map();
      for (const row of r.rows) {
        const name = dims.length ? dims.map((d) => row.dimensions[d].label).join(' · ') : '净销售额';
        if (!series.has(name)) series.set(name, new Array(labels.length).fill(0));
        series.get(name)[labels.indexOf(row.period.label)] += net(row.metrics);
      }
      chart('chart-report', {
        tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' }, grid: { left: 16, right: 24, top: 40, bottom: 16, containLabel: true },
        xAxis: { type: 'category', data: labels }, yAxis: { type: 'value', name: '元' },
        series: [...series].map(([name, data]) => ({ name, type: 'line', data })),
      });
    } else {
      chart('chart-report', {
        tooltip: { trigger: 'axis' }, grid: { left: 16, right: 24, top: 24, bottom: 16, containLabel: true },
        // 每个名字都写出来（interval 0），多了就斜着写，不截掉。
        xAxis: { type: 'category', data: r.rows.map((row) => dims.map((d) => row.dimensions[d].label).join(' · ') || '全部'),
          axisLabel: { interval: 0, rotate: r.rows.length > 5 ? 30 : 0 } },
        yAxis: { type: 'value', name: '元' },
        series: [{ name: '净销售额', type: 'bar', data: r.rows.map((row) => net(row.metrics)) }],
      });
    }
  }

  async function run() {
    window.Zhunong.clearMessage();
    for (const id of ['r-from', 'r-to', 'r-limit']) $(id).classList.remove('invalid');
    try {
      render(await api('GET', `/reports/sales?${query()}`));
    } catch (err) {
      const fields = (err.problem && err.problem.errors) || [];
      for (const f of fields) {
        const id = { from: 'r-from', to: 'r-to', limit: 'r-limit', interval: 'r-interval', group_by: 'r-group' }[f.field];
        if (id) $(id).classList.add('invalid');
      }
      throw err;
    }
  }

  async function download(format, button) {
    await window.Zhunong.run(button, () => o.download(`/reports/sales?${query(format)}`, `销售报表_${$('r-from').value}_${$('r-to').value}.${format}`));
  }

  // ---------------------------------------------------------------- 配送方式

  async function runFulfilment() {
    window.Zhunong.clearMessage();
    const from = $('f-from').value;
    const to = $('f-to').value;
    for (const id of ['f-from', 'f-to']) $(id).classList.remove('invalid');
    const missing = [['f-from', 'from'], ['f-to', 'to']].filter(([id]) => !$(id).value);
    if (missing.length) {
      for (const [id] of missing) $(id).classList.add('invalid');
      throw window.Zhunong.clientError('请填写开始日期和结束日期。', missing.map(([, field]) => ({ field, message: '必填' })));
    }
    let r;
    try {
      r = await api('GET', `/reports/fulfilment?${new URLSearchParams({ from, to })}`);
    } catch (err) {
      for (const f of (err.problem && err.problem.errors) || []) {
        const id = { from: 'f-from', to: 'f-to' }[f.field];
        if (id) $(id).classList.add('invalid');
      }
      throw err;
    }
    const views = o.reportViews;
    const empty = r.rows.every((row) => !row.orders && !row.parcels);
    $('fulfilment-empty').hidden = !empty;
    $('fulfilment-empty').textContent = empty ? `${from} 至 ${to} 没有订单，也没有打包的快递包裹。可以换一个时间段看看。` : '';
    $('fulfilment-result').hidden = empty;
    if (empty) return;
    const summary = views.fulfilmentSummary(r);
    $('fulfilment-summary').textContent = summary;
    $('fulfilment-summary').hidden = !summary;
    const { headers, rows } = views.fulfilmentTable(r);
    table($('fulfilment-table'), headers, rows);
  }

  let fulfilmentStarted = false;
  async function showFulfilment() {
    if (!fulfilmentStarted) {
      fulfilmentStarted = true;
      [$('f-from').value, $('f-to').value] = o.reportViews.presetRange('last-30-days');
    }
    await window.Zhunong.run($('f-run'), runFulfilment);
  }

  // ---------------------------------------------------------------- 页签

  const TABS = [['sales', '销售报表'], ['fulfilment', '配送方式']];

  let started = false;
  async function showSales() {
    if (!started) {
      started = true;
      const s = await api('GET', '/reports/sales/summary');
      const year = s.cards.find((c) => c.period === 'year');
      $('r-from').value = year.from;
      $('r-to').value = year.to;
    }
    await window.Zhunong.run($('r-run'), run);
  }

  async function show(params) {
    const tab = params && params.get('tab') === 'fulfilment' ? 'fulfilment' : 'sales';
    const nav = o.tabs('reports', TABS, tab);
    nav.setAttribute('aria-label', '报表');
    fill($('reports-tabs'), nav);
    $('reports-sales').hidden = tab !== 'sales';
    $('reports-fulfilment').hidden = tab !== 'fulfilment';
    await (tab === 'fulfilment' ? showFulfilment() : showSales());
  }

  o.register('reports', { show });
  document.addEventListener('DOMContentLoaded', () => {
    const presets = (prefix, from, to, go) => o.reportViews.PRESETS.map(([text, key]) => el('button', {
      type: 'button', class: 'btn small', testid: `${prefix}-preset-${key}`, text,
      onclick: (ev) => {
        [$(from).value, $(to).value] = o.reportViews.presetRange(key);
        window.Zhunong.run(ev.target, go);
      },
    }));
    $('r-presets').replaceChildren(...presets('r', 'r-from', 'r-to', run));
    $('f-presets').replaceChildren(...presets('f', 'f-from', 'f-to', runFulfilment));
    $('fulfilment-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      window.Zhunong.run($('f-run'), runFulfilment);
    });
    $('r-layout').addEventListener('change', () => { $('r-pivot-metric').disabled = $('r-layout').value !== 'pivot'; });
    $('report-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      window.Zhunong.run($('r-run'), run);
    });
    $('r-csv').addEventListener('click', () => download('csv', $('r-csv')));
    $('r-xlsx').addEventListener('click', () => download('xlsx', $('r-xlsx')));
  });
})();
