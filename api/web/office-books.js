// 账簿：把村里的记账换成乡镇代理记账用的会计科目（2023 年《农村集体经济组织会计制度》或 2004 年的旧制度）。
// 科目对照：每类记账记到哪个科目，从哪天起生效（只能从今天往后改）；记账凭证：按月看、下载 Excel、结账；
// 科目余额表：任意期间的期初、本期借贷、期末，下载 Excel；收益表：一年的收益及收益分配表，和上年比。金额以分计算，显示时换成元。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, table } = o;
  const { run, showNotice, labelsOf } = window.Zhunong;

  const KIND = labelsOf('posting_kind');
  const CHART = labelsOf('chart');
  const yuan = (fen) => (fen ? o.money(fen) : '');
  const p2 = (n) => String(n).padStart(2, '0');
  const isoDay = (d) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  const thisMonth = () => isoDay(new Date()).slice(0, 7);
  /** 余额带方向：正数在借方，负数在贷方，0 为平。 */
  const balance = (fen) => (fen > 0 ? `借 ${o.money(fen)}` : fen < 0 ? `贷 ${o.money(-fen)}` : '平');

  /** 选哪个集体的账：默认第一个。 */
  async function collectivePick(params, tab) {
    const list = (await api('GET', '/collectives?per_page=200')).items;
    const id = Number(params.get('collective')) || (list[0] && list[0].id);
    const pick = el('select', { testid: 'books-collective', 'aria-label': '集体' },
      list.map((c) => el('option', { value: c.id, text: c.name })));
    pick.value = String(id);
    pick.addEventListener('change', () => { location.hash = `#books?tab=${tab}&collective=${pick.value}`; });
    return { id, pick, list };
  }

  // ---------------------------------------------------------------- 科目对照

  async function mappingPanel(box, id, pick) {
    const [m, charts] = await Promise.all([api('GET', `/collectives/${id}/books/mapping`), api('GET', '/books/charts')]);
    const accounts = charts.find((c) => c.chart === m.chart).accounts;
    const chartPick = el('select', { testid: 'books-chart', 'aria-label': '会计制度' },
      charts.map((c) => el('option', { value: c.chart, text: c.label })));
    chartPick.value = m.chart;
    const again = () => mappingPanel(box, id, pick);
    const changeChart = el('button', { type: 'button', class: 'btn', testid: 'books-chart-save', text: '改用这个制度',
      onclick: (ev) => run(ev.target, async () => {
        await api('PUT', `/collectives/${id}/books/chart`, { chart: chartPick.value });
        showNotice(`已改用${CHART[chartPick.value]}。`);
        await again();
      }) });
    const list = el('table', { class: 'table', testid: 'books-mapping' });
    table(list, ['记账类别', '现在记入', '自何日起', '制度默认', '以后的变更', '修改'], m.rows.map((r) => ({
      testid: `map-${r.posting_kind}`,
      cells: [KIND[r.posting_kind] || '', `${r.account_code} ${r.account_name}`, r.effective_from || '默认',
        r.default_code, r.next ? `${r.next.effective_from} 起 ${r.next.account_code} ${r.next.account_name}` : '', ''],
    })));
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, n) => {
      const r = m.rows[n];
      const code = el('select', { testid: `map-code-${r.posting_kind}`, 'aria-label': `${KIND[r.posting_kind]}记入的科目`, 'data-field': 'account_code' },
        accounts.map((a) => el('option', { value: a.code, text: `${a.code} ${a.name}` })));
      code.value = r.account_code;
      const from = el('input', { type: 'date', testid: `map-from-${r.posting_kind}`, value: isoDay(new Date()), 'aria-label': '生效日期', 'data-field': 'effective_from' });
      const save = el('button', { type: 'button', class: 'btn small primary', testid: `map-save-${r.posting_kind}`, text: '保存',
        onclick: (ev) => run(ev.target, async () => {
          await api('POST', `/collectives/${id}/books/mapping`, { posting_kind: r.posting_kind, account_code: code.value, effective_from: from.value });
          showNotice(`“${KIND[r.posting_kind]}”从 ${from.value} 起记入 ${code.value}。`);
          await again();
        }) });
      tr.lastChild.append(el('div', { class: 'row wrap' }, code, from, save));
    });
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '科目对照' }),
      el('p', { class: 'muted', text: m.keeps_the_books
        ? '这个集体代收货款、代付种植户，它的账里有全部记账。每类记账记到哪个科目，可以按乡镇代理记账的要求修改；修改只从所选日期起生效，以前的账不变。'
        : '这个集体的账里只有记给它自己的收入；这些钱由代收货款的集体代管，记为应收款。' }),
      el('div', { class: 'row wrap books-bar' }, el('label', { text: '集体' }), pick, el('label', { text: '会计制度' }), chartPick, changeChart),
      el('div', { class: 'scroll', 'aria-label': '科目对照' }, list)));
  }

  // ---------------------------------------------------------------- 记账凭证

  async function vouchersPanel(box, id, pick, params) {
    const month = el('input', { type: 'month', testid: 'vouchers-month', value: params.get('month') || thisMonth(), 'aria-label': '月份' });
    const result = el('div', { testid: 'vouchers-result' });
    const show = async () => {
      const v = await api('GET', `/collectives/${id}/books/vouchers?month=${month.value}`);
      const rows = [];
      for (const x of v.vouchers) {
        x.lines.forEach((l, i) => rows.push({
          testid: i === 0 ? `voucher-${x.number}` : null,
          cells: [i === 0 ? x.date : '', i === 0 ? x.number : '', i === 0 ? x.summary : '', `${l.account_code} ${l.account_name}`,
            l.auxiliary || '', yuan(l.debit_fen), yuan(l.credit_fen), i === 0 ? String(x.attachments) : ''],
        }));
      }
      const list = el('table', { class: 'table', testid: 'vouchers' });
      table(list, ['日期', '凭证号', '摘要', '科目', '辅助核算', { text: '借方', num: true }, { text: '贷方', num: true }, { text: '附件', num: true }],
        [...rows, { class: 'totals', cells: ['', '', `本月合计 ${v.vouchers.length} 张`, '', '', o.money(v.debit_total_fen), o.money(v.credit_total_fen), ''] }],
        { empty: '这个月没有记账。' });
      const file = (q, name, text, testid) => el('button', { type: 'button', class: 'btn', testid, text,
        onclick: (ev) => run(ev.target, () => o.download(`/collectives/${id}/books/vouchers?month=${month.value}&${q}`, name)) });
      // 结账：这个月过完了才能结；结账后本月及以前的凭证和编号不再变，迟到的记账进下一个没结账的月份。
      const over = month.value < thisMonth();
      const closing = v.closed
        ? el('p', { class: 'muted', testid: 'vouchers-closed', text: '这个月已结账：凭证和编号已定稿，以后补记的账记到没结账的月份。' })
        : over
          ? el('div', { class: 'btns left' }, el('button', { type: 'button', class: 'btn primary', testid: 'vouchers-close', text: `结账到 ${month.value}`,
            onclick: (ev) => run(ev.target, async () => {
              if (!window.confirm(`结账后 ${month.value} 及以前的账不能再改，确定结账吗？`)) return;
              await api('POST', '/books/closed-months', { month: month.value });
              showNotice(`已结账到 ${month.value}。`);
              await show();
            }) }))
          : el('p', { class: 'muted', testid: 'vouchers-open', text: '这个月还没过完，过完后才能结账。' });
      fill(result,
        el('p', { class: 'lead', testid: 'vouchers-summary', text: `${month.value} 共 ${v.vouchers.length} 张凭证，借方 ${o.money(v.debit_total_fen)}，贷方 ${o.money(v.credit_total_fen)}。` }),
        closing,
        el('div', { class: 'btns left' },
          file('format=xlsx&layout=lines', `记账凭证_${month.value}.xlsx`, '下载 Excel（每行一条分录）', 'vouchers-xlsx'),
          file('format=xlsx&layout=blocks', `记账凭证_${month.value}_按凭证.xlsx`, '下载 Excel（每张凭证一块）', 'vouchers-xlsx-blocks'),
          file('format=csv', `记账凭证_${month.value}.csv`, '下载 CSV', 'vouchers-csv'),
          el('button', { type: 'button', class: 'btn', testid: 'vouchers-print', text: '打印凭证（A5 横向）',
            onclick: (ev) => run(ev.target, () => o.download(`/collectives/${id}/books/vouchers/print?month=${month.value}`, null)) })),
        el('div', { class: 'scroll', 'aria-label': '记账凭证' }, list));
    };
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '记账凭证' }),
      el('p', { class: 'muted', text: '每笔记账是一张凭证，按月从记-0001 连续编号；借贷相等。下载的 Excel 可直接交给乡镇代理记账。' }),
      el('div', { class: 'row wrap books-bar' }, el('label', { text: '集体' }), pick, el('label', { text: '月份' }), month,
        el('button', { type: 'button', class: 'btn primary', testid: 'vouchers-show', text: '查看', onclick: (ev) => run(ev.target, show) })),
      result));
    await show();
  }

  // ---------------------------------------------------------------- 科目余额表

  async function trialPanel(box, id, pick) {
    const [from0, to0] = o.reportViews.presetRange('this-month');
    const from = el('input', { type: 'date', testid: 'trial-from', value: from0, 'aria-label': '开始日期', 'data-field': 'from' });
    const to = el('input', { type: 'date', testid: 'trial-to', value: to0, 'aria-label': '结束日期', 'data-field': 'to' });
    const result = el('div', { testid: 'trial-result' });
    const show = async () => {
      const t = await api('GET', `/collectives/${id}/books/trial-balance?from=${from.value}&to=${to.value}`);
      const rows = [];
      for (const a of t.accounts) {
        rows.push({ testid: `trial-${a.account_code}`, class: 'group', cells: [a.account_code, a.account_name, '', balance(a.opening_fen), yuan(a.debit_fen), yuan(a.credit_fen), balance(a.closing_fen)] });
        for (const i of a.items) rows.push({ cells: ['', '', i.auxiliary, balance(i.opening_fen), yuan(i.debit_fen), yuan(i.credit_fen), balance(i.closing_fen)] });
      }
      const list = el('table', { class: 'table', testid: 'trial' });
      table(list, ['科目编码', '科目名称', '辅助核算', { text: '期初余额', num: true }, { text: '本期借方', num: true }, { text: '本期贷方', num: true }, { text: '期末余额', num: true }],
        [...rows, { class: 'totals', testid: 'trial-totals', cells: ['', '合计', '', '', o.money(t.totals.debit_fen), o.money(t.totals.credit_fen), ''] }],
        { empty: '这段时间没有记账。' });
      const file = (format, text, testid) => el('button', { type: 'button', class: 'btn', testid, text,
        onclick: (ev) => run(ev.target, () => o.download(`/collectives/${id}/books/trial-balance?from=${from.value}&to=${to.value}&format=${format}`, `科目余额表_${from.value}_${to.value}.${format}`)) });
      const print = el('button', { type: 'button', class: 'btn', testid: 'trial-print', text: '打印',
        onclick: (ev) => run(ev.target, () => o.download(`/collectives/${id}/books/trial-balance/print?from=${from.value}&to=${to.value}`, null)) });
      fill(result, el('div', { class: 'btns left' }, file('xlsx', '下载 Excel', 'trial-xlsx'), file('csv', '下载 CSV', 'trial-csv'), print),
        el('div', { class: 'scroll', 'aria-label': '科目余额表' }, list));
    };
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '科目余额表' }),
      el('div', { class: 'row wrap books-bar' }, el('label', { text: '集体' }), pick, el('label', { text: '从' }), from, el('label', { text: '到' }), to,
        el('button', { type: 'button', class: 'btn primary', testid: 'trial-show', text: '查看', onclick: (ev) => run(ev.target, show) })),
      result));
    await show();
  }

  // ---------------------------------------------------------------- 收益及收益分配表

  async function statementPanel(box, id, pick) {
    const year = el('input', { testid: 'statement-year', inputmode: 'numeric', class: 'units', value: String(new Date().getFullYear()), 'aria-label': '年份', 'data-field': 'year' });
    const result = el('div', { testid: 'statement-result' });
    const show = async () => {
      const y = window.Zhunong.halfWidth(year.value).trim();
      const s = await api('GET', `/collectives/${id}/books/income-statement?year=${encodeURIComponent(y)}`);
      const figure = (f) => (f === null ? '—' : o.money(f));
      const list = el('table', { class: 'table', testid: 'statement' });
      table(list, ['项目', { text: `${y} 年`, num: true }, { text: `${Number(y) - 1} 年`, num: true }],
        s.lines.map((l, i) => ({ testid: `statement-line-${i}`, class: /^[一二三四五六]、/.test(l.label) ? 'group' : null,
          cells: [l.label, figure(l.current_fen), figure(l.previous_fen)] })));
      const file = (format, text, testid) => el('button', { type: 'button', class: 'btn', testid, text,
        onclick: (ev) => run(ev.target, () => o.download(`/collectives/${id}/books/income-statement?year=${y}&format=${format}`, `收益及收益分配表_${y}.${format}`)) });
      fill(result,
        el('p', { class: 'lead', testid: 'statement-income', text: `${y} 年本年收益 ${o.money(s.income_fen)}，上年 ${o.money(s.previous_income_fen)}，${o.pct(s.change_percent)}。` }),
        el('p', { class: 'muted', text: '收益分配部分（年初未分配收益、提取公积公益金、农户分配等）由乡镇代理记账填写，这里留空。' }),
        el('div', { class: 'btns left' }, file('xlsx', '下载 Excel', 'statement-xlsx'), file('csv', '下载 CSV', 'statement-csv')),
        el('div', { class: 'scroll', 'aria-label': '收益及收益分配表' }, list));
    };
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '收益及收益分配表' }),
      el('div', { class: 'row wrap books-bar' }, el('label', { text: '集体' }), pick, el('label', { text: '年份' }), year,
        el('button', { type: 'button', class: 'btn primary', testid: 'statement-show', text: '查看', onclick: (ev) => run(ev.target, show) })),
      result));
    await show();
  }

  // ---------------------------------------------------------------- 视图

  async function show(params) {
    const tab = ['mapping', 'vouchers', 'trial', 'statement', 'disclosure'].includes(params.get('tab')) ? params.get('tab') : 'vouchers';
    fill($('books-tabs'), o.tabs('books', [['vouchers', '记账凭证'], ['trial', '科目余额表'], ['statement', '收益表'], ['disclosure', '财务公开'], ['mapping', '科目对照']], tab));
    const box = $('books-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    await run(null, async () => {
      const { id, pick } = await collectivePick(params, tab);
      if (!id) {
        fill(box, el('p', { class: 'empty', text: '还没有集体，请先在“基础资料 · 集体”中添加。' }));
        return;
      }
      if (tab === 'mapping') await mappingPanel(box, id, pick);
      else if (tab === 'trial') await trialPanel(box, id, pick);
      else if (tab === 'statement') await statementPanel(box, id, pick);
      else if (tab === 'disclosure') await o.disclosurePanel(box, id, pick, params);
      else await vouchersPanel(box, id, pick, params);
    });
  }

  o.register('books', { show });
})();
