// 订单台：按状态分页签（每个页签带单数），按订单号、买家、下单日期、渠道、直播场次筛选，每页 50 单，
// 每行写着买家；勾选几单一起确认、一起取消（填一个原因）、一起打印标签。详情在 office-order-detail.js。
// 从首页的提醒点进来时，条件先清空，只按提醒的那一项筛选。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, table } = o;
  const { run, showNotice, clientError } = window.Zhunong;

  const PER_PAGE = 50;
  /** 页签：[状态, 文字]；'' 是全部。 */
  const TABS = [['', '全部'], ['pending', '待确认'], ['confirmed', '待称重'], ['weighed', '待装车'], ['loaded', '运输中'],
    ['delivered', '待收款'], ['settled', '已结算'], ['cancelled', '已取消']];
  const state = { status: '', page: 1 };
  let shown = []; // 本页的订单

  /** 本地日期（YYYY-MM-DD）的零点，作为时刻；plusDay 时是第二天零点（“到”这一天为止，含这一天）。 */
  function startOf(date, plusDay) {
    const d = new Date(`${date}T00:00:00`);
    if (plusDay) d.setDate(d.getDate() + 1);
    return d.toISOString();
  }

  /** 除状态、页码以外的筛选条件。 */
  function filters() {
    const p = new URLSearchParams();
    if ($('o-q').value.trim()) p.set('q', $('o-q').value.trim());
    if ($('o-from').value) p.set('from', startOf($('o-from').value, false));
    if ($('o-to').value) p.set('to', startOf($('o-to').value, true));
    if ($('o-channel').value) p.set('channel', $('o-channel').value);
    if ($('o-flagged').checked) p.set('weights_flagged', 'true');
    if ($('o-session').value) p.set('live_session_id', $('o-session').value);
    return p;
  }

  function clearFilters() {
    for (const id of ['o-q', 'o-from', 'o-to', 'o-channel', 'o-session']) $(id).value = '';
    $('o-flagged').checked = false;
    $('o-confirm-session').hidden = true;
    state.status = '';
    state.page = 1;
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

  function tabs(counts) {
    fill($('o-tabs'), TABS.map(([status, text]) => {
      const n = status ? counts[status] : counts.all;
      const current = status === state.status;
      return el('button', { type: 'button', role: 'tab', class: `tab${current ? ' current' : ''}`, testid: `o-tab-${status || 'all'}`,
        'aria-selected': current ? 'true' : 'false',
        onclick: () => run(null, async () => { state.status = status; state.page = 1; await list(); }) },
      text, ' ', el('span', { class: 'count', text: String(n) }));
    }));
  }

  /** 勾选的订单一起做：确认、取消（一个原因）、打印标签。 */
  function bulkBar(checks) {
    const picked = () => checks.filter(({ c }) => c.checked).map(({ x }) => x);
    const all = el('input', { type: 'checkbox', testid: 'o-pick-all', 'aria-label': '全选本页' });
    all.addEventListener('change', () => checks.forEach(({ c }) => { c.checked = all.checked; }));
    const each = async (orders, fn) => {
      const done = [];
      const failed = [];
      for (const x of orders) {
        try { await fn(x); done.push(x); } catch (e) {
          const code = e && e.problem && e.problem.code;
          failed.push(`${x.number}：${window.Zhunong.CODE_TEXT[code] || '没有办成，请稍后再试'}`);
        }
      }
      return { done, failed };
    };
    const report = (verb, r) => {
      showNotice(`已${verb} ${r.done.length} 单` + (r.failed.length ? `，${r.failed.length} 单没有${verb}：${r.failed.join('；')}` : '。'));
    };
    const confirmBtn = el('button', { type: 'button', class: 'btn primary', testid: 'o-bulk-confirm', text: '确认勾选的订单',
      onclick: (ev) => run(ev.target, async () => {
        const orders = picked().filter((x) => x.status === 'pending');
        if (!orders.length) throw clientError('请先勾选待确认的订单。');
        const r = await each(orders, (x) => api('POST', `/orders/${x.id}/confirm`, {}));
        await list();
        report('确认', r);
      }) });
    const cancelBtn = el('button', { type: 'button', class: 'btn danger', testid: 'o-bulk-cancel', text: '取消勾选的订单',
      onclick: (ev) => run(ev.target, async () => {
        const orders = picked();
        if (!orders.length) throw clientError('请先勾选要取消的订单。');
        const reason = window.prompt(`取消 ${orders.length} 单，库存退回，不能恢复。请填写取消原因（如：买家退单、缺货）：`, '');
        if (reason === null) return;
        if (!reason.trim()) throw clientError('请填写取消原因。');
        const r = await each(orders, (x) => api('POST', `/orders/${x.id}/cancel`, { reason: reason.trim() }));
        await list();
        report('取消', r);
      }) });
    const printBtn = el('button', { type: 'button', class: 'btn', testid: 'o-bulk-print', text: '打印勾选订单的标签',
      onclick: (ev) => run(ev.target, async () => {
        const orders = picked();
        if (!orders.length) throw clientError('请先勾选要打印的订单。');
        for (const x of orders) await o.openPrint(`/labels?order_id=${x.id}&layout=a4`);
      }) });
    fill($('o-bulk'), el('label', { class: 'row' }, all, '全选本页'), confirmBtn, cancelBtn, printBtn);
    $('o-bulk').hidden = !checks.length;
  }

  async function list() {
    const base = filters();
    const p = new URLSearchParams(base);
    p.set('per_page', String(PER_PAGE));
    p.set('page', String(state.page));
    if (state.status) p.set('status', state.status);
    const [page, counts] = await Promise.all([api('GET', `/orders?${p}`), api('GET', `/orders/status-counts?${base}`)]);
    shown = page.items;
    tabs(counts);
    const node = $('order-list');
    table(node, ['', '订单号', '买家', '下单时间', '渠道', '状态', '付款', { text: '金额', num: true }],
      shown.map((x) => ({
        class: 'clickable', testid: `order-${x.id}`,
        onclick: (ev) => { if (ev.target.type !== 'checkbox') run(null, () => o.orderDetail(x.id)); },
        cells: ['', x.number, x.buyer ? x.buyer.name + (x.buyer.company ? `（${x.buyer.company}）` : '') : '',
          o.localTime(x.created_at), o.CHANNEL[x.channel] || x.channel,
          (o.ORDER_STATUS[x.status] || x.status) + (x.weights_flagged && !x.weights_approved ? '（称重超差）' : ''),
          o.PAYMENT_STATUS[x.payment_status] || x.payment_status, money(x.final_total_fen ?? x.total_fen)],
      })), { empty: '没有符合条件的订单。可以换个关键词，或点“清空条件”。' });
    const checks = [];
    node.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => {
      const x = shown[i];
      const c = el('input', { type: 'checkbox', testid: `o-pick-${x.id}`, 'aria-label': `选择 ${x.number}` });
      tr.firstChild.append(c);
      checks.push({ c, x });
    });
    bulkBar(checks);
    node.dataset.total = String(page.total);
    const pages = Math.max(1, Math.ceil(page.total / PER_PAGE));
    $('o-pages').textContent = `共 ${page.total} 单，第 ${state.page} / ${pages} 页`;
    $('o-prev').disabled = state.page <= 1;
    $('o-next').disabled = state.page >= pages;
  }

  async function show(params) {
    await run(null, sessions);
    // 带着条件进来（首页的提醒、订单号）：先清空上次的搜索，只按这一项筛选。
    if (params && [...params.keys()].length) clearFilters();
    if (params && params.get('status')) state.status = params.get('status');
    if (params && params.get('flagged')) $('o-flagged').checked = true;
    await run(null, list);
    if (params && params.get('id')) await run(null, () => o.orderDetail(Number(params.get('id'))));
  }

  o.orderList = { refresh: list };
  o.register('orders', { show });
  document.addEventListener('DOMContentLoaded', () => {
    $('order-search').addEventListener('submit', (ev) => {
      ev.preventDefault();
      state.page = 1;
      run($('o-find'), list);
    });
    $('o-clear').addEventListener('click', (ev) => { clearFilters(); run(ev.target, list); });
    $('o-session').addEventListener('change', () => {
      $('o-confirm-session').hidden = !$('o-session').value;
      state.page = 1;
      run(null, list);
    });
    $('o-confirm-session').addEventListener('click', () => run($('o-confirm-session'), confirmSession));
    $('o-prev').addEventListener('click', (ev) => { state.page = Math.max(1, state.page - 1); run(ev.target, list); });
    $('o-next').addEventListener('click', (ev) => { state.page += 1; run(ev.target, list); });
  });
})();
