// 称重装车页面的“自提交货”标签页：买家到自提点来取货。按订单号、买家姓名或手机号找到称重完成的自提订单，
// 输入买家出示的提货码，点“交货”（POST /orders/{id}/pickup）。提货码不对时说清楚；连续输错几次后这一单
// 暂时锁定（服务器决定锁多久），也用中文说明。公共部分在 station.js。
'use strict';

(() => {
  const {
    $, el, fill, halfWidth, clearMessage, showNotice, clientError, api, run,
  } = window.Zhunong;
  const station = window.Zhunong.station;
  const { kv, jin, weightText } = station;

  let current = null; // {order, fulfilment, sheet}
  let listTicket = 0;

  const buyerText = (o) => (o.buyer ? `${o.buyer.name}${o.buyer.phone ? ` ${o.buyer.phone}` : ''}` : `买家 ${o.buyer_id}`);
  const netOf = (o) => o.lines.reduce((s, l) => s + (l.weighed_g || 0), 0);

  async function waiting(q) {
    const query = q ? `&q=${encodeURIComponent(q)}` : '';
    return api('GET', `/orders?fulfilment=pickup&status=weighed&per_page=50${query}`);
  }

  async function loadList() {
    const ticket = ++listTicket;
    const r = await waiting('');
    if (ticket !== listTicket) return;
    const items = r.items || [];
    $('pickup-count').textContent = items.length ? `（${r.total} 单）` : '';
    fill($('pickup-list'), items.length ? items.map((o) => el('li', {}, el('button', {
      type: 'button', class: 'load-item', testid: `pickup-order-${o.number}`,
      onclick: (e) => run(e.currentTarget, () => open(o)),
    }, el('span', {}, el('strong', { text: o.number }), el('br'), el('span', { class: 'muted', text: buyerText(o) })),
    el('span', { class: 'money nowrap', text: `${jin(netOf(o))} 斤` }))))
      : el('li', { class: 'empty', text: '没有等着提货的订单（自提订单称重完成后会出现在这里）。' }));
  }

  /** 查找：订单号、买家姓名或手机号；只有一单就直接打开。 */
  async function find() {
    clearMessage();
    const raw = halfWidth($('pickup-q').value).trim();
    if (!raw) throw clientError('请输入订单号、买家姓名或手机号。');
    let q = /^zn\d+$/i.test(raw) ? raw.toUpperCase() : raw;
    let items = (await waiting(q)).items || [];
    // 只输了几位数字、又没有手机号对得上：当作订单号的数字部分（如 123 → ZN000123）。
    if (!items.length && /^\d{1,6}$/.test(raw)) {
      q = `ZN${raw.padStart(6, '0')}`;
      items = (await waiting(q)).items || [];
    }
    if (items.length === 1) { await open(items[0]); return; }
    if (items.length > 1) {
      current = null;
      fill($('pickup-detail'), el('h3', { text: `找到 ${items.length} 单，请点选：` }),
        el('ul', { class: 'list' }, items.map((o) => el('li', {}, el('button', {
          type: 'button', class: 'load-item', testid: `pickup-match-${o.number}`,
          onclick: (e) => run(e.currentTarget, () => open(o)),
        }, el('span', {}, el('strong', { text: o.number }), el('br'), el('span', { class: 'muted', text: buyerText(o) })))))));
      $('pickup-detail').hidden = false;
      return;
    }
    // 没有等着提货的：是订单号的话，说说它现在怎样。
    if (/^ZN\d+$/i.test(q)) {
      let o = null;
      try {
        o = await api('GET', `/orders/by-number/${encodeURIComponent(q.toUpperCase())}`);
      } catch (err) {
        if (err.status !== 404) throw err;
      }
      if (!o) throw clientError(`没有找到订单 ${q.toUpperCase()}。`);
      if (o.fulfilment !== 'pickup') throw clientError(`${o.number} 不是自提订单，不能在这里交货。`);
      if (o.status === 'delivered' || o.status === 'settled') throw clientError(`${o.number} 已经提走了。`);
      if (o.status === 'cancelled') throw clientError(`${o.number} 已取消。`);
      throw clientError(`${o.number} 还没有称重完成，称重完成后才能交货。`);
    }
    throw clientError(`没有找到“${raw}”等着提货的订单。`);
  }

  async function open(o) {
    clearMessage();
    const [fulfilment, sheet] = await Promise.all([
      api('GET', `/orders/${o.id}/fulfilment`),
      api('GET', `/orders/${o.id}/weighing-sheet`).catch(() => null),
    ]);
    current = { order: o, fulfilment, sheet };
    render();
    $('pickup-code').focus();
  }

  function render() {
    const { order: o, fulfilment: f, sheet } = current;
    const point = f.pickup_point;
    const lines = sheet ? sheet.lines.map((l) => `${l.product_name} ${weightText(l.weighed_g || 0)}`).join('；') : weightText(netOf(o));
    fill($('pickup-detail'),
      el('div', { class: 'row spread' },
        el('h2', { testid: 'pickup-number', text: o.number }),
        el('span', { class: `badge s-${f.status}`, testid: 'pickup-status', text: station.ORDER_STATUS[f.status] || '' })),
      kv([
        ['买家', sheet ? `${sheet.buyer_name}${o.buyer && o.buyer.phone ? ` ${o.buyer.phone}` : ''}` : buyerText(o), 'pickup-buyer'],
        ['货品', lines, 'pickup-goods'],
        ['自提点', point ? `${point.name}（${point.address}）` : '—', 'pickup-point-name'],
      ]),
      f.status === 'weighed' ? el('form', { class: 'pickup-form', novalidate: true,
        onsubmit: (e) => { e.preventDefault(); run($('pickup-submit'), handOver); } },
      el('label', { for: 'pickup-code', text: '提货码（买家手机上的订单页有）' }),
      el('input', { id: 'pickup-code', testid: 'pickup-code', 'data-field': 'code', class: 'code-input',
        inputmode: 'numeric', autocomplete: 'off', maxlength: 20, spellcheck: 'false' }),
      el('button', { type: 'submit', id: 'pickup-submit', class: 'btn primary block', testid: 'pickup-submit', text: '交货' }))
        : el('div', { class: 'done-note', testid: 'pickup-done', text: f.picked_up_at ? `${station.timeText(f.picked_up_at)} 已交货。` : '这一单现在不能交货。' }));
    $('pickup-detail').hidden = false;
  }

  async function handOver() {
    clearMessage();
    const o = current.order;
    const code = halfWidth($('pickup-code').value).replace(/\s+/g, '');
    if (!code) {
      $('pickup-code').focus();
      throw clientError('请输入买家出示的提货码。', [{ field: 'code', message: '不能为空' }]);
    }
    try {
      await api('POST', `/orders/${o.id}/pickup`, { code });
    } catch (err) {
      const p = err.problem || {};
      if (p.code === 'wrong_pickup_code') p.text = '提货码不对，请让买家再核对一下（在买家手机上的订单页里）。';
      if (err.status === 429) p.text = '提货码输错的次数太多，这一单已暂时锁定，请过一会儿再试。如果买家确实是本人，请联系书记。';
      if (p.code === 'not_weighed') p.text = '这一单还没有称重完成，或者已经交货了，现在不能交货。';
      const input = $('pickup-code');
      if (input) { input.focus(); input.select(); }
      throw err;
    }
    showNotice(`已交货：${o.number}（${current.sheet ? current.sheet.buyer_name : buyerText(o)}）`);
    current.fulfilment = await api('GET', `/orders/${o.id}/fulfilment`);
    render();
    await loadList();
  }

  station.pickup = {
    init() {
      $('pickup-find-form').addEventListener('submit', (e) => { e.preventDefault(); run($('pickup-find'), find); });
      $('refresh-pickup').addEventListener('click', (e) => run(e.currentTarget, loadList));
    },
    show() {
      run(null, loadList);
    },
  };
})();
