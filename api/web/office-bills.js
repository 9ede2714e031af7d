// 对账：上传抖店结算账单、微信支付交易账单或支付宝业务明细，逐笔和账上的订单、收款、退款核对；
// 看每类的笔数和金额，处理差异（补记收款、记为平台费用、写明原因），下载差异表。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, table } = o;
  const { run, showNotice, clientError, labelsOf } = window.Zhunong;

  const KIND = labelsOf('bill_kind');
  const CLASS = labelsOf('bill_class');
  const RESOLUTION = labelsOf('bill_resolution');
  const yuan = (fen) => o.money(fen || 0);
  const count = (b, c) => (b.classes.find((x) => x.class === c) || { items: 0 }).items;

  // ---------------------------------------------------------------- 一张账单

  /** 这笔差异能做的处理：有订单、账单比账上多（或账单有一笔账上没有的退款），可以补记；金额不符的可以把差额记为平台费用。 */
  function actions(bill, item, again) {
    if (item.class === 'matched' || item.resolution) return null;
    const diff = item.diff_fen;
    const send = async (body, done) => {
      await api('POST', `/bills/${bill.id}/items/${item.id}/resolution`, body);
      showNotice(done);
      await again();
    };
    const note = el('input', { testid: `note-${item.id}`, 'data-field': 'note', 'aria-label': '说明', placeholder: '写明原因', class: 'bill-note' });
    const buttons = [];
    if (item.order_id && (diff > 0 || (diff < 0 && item.bill_amount_fen < 0))) {
      buttons.push(el('button', { type: 'button', class: 'btn small primary', testid: `record-payment-${item.id}`,
        text: diff > 0 ? `补记收款 ${yuan(diff)}` : `补记退款 ${yuan(-diff)}`,
        onclick: (ev) => run(ev.target, () => send({ resolution: 'payment_recorded' }, `已在订单 ${item.order_number} 上补记 ${yuan(Math.abs(diff))}。`)) }));
    }
    if (item.order_id && item.class === 'amount_differs') {
      buttons.push(el('button', { type: 'button', class: 'btn small', testid: `record-fee-${item.id}`,
        text: diff < 0 ? `差额记为平台费用 ${yuan(-diff)}` : `差额记为平台补贴 ${yuan(diff)}`,
        onclick: (ev) => run(ev.target, () => send({ resolution: 'fee_recorded' }, '差额已记入平台费用。')) }));
    }
    buttons.push(note, el('button', { type: 'button', class: 'btn small', testid: `explain-${item.id}`, text: '写明原因',
      onclick: (ev) => run(ev.target, () => {
        if (!note.value.trim()) throw clientError('请先写明原因，例如“买家线下补付了现金”。');
        return send({ resolution: 'explained', note: note.value.trim() }, '已记下原因。');
      }) }));
    return el('span', { class: 'row wrap' }, buttons);
  }

  async function billPanel(box, id, appliedBefore = false) {
    const [bill, items] = await Promise.all([api('GET', `/bills/${id}`), api('GET', `/bills/${id}/items?exceptions=true`)]);
    const again = () => billPanel(box, id);
    const totals = el('table', { class: 'table', testid: 'bill-classes' });
    table(totals, ['类别', { text: '笔数', num: true }, { text: '账单金额', num: true }, { text: '账上金额', num: true }, { text: '差额', num: true }],
      bill.classes.map((c) => ({ testid: `class-${c.class}`,
        cells: [CLASS[c.class] || c.class, String(c.items), yuan(c.bill_amount_fen), yuan(c.books_amount_fen), yuan(c.diff_fen)] })));
    const list = el('table', { class: 'table', testid: 'bill-exceptions' });
    table(list, ['类别', '账单行', '平台单号', '本系统订单', '时间', { text: '账单金额', num: true }, { text: '账上金额', num: true },
      { text: '差额', num: true }, '处理'], items.map((i) => ({
      testid: `item-${i.id}`, class: i.resolution ? null : 'refused',
      cells: [CLASS[i.class] || i.class, i.rows.join('、'), i.platform_ref || '', i.order_number || '', i.occurred_at ? o.localTime(i.occurred_at) : '',
        yuan(i.bill_amount_fen), yuan(i.books_amount_fen), yuan(i.diff_fen), ''],
    })), { empty: '没有差异：每一笔都和账上相符。' });
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, n) => {
      const i = items[n];
      tr.lastChild.append(i.resolution
        ? el('span', { testid: `resolved-${i.id}`, text: `${RESOLUTION[i.resolution] || ''}${i.note ? `：${i.note}` : ''}` })
        : actions(bill, i, again));
    });
    fill(box, el('section', { class: 'card', testid: 'bill-detail' },
      el('h2', { text: `${KIND[bill.kind] || ''}：${bill.file_name}` }),
      el('p', { class: 'lead', testid: 'bill-summary', text: `共 ${bill.lines} 行，货款 ${yuan(bill.amount_fen)}，平台费用 ${yuan(bill.fee_fen)}，平台补贴 ${yuan(bill.subsidy_fen)}；相符 ${count(bill, 'matched')} 笔，待处理 ${bill.open_exceptions} 笔。` }),
      el('p', { class: 'muted', testid: 'bill-base', text: bill.fees_reduce_commission_base
        ? '这张账单记账时，平台费用先从订单金额里扣除再算提成：种植户和村集体按提成比例分担平台费用，已结算的订单重新结算。'
        : '这张账单记账时，平台费用不冲减提成：提成和种植户应付不变，平台费用记为村集体的销售费用。' }),
      appliedBefore ? el('p', { class: 'muted', testid: 'bill-again', text: '这个文件以前已经导入过，这次没有做任何改动。' }) : null,
      bill.columns_unknown && bill.columns_unknown.length ? el('p', { class: 'muted', text: `文件里这些列没有读取：${bill.columns_unknown.join('、')}。` }) : null,
      el('div', { class: 'scroll', 'aria-label': '各类笔数' }, totals),
      el('h3', { text: '差异' }),
      el('div', { class: 'btns left' },
        el('button', { type: 'button', class: 'btn', testid: 'bill-exceptions-csv', text: '下载差异表（CSV）',
          onclick: (ev) => run(ev.target, () => o.download(`/bills/${id}/exceptions?format=csv`, `对账差异_${id}.csv`)) }),
        el('button', { type: 'button', class: 'btn', testid: 'bill-exceptions-xlsx', text: '下载差异表（Excel）',
          onclick: (ev) => run(ev.target, () => o.download(`/bills/${id}/exceptions?format=xlsx`, `对账差异_${id}.xlsx`)) })),
      el('div', { class: 'scroll', 'aria-label': '差异' }, list)));
  }

  // ---------------------------------------------------------------- 上传账单

  async function uploadPanel(box) {
    const file = el('input', { type: 'file', id: 'bill-file', class: 'file-input', testid: 'bill-file', 'data-field': 'file',
      accept: `.csv,.xlsx,text/csv,${o.XLSX_TYPE}` });
    const chosen = el('span', { class: 'file-name muted', testid: 'bill-file-name', text: '还没有选择文件' });
    const minutes = el('input', { testid: 'bill-minutes', inputmode: 'numeric', class: 'units', value: '30', 'data-field': 'time_tolerance_minutes', 'aria-label': '时间相差多少分钟以内' });
    const amount = el('input', { testid: 'bill-amount', inputmode: 'decimal', class: 'units', value: '0', 'data-field': 'amount_tolerance_fen', 'aria-label': '金额相差多少元以内' });
    const result = el('div', { testid: 'bill-result-box' });
    file.addEventListener('change', () => {
      const f = file.files && file.files[0];
      chosen.textContent = f ? f.name : '还没有选择文件';
      chosen.classList.toggle('muted', !f);
    });
    const go = el('button', { type: 'button', class: 'btn primary', testid: 'bill-upload', text: '上传并对账', onclick: (ev) => run(ev.target, async () => {
      const f = file.files && file.files[0];
      if (!f) throw clientError('请先选择账单文件（CSV 或 Excel）。');
      if (!/\.(csv|xlsx)$/i.test(f.name)) throw clientError('只能上传 CSV 或 Excel（.xlsx）表格文件。');
      const m = window.Zhunong.halfWidth(minutes.value).trim();
      if (!/^\d{1,5}$/.test(m)) throw clientError('时间相差请填整数分钟，例如 30。');
      const fen = o.fenOf(amount.value);
      if (fen === null || fen < 0) throw clientError('金额相差请填元，例如 0 或 0.01。');
      let bill;
      try {
        bill = await o.uploadFile(`/bills?file_name=${encodeURIComponent(f.name)}&time_tolerance_minutes=${m}&amount_tolerance_fen=${fen}`, f);
      } catch (e) {
        if (e && e.foundHeaders) {
          throw clientError(`这个文件不像认得的账单（抖店结算账单或资金账单、微信支付交易账单、支付宝业务明细）。${e.foundHeaders.length ? `文件里的表头是：${e.foundHeaders.join('、')}。` : ''}`);
        }
        throw e;
      }
      showNotice(bill.already_applied ? '这个账单以前已经导入过，没有重复记账。' : `对账完成：相符 ${count(bill, 'matched')} 笔，待处理 ${bill.open_exceptions} 笔。`);
      await billPanel(result, bill.id, bill.already_applied);
    }) });
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '上传账单对账' }),
      el('p', { class: 'muted', text: '抖店后台“资金 → 结算账单”或“资金账单”、微信支付商户平台“交易账单（全部）”或支付宝“业务明细”，下载后原样上传。抖店账单按订单号和导入的抖店订单核对；微信、支付宝账单先按单号，再按金额和时间和账上的收款、退款核对。平台扣的服务费、佣金和手续费、给的补贴自动记账到对应订单；提成默认仍按订单金额计算，不因平台费用减少（可由系统管理员在服务器配置里改为先扣平台费用再算提成，每张账单都注明记账时用的是哪一种）。同一个文件上传两次不会重复记账。' }),
      el('div', { class: 'row wrap import-row' },
        el('div', { class: 'file-pick' }, file, el('label', { for: 'bill-file', class: 'btn', text: '选择账单' })), chosen,
        el('label', { text: '时间相差' }), minutes, el('span', { text: '分钟内' }),
        el('label', { text: '金额相差' }), amount, el('span', { text: '元内' }), go)),
    result);
  }

  // ---------------------------------------------------------------- 账单列表

  async function listPanel(box) {
    const bills = await api('GET', '/bills');
    const list = el('table', { class: 'table', testid: 'bills' });
    table(list, ['上传时间', '账单', '文件', { text: '行数', num: true }, { text: '相符', num: true }, { text: '金额不符', num: true },
      { text: '账单有账上无', num: true }, { text: '账上有账单无', num: true }, { text: '结算后退款', num: true },
      { text: '待处理', num: true }, { text: '平台费用', num: true }, ''], bills.map((b) => ({
      testid: `bill-${b.id}`,
      cells: [o.localTime(b.created_at), KIND[b.kind] || '', b.file_name, String(b.lines), String(count(b, 'matched')),
        String(count(b, 'amount_differs')), String(count(b, 'bill_only')), String(count(b, 'books_only')),
        String(count(b, 'refunded_after_settlement')), String(b.open_exceptions), yuan(b.fee_fen), ''],
    })), { empty: '还没有上传过账单。' });
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, n) => {
      const b = bills[n];
      tr.lastChild.append(el('a', { class: 'btn small', testid: `bill-open-${b.id}`, href: `#bills?tab=bill&id=${b.id}`, text: '查看' }));
    });
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '账单' }),
      el('div', { class: 'scroll', 'aria-label': '账单' }, list)));
  }

  // ---------------------------------------------------------------- 视图

  async function show(params) {
    const tab = ['upload', 'list', 'bill'].includes(params.get('tab')) ? params.get('tab') : 'upload';
    fill($('bills-tabs'), o.tabs('bills', [['upload', '上传账单'], ['list', '账单列表']], tab === 'bill' ? 'list' : tab));
    const box = $('bills-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    const id = Number(params.get('id'));
    await run(null, () => (tab === 'bill' && id ? billPanel(box, id) : tab === 'list' ? listPanel(box) : uploadPanel(box)));
  }

  o.register('bills', { show });
})();
