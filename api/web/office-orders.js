// 订单：按订单号、买家姓名或电话查找，按状态、渠道筛选；订单详情（明细、称重、装车、付款、记账、
// 操作记录）和操作：确认、取消（填原因）、审批超差称重、收款和退款。收款每次点击一个幂等键，网络重试不会重复记账。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, table } = o;
  const { run, showNotice, clientError } = window.Zhunong;

  function filterQuery() {
    const p = new URLSearchParams({ per_page: '50' });
    if ($('o-q').value.trim()) p.set('q', $('o-q').value.trim());
    if ($('o-status').value) p.set('status', $('o-status').value);
    if ($('o-channel').value) p.set('channel', $('o-channel').value);
    if ($('o-flagged').checked) p.set('weights_flagged', 'true');
    if ($('o-session').value) p.set('live_session_id', $('o-session').value);
    return p.toString();
  }

  async function sessions() {
    const page = await api('GET', '/live-sessions?per_page=50');
    const sel = $('o-session');
    const had = sel.value;
    fill(sel, el('option', { value: '', text: '全部' }),
      page.items.map((s) => el('option', { value: s.id, text: `${s.title}（${o.localTime(s.planned_start).slice(0, 10)}）` })));
    sel.value = had;
    $('o-confirm-session').hidden = !sel.value;
  }

  async function confirmSession() {
    const id = $('o-session').value;
    const name = $('o-session').selectedOptions[0].textContent;
    if (!window.confirm(`确认“${name}”的全部待确认订单？确认后称重站即可称重。`)) return;
    const r = await api('POST', `/live-sessions/${id}/confirm-pending`, {});
    showNotice(`已确认 ${r.confirmed.length} 单` + (r.skipped.length ? `，${r.skipped.length} 单已被他人处理` : '') + '。');
    await list();
  }

  async function list() {
    const page = await api('GET', `/orders?${filterQuery()}`);
    table($('order-list'), ['订单号', '下单时间', '渠道', '状态', '付款', { text: '金额', num: true }],
      page.items.map((x) => ({
        class: 'clickable', testid: `order-${x.id}`,
        onclick: () => run(null, () => detail(x.id)),
        cells: [o.orderNumber(x.id), o.localTime(x.created_at), o.CHANNEL[x.channel] || x.channel,
          (o.ORDER_STATUS[x.status] || x.status) + (x.weights_flagged && !x.weights_approved ? '（称重超差）' : ''),
          o.PAYMENT_STATUS[x.payment_status] || x.payment_status, money(x.final_total_fen ?? x.total_fen)],
      })), { empty: '没有符合条件的订单。可以换个关键词，或清空筛选条件。' });
    $('order-list').dataset.total = String(page.total);
  }

  const LOAD_STATUS = { open: '装车中', loaded: '已装车', departed: '已发车', delivered: '已送达' };

  /** 操作记录的说明：原因，或自动确认。 */
  function auditNote(a) {
    const after = a.after || {};
    if (after.reason) return `原因：${after.reason}`;
    if (after.automatic) return '按渠道设置自动确认';
    return '';
  }

  function action(text, testid, cls, fn) {
    return el('button', { type: 'button', class: `btn ${cls || ''}`, testid, text, onclick: (ev) => run(ev.target, fn) });
  }

  async function detail(id) {
    const [x, sheet, payments, ledger, trail] = await Promise.all([
      api('GET', `/orders/${id}`),
      api('GET', `/orders/${id}/weighing-sheet`),
      api('GET', `/orders/${id}/payments`),
      api('GET', `/ledger/transactions?order_id=${id}&per_page=50`),
      api('GET', `/audit-log?entity=order&entity_id=${id}&per_page=50`),
    ]);
    const load = x.load_id ? await api('GET', `/loads/${x.load_id}`) : null;
    const due = x.final_total_fen ?? x.total_fen;
    const box = $('order-detail');
    box.hidden = false;
    box.dataset.orderId = String(id);
    const lines = el('table', { class: 'table' });
    table(lines, ['行', '产品', '订购', { text: '单价', num: true }, '称重', { text: '金额', num: true }],
      sheet.lines.map((l) => ({
        cells: [String(l.line_no), l.product_name || '', l.pricing === 'by_weight' ? jin(l.quantity) : `${l.quantity} ${l.unit_label || '件'}`,
          money(l.unit_price_fen), l.weighed_g === null || l.weighed_g === undefined ? '未称重' : jin(l.weighed_g),
          money(l.final_amount_fen ?? l.amount_fen)],
      })));
    const tickets = sheet.lines.flatMap((l) => l.tickets.map((t) => ({ l, t })));
    const weighings = el('table', { class: 'table', testid: 'detail-weighings' });
    table(weighings, ['行', '时间', { text: '毛重', num: true }, { text: '皮重', num: true }, { text: '净重', num: true }, '磅秤', '说明'],
      tickets.map(({ l, t }) => ({
        class: t.voided ? 'muted' : null,
        cells: [String(l.line_no), o.localTime(t.weighed_at), jin(t.gross_g), jin(t.tare_g), jin(t.net_g), t.scale_id,
          (t.voided ? '已作废 ' : '') + (t.note || '')],
      })), { empty: '还没有称重。' });
    const truck = load
      ? el('p', { testid: 'detail-load', text: `装车单 ${load.id}：${load.plate}，司机 ${load.driver_name} ${load.driver_phone}，送往 ${load.destination}（${LOAD_STATUS[load.status] || load.status}）` })
      : el('p', { class: 'muted', testid: 'detail-load', text: '还没有装车。' });
    const audit = el('table', { class: 'table', testid: 'detail-audit' });
    table(audit, ['时间', '操作', '操作人', '说明'],
      trail.items.map((a) => ({ cells: [o.localTime(a.at), a.action_label, a.actor || '系统', auditNote(a)] })),
      { empty: '没有操作记录。' });
    const pays = el('table', { class: 'table' });
    table(pays, ['时间', '方式', { text: '金额', num: true }, '说明'],
      payments.map((p) => ({ cells: [o.localTime(p.paid_at), o.METHOD[p.method] || p.method, money(p.amount_fen), p.reason || p.reference || ''] })),
      { empty: '还没有收款。' });
    const posts = el('table', { class: 'table' });
    table(posts, ['日期', '摘要', '编号'],
      ledger.items.map((t) => ({ cells: [t.occurred_on, t.description, String(t.id)] })), { empty: '还没有记账（订单送达并收齐款后自动结算）。' });

    const acts = [];
    if (x.status === 'pending') acts.push(action('确认订单', 'confirm-order', 'primary', async () => {
      await api('POST', `/orders/${id}/confirm`, {});
      showNotice(`${o.orderNumber(id)} 已确认，称重站可以称重了。`);
      await refresh(id);
    }));
    if (x.weights_flagged && !x.weights_approved && x.status === 'weighed') acts.push(action('审批称重', 'approve-weights', 'primary', async () => {
      const reason = window.prompt('称重超出允许误差。请填写审批原因（如：已与买家电话确认）：', '');
      if (reason === null) return;
      if (!reason.trim()) throw clientError('请填写审批原因。');
      await api('POST', `/orders/${id}/approve-weights`, { reason: reason.trim() });
      showNotice('称重已审批，可以装车。');
      await refresh(id);
    }));
    if (['pending', 'confirmed', 'weighed'].includes(x.status)) acts.push(action('取消订单', 'cancel-order', 'danger', async () => {
      if (!window.confirm(`确定取消订单 ${o.orderNumber(id)} 吗？取消后库存退回，不能恢复。`)) return;
      const reason = window.prompt('请填写取消原因（如：买家退单、缺货）：', '');
      if (reason === null) return;
      if (!reason.trim()) throw clientError('请填写取消原因。');
      await api('POST', `/orders/${id}/cancel`, { reason: reason.trim() });
      showNotice('订单已取消，库存已退回。');
      await refresh(id);
    }));
    const amount = el('input', { id: 'pay-amount', testid: 'pay-amount', inputmode: 'decimal', placeholder: '金额（元）', value: x.paid_fen < due ? (due - x.paid_fen) / 100 : '' });
    const method = el('select', { id: 'pay-method', testid: 'pay-method' }, Object.entries(o.METHOD).map(([v, t]) => el('option', { value: v, text: t })));
    const payForm = x.status === 'cancelled' ? null : el('div', { class: 'card' },
      el('h3', { text: `收款：应收 ${money(due)}，已收 ${money(x.paid_fen)}` }),
      el('div', { class: 'row wrap' }, amount, method,
        action('收款', 'record-payment', 'primary', () => pay(id, amount, method, 1)),
        action('退款', 'record-refund', 'danger', () => pay(id, amount, method, -1))));

    fill(box,
      el('div', { class: 'detail-head' },
        el('h2', { testid: 'detail-number', text: `${o.orderNumber(id)} · ${o.ORDER_STATUS[x.status] || x.status}` }),
        el('span', { class: 'muted', text: `${o.CHANNEL[x.channel] || x.channel} · ${o.localTime(x.created_at)} · ${o.PAYMENT_STATUS[x.payment_status] || ''}` })),
      el('div', { class: 'btns' }, acts),
      el('h3', { text: '明细' }), el('div', { class: 'scroll' }, lines),
      payForm,
      el('h3', { text: '收款记录' }), el('div', { class: 'scroll' }, pays),
      el('h3', { text: '称重' }), el('div', { class: 'scroll' }, weighings),
      el('h3', { text: '装车' }), truck,
      el('h3', { text: '记账' }), el('div', { class: 'scroll' }, posts),
      el('h3', { text: '操作记录' }), el('div', { class: 'scroll' }, audit));
    box.scrollIntoView({ block: 'start' });
  }

  async function pay(id, amountInput, methodSelect, sign) {
    amountInput.classList.remove('invalid');
    const fen = o.fenOf(amountInput.value);
    if (!fen) {
      amountInput.classList.add('invalid');
      throw clientError('请输入金额，如 29.10。');
    }
    let reason;
    if (sign < 0) {
      reason = window.prompt(`退款 ${money(fen)}。请填写退款原因：`, '');
      if (reason === null) return;
      if (!reason.trim()) throw clientError('请填写退款原因。');
    } else if (!window.confirm(`确认收款 ${money(fen)}（${o.METHOD[methodSelect.value]}）？`)) {
      return;
    }
    const body = { amount_fen: sign * fen, method: methodSelect.value, reason: reason ? reason.trim() : undefined };
    const r = await api('POST', `/orders/${id}/payments`, body, { headers: { 'Idempotency-Key': o.newKey() } });
    showNotice(r.settled ? '已记录，订单已结算入账。' : '已记录。');
    await refresh(id);
  }

  async function refresh(id) {
    await Promise.all([list(), detail(id)]);
  }

  async function show(params) {
    await run(null, sessions);
    if (params && params.get('status')) $('o-status').value = params.get('status');
    if (params && params.get('flagged')) $('o-flagged').checked = true;
    await run(null, list);
    if (params && params.get('id')) await run(null, () => detail(Number(params.get('id'))));
  }

  o.register('orders', { show });
  document.addEventListener('DOMContentLoaded', () => {
    $('order-search').addEventListener('submit', (ev) => {
      ev.preventDefault();
      run($('o-find'), list);
    });
    $('o-session').addEventListener('change', () => {
      $('o-confirm-session').hidden = !$('o-session').value;
      run(null, list);
    });
    $('o-confirm-session').addEventListener('click', () => run($('o-confirm-session'), confirmSession));
  });
})();
