// 财务 · 收款结算：书记要做的是——看哪些已送达的订单还在等钱，登记买家付来的钱（一单一单，或勾选几单一起
// 按未收金额登记），再看结算了哪些。收齐款的订单会自动结算（货款记给种植户、提成记给村集体），
// 不需要再点“结算”。金额一律以“分”计算，只在显示时换算成元。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, money, table, act } = o;
  const { showNotice, clientError } = window.Zhunong;

  const PER_PAGE = 50;
  const SETTLED_PER_PAGE = 20;
  const state = { page: 1, q: '', method: 'wechat_pay', reference: '' };

  const methodSelect = (testid, value) => {
    const s = el('select', { testid, 'aria-label': '收款方式' },
      Object.entries(o.METHOD).map(([v, t]) => el('option', { value: v, text: t })));
    s.value = value;
    return s;
  };

  /** 记一笔收款（带幂等键：网络断了重发不会记两次）；返回收据。 */
  const recordPayment = (orderId, amountFen, method, reference) => api('POST', `/orders/${orderId}/payments`,
    { amount_fen: amountFen, method, reference: reference || undefined }, { headers: { 'Idempotency-Key': o.newKey() } });

  /** 一单的收款表单，展开在这一行下面；金额默认是还没收的钱。 */
  function payRow(r, columns, reload) {
    const amount = el('input', { testid: `pay-amount-${r.order_id}`, inputmode: 'decimal', value: o.yuanText(r.outstanding_fen),
      'aria-label': '收款金额（元）', 'data-field': 'amount_fen' });
    const method = methodSelect(`pay-method-${r.order_id}`, state.method);
    const reference = el('input', { testid: `pay-reference-${r.order_id}`, placeholder: '凭证号（可不填）', 'aria-label': '凭证号' });
    const submit = el('button', { type: 'submit', class: 'btn primary small', testid: `pay-submit-${r.order_id}`, text: '登记收款' });
    const f = el('form', { class: 'row wrap pay-form', novalidate: true },
      el('span', { text: `${r.number} ${r.buyer_name} 还欠 ${money(r.outstanding_fen)}：` }), amount, method, reference, submit);
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(submit, null, async () => {
        const fen = o.fenOf(amount.value);
        if (!fen || fen <= 0) throw clientError('请输入收到的金额，如 29.10。', [{ field: 'amount_fen', message: '请输入金额' }]);
        if (fen > r.outstanding_fen) {
          throw clientError(`这单还欠 ${money(r.outstanding_fen)}，收款不能超过这个数。`, [{ field: 'amount_fen', message: '超过未收金额' }]);
        }
        state.method = method.value;
        const receipt = await recordPayment(r.order_id, fen, method.value, reference.value.trim());
        showNotice(receipt.settled ? `已登记 ${money(fen)}，${r.number} 已收齐款并自动结算。`
          : `已登记 ${money(fen)}，${r.number} 还欠 ${money(receipt.due_fen - receipt.paid_fen)}。`);
        await reload();
      });
    });
    return el('tr', { class: 'pay-row', testid: `pay-row-${r.order_id}` }, el('td', { colspan: columns }, f));
  }

  async function awaitingCard(reload) {
    const p = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
    if (state.q) p.set('q', state.q);
    const res = await api('GET', `/receivables?${p}`);
    const headers = ['', '订单号', '买家', '送达', { text: '应收', num: true }, { text: '已收', num: true }, { text: '未收', num: true }, ''];
    const list = el('table', { class: 'table', testid: 'receivables' });
    table(list, headers, res.items.map((r) => ({
      testid: `receivable-${r.order_id}`,
      cells: ['', r.number, r.buyer_company ? `${r.buyer_name}（${r.buyer_company}）` : r.buyer_name,
        r.delivered_at ? o.localTime(r.delivered_at) : '', money(r.due_fen), money(r.paid_fen), money(r.outstanding_fen), ''],
    })), { empty: state.q ? '没有符合条件的待收款订单。' : '没有等着收款的订单：已送达的订单都已收齐款并结算。' });
    const checks = [];
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => {
      const r = res.items[i];
      const c = el('input', { type: 'checkbox', value: r.order_id, testid: `settle-pick-${r.order_id}`, 'aria-label': `选择 ${r.number}` });
      checks.push({ c, r });
      tr.firstChild.append(c);
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small', testid: `pay-open-${r.order_id}`, text: '收款',
        onclick: () => {
          const open = list.querySelector('tr.pay-row');
          const mine = open && open.dataset.testid === `pay-row-${r.order_id}`;
          if (open) open.remove();
          if (!mine) {
            const row = payRow(r, headers.length, reload);
            tr.after(row);
            row.querySelector('input').focus();
          }
        } }));
    });

    // 勾选几单，一起按未收金额登记（每单一笔，各自结算）。
    const method = methodSelect('bulk-method', state.method);
    const reference = el('input', { testid: 'bulk-reference', placeholder: '凭证号（可不填）', 'aria-label': '凭证号' });
    const all = el('input', { type: 'checkbox', testid: 'settle-pick-all', 'aria-label': '全选本页' });
    all.addEventListener('change', () => checks.forEach(({ c }) => { c.checked = all.checked; }));
    const bulk = el('button', { type: 'button', class: 'btn primary', testid: 'bulk-pay', text: '勾选的订单全额收款',
      onclick: (ev) => act(ev.target, null, async () => {
        const picked = checks.filter(({ c }) => c.checked).map(({ r }) => r);
        if (!picked.length) throw clientError('请先勾选收到钱的订单。');
        const sum = picked.reduce((s, r) => s + r.outstanding_fen, 0);
        if (!window.confirm(`登记 ${picked.length} 单全额收款，共 ${money(sum)}（${o.METHOD[method.value]}）？收齐款的订单会自动结算。`)) return;
        state.method = method.value;
        const done = [];
        const failed = [];
        for (const r of picked) {
          try {
            const receipt = await recordPayment(r.order_id, r.outstanding_fen, method.value, reference.value.trim());
            done.push({ r, receipt });
          } catch (e) {
            const code = e && e.problem && e.problem.code;
            failed.push(`${r.number}：${window.Zhunong.CODE_TEXT[code] || '没有登记上，请稍后再试'}`);
          }
        }
        const settled = done.filter((d) => d.receipt.settled).length;
        const total = done.reduce((s, d) => s + d.r.outstanding_fen, 0);
        await reload();
        const result = document.querySelector('[data-testid=settle-result]');
        fill(result, el('p', { text: `已登记 ${done.length} 单收款，共 ${money(total)}；其中 ${settled} 单已自动结算。` }),
          failed.length ? el('ul', {}, failed.map((t) => el('li', { text: t }))) : null);
        showNotice(`已登记 ${done.length} 单收款，${settled} 单已自动结算` + (failed.length ? `，${failed.length} 单没有登记上。` : '。'));
      }) });

    const pages = Math.max(1, Math.ceil(res.total / PER_PAGE));
    const pager = el('div', { class: 'row pager' },
      el('button', { type: 'button', class: 'btn small', testid: 'receivables-prev', text: '上一页', disabled: state.page <= 1 || null,
        onclick: (ev) => act(ev.target, null, async () => { state.page -= 1; await reload(); }) }),
      el('span', { class: 'muted', testid: 'receivables-pages', text: `第 ${state.page} / ${pages} 页` }),
      el('button', { type: 'button', class: 'btn small', testid: 'receivables-next', text: '下一页', disabled: state.page >= pages || null,
        onclick: (ev) => act(ev.target, null, async () => { state.page += 1; await reload(); }) }));

    const search = el('input', { type: 'search', testid: 'receivables-q', value: state.q, placeholder: '订单号、买家名字或电话', 'aria-label': '搜索待收款订单' });
    const searchForm = el('form', { class: 'row wrap', novalidate: true }, search,
      el('button', { type: 'submit', class: 'btn small', text: '查找' }));
    searchForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(null, null, async () => { state.q = search.value.trim(); state.page = 1; await reload(); });
    });

    // 已收齐款却还没结算的（自动结算之前收的款）：给一个按钮把它们结算掉；没有就不显示。
    const leftover = res.fully_paid_unsettled ? el('p', { class: 'warn' },
      `有 ${res.fully_paid_unsettled} 单已收齐款但还没结算。`,
      el('button', { type: 'button', class: 'btn small', testid: 'settle-all', text: '把它们结算入账',
        onclick: (ev) => act(ev.target, null, async () => {
          const ids = [];
          for (let n = 1; ids.length < 500; n += 1) {
            const p = await api('GET', `/orders?status=delivered&payment_status=paid&per_page=200&page=${n}`);
            ids.push(...p.items.map((x) => x.id));
            if (p.items.length < 200) break;
          }
          if (!ids.length) throw clientError('没有已收齐款、还没结算的订单。');
          const r = await api('POST', '/settlements', { order_ids: ids.slice(0, 500) });
          showNotice(`已结算 ${r.settled.length} 单。`);
          await reload();
        }) })) : null;

    return el('section', { class: 'card', testid: 'awaiting-money' },
      el('div', { class: 'row spread wrap' }, el('h2', { text: '待收款（已送达，还没收齐）' }), searchForm),
      el('p', { class: 'lead', testid: 'receivables-total',
        text: res.total ? `共 ${res.total} 单，还欠 ${money(res.outstanding_fen)}。` : '所有已送达的订单都已收齐款。' }),
      el('p', { class: 'muted', testid: 'auto-settle-note',
        text: '收齐款的订单会自动结算：货款记给种植户，提成记给村集体，不需要再点“结算”。退款会自动冲销后重新结算。' }),
      leftover,
      res.items.length ? el('div', { class: 'row wrap bulk-bar' }, el('label', { class: 'row' }, all, '全选本页'), method, reference, bulk) : null,
      el('div', { testid: 'settle-result' }),
      el('div', { class: 'scroll', tabindex: '0', 'aria-label': '待收款订单' }, list),
      res.total > PER_PAGE ? pager : null);
  }

  async function settledCard() {
    const res = await api('GET', `/settled-orders?per_page=${SETTLED_PER_PAGE}`);
    const list = el('table', { class: 'table', testid: 'settled-list' });
    table(list, ['结算时间', '订单号', '买家', { text: '结算金额', num: true }],
      res.items.map((s) => ({ testid: `settled-${s.order_id}`,
        cells: [s.settled_at ? o.localTime(s.settled_at) : '', s.number, s.buyer_name, money(s.paid_fen)] })),
      { empty: '还没有结算过的订单。' });
    return el('section', { class: 'card', testid: 'settled-orders' },
      el('div', { class: 'row spread wrap' }, el('h2', { text: `最近结算（共 ${res.total} 单）` }),
        el('a', { href: '#money?tab=ledger&kind=settlement', text: '查看结算凭证' })),
      el('div', { class: 'scroll', tabindex: '0', 'aria-label': '最近结算的订单' }, list));
  }

  async function settlePanel(box) {
    const reload = async () => {
      const [awaiting, settled] = await Promise.all([awaitingCard(reload), settledCard()]);
      fill(box, awaiting, settled);
    };
    await reload();
  }

  o.settlePanel = settlePanel;
})();
