// 报表的两样帮手：常用时间段（本月、上月、本季、今年、去年、近 30 天，一点就查），和“月份横排”的透视表
// （每行一个分组，每列一个期间，右边和底下是合计，就是大家在 Excel 里自己拉的那张表）。
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

  o.reportViews = { PRESETS, presetRange, pivot, money };
})();
