// 订单详情：明细、买家卡片（姓名、电话、地址、以往订单）、收款、称重、装车、记账，和这一单的经过
// （下单、确认、称重、装车、收款、结算，谁在什么时候做的，每条一句话）。操作：确认、取消（填原因）、
// 审批超差称重、收款和退款；收款每次点击一个幂等键，网络重试不会重复记账。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, table } = o;
  const { run, showNotice, clientError } = window.Zhunong;

  const LOAD_STATUS = window.Zhunong.labelsOf('load_status');

  function action(text, testid, cls, fn) {
    return el('button', { type: 'button', class: `btn ${cls || ''}`, testid, text, onclick: (ev) => run(ev.target, fn) });
  }

  async function detail(id) {
    const [x, sheet, payments, ledger, trail] = await Promise.all([
      api('GET', `/orders/${id}`),
      api('GET', `/orders/${id}/weighing-sheet`),
      api('GET', `/orders/${id}/payments`),
      api('GET', `/ledger/transactions?order_id=${id}&per_page=50`),
      api('GET', `/audit-log?order_id=${id}&per_page=100`),
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
    const timeline = timelineOf(x, load, trail.items);
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
      el('h3', { text: '经过' }), timeline);
    await customerCard(x);
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
    await Promise.all([o.orderList.refresh(), detail(id)]);
  }


  /** 这一单的经过，从早到晚：下单，操作记录里的每一句，装车、发车、送达。 */
  function timelineOf(x, load, entries) {
    const steps = [{ at: x.created_at, text: `${o.CHANNEL[x.channel] || ''}下单，金额 ${money(x.total_fen)}` }];
    for (const a of entries) steps.push({ at: a.at, text: a.summary });
    if (load) {
      if (load.loaded_at) steps.push({ at: load.loaded_at, text: `装上车牌 ${load.plate} 的车` });
      if (load.departed_at) steps.push({ at: load.departed_at, text: `车牌 ${load.plate} 发车` });
      if (load.delivered_at) steps.push({ at: load.delivered_at, text: `送达${load.received_by ? `，${load.received_by} 签收` : ''}` });
    }
    steps.sort((a, b) => new Date(a.at) - new Date(b.at));
    return el('ol', { class: 'timeline', testid: 'detail-timeline' },
      steps.map((s) => el('li', {}, el('time', { text: o.localTime(s.at) }), ' ', s.text)));
  }

  /** 买家卡片：是谁、怎么联系、以前买过什么（最近 5 单，点开即看）。 */
  async function customerCard(x) {
    const [b, past] = await Promise.all([
      api('GET', `/buyers/${x.buyer_id}`),
      api('GET', `/orders?buyer_id=${x.buyer_id}&per_page=6`),
    ]);
    const others = past.items.filter((p) => p.id !== x.id).slice(0, 5);
    const card = el('section', { class: 'customer', testid: 'customer-card' },
      el('h3', { text: '买家' }),
      el('p', {}, el('strong', { testid: 'customer-name', text: b.name }),
        b.company ? `（${b.company}）` : '', b.phone ? ` · ${b.phone}` : ''),
      b.address ? el('p', { class: 'muted', text: b.address }) : null,
      el('p', { class: 'muted', testid: 'customer-history',
        text: past.total > 1 ? `共下过 ${past.total} 单，以前的：` : '第一次下单。' }),
      others.length ? el('ul', { class: 'list' }, others.map((p) => el('li', {},
        el('a', { href: `#orders?id=${p.id}`, text: p.number }),
        ` ${o.localTime(p.created_at).slice(0, 10)} · ${o.ORDER_STATUS[p.status] || ''} · ${money(p.final_total_fen ?? p.total_fen)}`))) : null);
    const head = $('order-detail').querySelector('.detail-head');
    if (head && Number($('order-detail').dataset.orderId) === x.id) head.after(card);
  }

  o.orderDetail = detail;
})();
