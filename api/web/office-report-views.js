// 报表的几样帮手：常用时间段（本月、上月、本季、今年、去年、近 30 天，一点就查），“月份横排”的透视表
// （每行一个分组，每列一个期间，右边和底下是合计，就是大家在 Excel 里自己拉的那张表），和“配送方式”那张表
// （装车、快递、自提各一行，快递的包裹、运费、发货到签收的时间；没有的数写“—”）。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { money } = o;

  const pad = (n) => String(n).padStart(2, '0');
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

  /** [名称, testid, 今天 → [开始, 结束]]（都含当天，按本地日期）。 */
  const PRESETS = [
    ['本月', 'this-month', (t) => [new Date(t.getFullYear(), t.getMonth(), 1), t]],
    ['上月', 'last-month', (t) => [new Date(t.getFullYear(), t.getMonth() - 1, 1), new Date(t.getFullYear(), t.getMonth(), 0)]],
    ['本季', 'this-quarter', (t) => [new Date(t.getFullYear(), Math.floor(t.getMonth() / 3) * 3, 1), t]],
    ['今年', 'this-year', (t) => [new Date(t.getFullYear(), 0, 1), t]],
    ['去年', 'last-year', (t) => [new Date(t.getFullYear() - 1, 0, 1), new Date(t.getFullYear() - 1, 11, 31)]],
    ['近30天', 'last-30-days', (t) => [new Date(t.getFullYear(), t.getMonth(), t.getDate() - 29), t]],
  ];

  /** 某个常用时间段的起止日期（YYYY-MM-DD）。 */
  function presetRange(key, today = new Date()) {
    const p = PRESETS.find(([, k]) => k === key);
    return p ? p[2](today).map(iso) : null;
  }

  /**
   * 透视表：行是分组（可两级，用 · 连起来），列是期间，格子是 metric；最后一列、最后一行是合计。
   * 返回 { headers, rows }，交给 table() 画。
   */
  function pivot(r, metric, format) {
    const dims = r.group_by;
    const periods = r.periods.map((p) => p.label);
    const byGroup = new Map();
    for (const row of r.rows) {
      const name = dims.map((d) => row.dimensions[d].label).join(' · ') || '全部';
      if (!byGroup.has(name)) byGroup.set(name, new Array(periods.length).fill(0));
      byGroup.get(name)[periods.indexOf(row.period.label)] += Number(row.metrics[metric]);
    }
    const colTotals = new Array(periods.length).fill(0);
    const rows = [...byGroup].map(([name, values], i) => {
      values.forEach((v, j) => { colTotals[j] += v; });
      return { testid: `pivot-row-${i}`, cells: [name, ...values.map(format), format(values.reduce((a, b) => a + b, 0))] };
    });
    rows.push({ class: 'totals', testid: 'report-totals',
      cells: ['合计', ...colTotals.map(format), format(colTotals.reduce((a, b) => a + b, 0))] });
    const lead = dims.map((d) => o.reportDimensionName(d)).join(' · ') || '';
    return { headers: [lead, ...periods.map((p) => ({ text: p, num: true })), { text: '合计', num: true }], rows };
  }

  /** 分钟 → “2 天 3 小时”“5 小时 20 分”“45 分钟”；不到 1 分钟照说；没有 → “—”。 */
  function duration(minutes) {
    if (minutes === null || minutes === undefined || !Number.isFinite(Number(minutes))) return '—';
    const m = Math.max(0, Math.round(Number(minutes)));
    if (m < 1) return '不到 1 分钟';
    if (m < 60) return `${m} 分钟`;
    if (m < 1440) return m % 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${m / 60} 小时`;
    const hours = Math.floor((m % 1440) / 60);
    return hours ? `${Math.floor(m / 1440)} 天 ${hours} 小时` : `${Math.floor(m / 1440)} 天`;
  }

  const FULFILMENT = window.Zhunong.labelsOf('fulfilment');
  const FULFILMENT_HEADERS = ['配送方式', ...['订单数', '销售额', '已送达', '包裹数', '运费', '自动签收',
    '发货到签收（平均）', '发货到签收（中位数）'].map((text) => ({ text, num: true }))];

  /**
   * “配送方式”表：每种配送方式一行，最后一行合计。包裹数、运费、自动签收、发货到签收只有快递有，
   * 装车、自提这几格写“—”；没有签收过的包裹时，时间也写“—”。返回 { headers, rows }，交给 table() 画。
   */
  function fulfilmentTable(report) {
    const { count } = o;
    const rows = report.rows.map((r) => {
      const parcel = r.fulfilment === 'parcel';
      const only = (text) => (parcel ? text : '—');
      return {
        testid: `fulfilment-row-${r.fulfilment}`,
        cells: [FULFILMENT[r.fulfilment] || r.label, count(r.orders), money(r.sales_fen), count(r.delivered_orders),
          only(count(r.parcels)), only(money(r.shipping_cost_fen)), only(count(r.auto_delivered_parcels)),
          only(duration(r.avg_ship_to_delivery_minutes)), only(duration(r.median_ship_to_delivery_minutes))],
      };
    });
    const sum = (k) => report.rows.reduce((a, r) => a + Number(r[k] || 0), 0);
    const parcel = report.rows.find((r) => r.fulfilment === 'parcel') || {};
    rows.push({
      class: 'totals', testid: 'fulfilment-totals',
      cells: ['合计', count(sum('orders')), money(sum('sales_fen')), count(sum('delivered_orders')),
        count(sum('parcels')), money(sum('shipping_cost_fen')), count(sum('auto_delivered_parcels')),
        duration(parcel.avg_ship_to_delivery_minutes), duration(parcel.median_ship_to_delivery_minutes)],
    });
    return { headers: FULFILMENT_HEADERS, rows };
  }

  /** 表上面的一句话：快递的包裹、签收和运费（平均每个多少），没有包裹时为空。 */
  function fulfilmentSummary(report) {
    const p = report.rows.find((r) => r.fulfilment === 'parcel');
    if (!p || !p.parcels) return '';
    const each = Math.round(p.shipping_cost_fen / p.parcels);
    return `快递包裹 ${o.count(p.parcels)} 个，已签收 ${o.count(p.delivered_parcels)} 个（其中自动签收 ${o.count(p.auto_delivered_parcels)} 个）；`
      + `运费共 ${money(p.shipping_cost_fen)}，平均每个 ${money(each)}。`;
  }

  o.reportViews = { PRESETS, presetRange, pivot, money, duration, fulfilmentTable, fulfilmentSummary };
})();
