// 称重装车页面的“装车”标签页：新建装车单、加入已称重完成的订单、标记已装车、发车、送达签收，打印装车单和拣货单。
// 公共部分（文本、数字换算、查找订单）在 station.js。
'use strict';

(() => {
  const {
    $, el, fill, money, clearMessage, showError, showNotice, clientError, api, run,
  } = window.Zhunong;
  const { badge, kv, weightText, orderNumber, localDate, findOrder, openFile, labelButtons } = window.Zhunong.station;

  let currentLoad = null;
  let loadRender = 0;

  /** 车辆列表的一项：车牌、状态、目的地，净重（斤，旁边是公斤）和载重。 */
  function loadItem(l) {
    return el('li', {}, el('button', {
        type: 'button', class: `load-item${currentLoad && currentLoad.id === l.id ? ' current' : ''}`,
        testid: `open-load-${l.id}`, onclick: (e) => run(e.currentTarget, () => selectLoad(l.id)),
      },
      el('span', {}, el('strong', { text: `第 ${l.id} 车 · ${l.plate}` }), ' ', badge('load', l.status), el('br'),
        el('span', { class: 'muted', text: `${l.destination} · ${l.planned_date} · ${l.order_ids.length} 单` })),
      el('span', { class: 'money', text: `${weightText(l.total_net_g)}${l.capacity_kg === null ? '' : ` · 载重 ${l.capacity_kg} 公斤`}` })));
  }

  /**
   * 正在装的车列在上面；已装车（待发车）、已发车（待送达）的收在下面一栏，要发车、送达时再点开，
   * 免得装车时在一长串车里找。
   */
  async function loadOpenLoads() {
    const [open, ...away] = await Promise.all(['open', 'loaded', 'departed'].map((st) => api('GET', `/loads?status=${st}&per_page=50`)));
    const newestFirst = (a, b) => b.id - a.id;
    const loading = open.items.sort(newestFirst);
    const onTheWay = away.flatMap((r) => r.items).sort(newestFirst);
    const ul = $('open-loads');
    ul.replaceChildren(...loading.map(loadItem));
    if (!loading.length) ul.append(el('li', { class: 'empty', testid: 'no-open-loads', text: '没有正在装车的车辆，请先新建装车单。' }));
    const shown = onTheWay.some((l) => currentLoad && currentLoad.id === l.id);
    $('away-loads').replaceChildren(onTheWay.length ? el('details', { open: shown || null, testid: 'away-loads' },
      el('summary', { text: `已装车、在途的车（${onTheWay.length}）` }),
      el('ul', { class: 'list' }, onTheWay.map(loadItem))) : '');
  }

  async function loadWeighedChoices() {
    const sel = $('weighed-orders');
    if (!sel) return;
    // 快递、自提的订单不装车：只列装车的。
    const r = await api('GET', '/orders?status=weighed&fulfilment=load&per_page=50');
    const free = r.items.filter((o) => o.load_id === null);
    sel.replaceChildren(el('option', { value: '', text: free.length ? '— 已称重、未装车的订单 —' : '— 没有可装车的订单 —' }));
    for (const o of free) {
      const net = o.lines.reduce((s, l) => s + (l.weighed_g || 0), 0);
      const warn = o.weights_flagged && !o.weights_approved ? ' · 待审批' : '';
      sel.append(el('option', { value: o.number, text: `${o.number} · ${weightText(net)}${warn}` }));
    }
  }

  async function selectLoad(id) {
    clearMessage();
    currentLoad = await api('GET', `/loads/${id}`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function createLoad(ev) {
    ev.preventDefault();
    clearMessage();
    const val = (id) => $(id).value.trim();
    const body = {
      plate: val('load-plate'), driver_name: val('load-driver'), driver_phone: val('load-phone'),
      destination: val('load-destination'), planned_date: val('load-date'),
    };
    const errors = [];
    for (const [k, v] of Object.entries(body)) if (!v) errors.push({ field: k, message: '不能为空' });
    const cap = val('load-capacity');
    if (cap !== '') {
      if (!/^\d+$/.test(cap) || Number(cap) <= 0) errors.push({ field: 'capacity_kg', message: '请填写正整数公斤数，或留空' });
      else body.capacity_kg = Number(cap);
    }
    if (errors.length) { showError(clientError('请把装车单填写完整。', errors)); return; }
    await run($('create-load'), async () => {
      currentLoad = await api('POST', '/loads', body);
      showNotice(`已新建第 ${currentLoad.id} 车（${currentLoad.plate}）`);
      for (const id of ['load-plate', 'load-driver', 'load-phone', 'load-destination', 'load-capacity']) $(id).value = '';
      $('new-load-box').open = false;
      await renderLoad();
      await loadOpenLoads();
    });
  }

  async function renderLoad() {
    const l = currentLoad;
    const box = $('load-detail');
    if (!l) { box.hidden = true; return; }
    const ticket = ++loadRender;
    const open = l.status === 'open';
    const orders = await Promise.all(l.order_ids.map((id) => api('GET', `/orders/${id}`).catch(() => null)));
    if (ticket !== loadRender) return;

    const capKg = l.capacity_kg;
    // A <meter>, not a width in a style attribute: the pages' CSP (style-src 'self') refuses those.
    const capbar = capKg === null ? null : el('meter', {
      class: `capbar${l.total_net_g > capKg * 1000 ? ' over' : ''}`, testid: 'load-capacity-bar',
      min: 0, max: Math.max(1, capKg * 1000), value: Math.min(l.total_net_g, capKg * 1000),
      'aria-label': '装载量', title: `${weightText(l.total_net_g)} / 载重 ${capKg} 公斤`,
    });

    fill(box,
      el('div', { class: 'row spread' },
        el('h2', { testid: 'load-title', text: `第 ${l.id} 车 · ${l.plate}` }),
        badge('load', l.status, 'load-status')),
      kv([
        ['司机', `${l.driver_name} ${l.driver_phone}`],
        ['目的地', l.destination],
        ['计划日期', l.planned_date],
        ['总净重', el('span', { class: 'money', text: weightText(l.total_net_g) }), 'load-total'],
        ['载重', capKg === null ? '未设定' : `${capKg} 公斤（还能装 ${weightText(Math.max(0, capKg * 1000 - l.total_net_g))}）`, 'load-capacity-text'],
      ]),
      capbar,
      el('h3', { class: 'load-orders-title', text: `订单（${l.order_ids.length}）` }),
      el('ul', { class: 'list', testid: 'load-orders' },
        l.order_ids.length ? l.order_ids.map((id, i) => {
          const o = orders[i];
          const net = o ? o.lines.reduce((s, x) => s + (x.weighed_g || 0), 0) : null;
          return el('li', { class: 'order-row', testid: `load-order-${id}` },
            el('div', { class: 'info' },
              el('strong', { text: o ? o.number : orderNumber(id) }), ' ',
              o ? badge('order', o.status) : null, el('br'),
              el('span', { class: 'muted', text: o ? `${weightText(net)} · ${o.final_total_fen === null ? '—' : money(o.final_total_fen)}` : '' })),
            open ? el('button', { type: 'button', class: 'btn small danger', testid: `remove-order-${id}`, text: '移除',
              onclick: (e) => run(e.currentTarget, () => removeOrder(id)) }) : null);
        }) : el('li', { class: 'empty', text: '还没有订单。' })),
      open ? el('form', { testid: 'add-order-form', onsubmit: (e) => { e.preventDefault(); run($('add-order'), () => addOrder($('add-order-number').value)); } },
        el('label', { for: 'add-order-number', text: '加入订单（订单号）' }),
        el('div', { class: 'row' },
          el('input', { id: 'add-order-number', testid: 'add-order-number', placeholder: '如 ZN000001', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }),
          el('button', { type: 'submit', id: 'add-order', class: 'btn primary', testid: 'add-order', text: '加入' })),
        el('label', { for: 'weighed-orders', text: '或选择已称重的订单' }),
        el('select', { id: 'weighed-orders', testid: 'weighed-orders',
          onchange: (e) => { if (e.target.value) $('add-order-number').value = e.target.value; } })) : null,
      el('div', { class: 'btns' },
        open ? el('button', { type: 'button', class: 'btn primary', testid: 'mark-loaded', text: '标记已装车',
          disabled: l.order_ids.length === 0 ? true : null,
          onclick: (e) => run(e.currentTarget, markLoaded) }) : null,
        l.status === 'loaded' ? el('button', { type: 'button', class: 'btn primary', testid: 'mark-departed', text: '发车',
          onclick: (e) => run(e.currentTarget, markDeparted) }) : null,
        el('button', { type: 'button', class: 'btn', testid: 'pick-list', text: '打印拣货单',
          onclick: (e) => run(e.currentTarget, () => openFile(`/pick-list/print?load_id=${l.id}`, null)) }),
        el('button', { type: 'button', class: 'btn', testid: 'manifest', text: '打印装车单',
          onclick: (e) => run(e.currentTarget, () => openFile(`/loads/${l.id}/manifest`, null)) }),
        el('button', { type: 'button', class: 'btn', testid: 'manifest-csv', text: '导出 CSV',
          onclick: (e) => run(e.currentTarget, () => openFile(`/loads/${l.id}/manifest.csv`, `load-${l.id}.csv`)) }),
        labelButtons(`load_id=${l.id}`)),
    );
    if (l.status === 'departed') box.append(deliverForm());
    box.hidden = false;
    if (open) run(null, loadWeighedChoices);
  }

  /** 已发车的车：送到后填签收人，标记已送达。 */
  function deliverForm() {
    return el('form', { class: 'deliver', testid: 'deliver-form', novalidate: true,
      onsubmit: (e) => { e.preventDefault(); run($('mark-delivered'), markDelivered); } },
    el('h3', { text: '送达签收' }),
    el('label', { for: 'received-by', text: '签收人' }),
    el('input', { id: 'received-by', testid: 'received-by', autocomplete: 'off', maxlength: 100, 'data-field': 'received_by' }),
    el('label', { for: 'deliver-note', text: '备注（可不填）' }),
    el('input', { id: 'deliver-note', testid: 'deliver-note', autocomplete: 'off', maxlength: 500 }),
    el('button', { type: 'submit', id: 'mark-delivered', class: 'btn primary block', testid: 'mark-delivered', text: '标记已送达' }));
  }

  async function markDeparted() {
    clearMessage();
    if (!window.confirm(`第 ${currentLoad.id} 车（${currentLoad.plate}）现在发车吗？`)) return;
    currentLoad = await api('POST', `/loads/${currentLoad.id}/departed`);
    showNotice(`第 ${currentLoad.id} 车已发车`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function markDelivered() {
    clearMessage();
    const receivedBy = $('received-by').value.trim();
    if (!receivedBy) throw clientError('请填写签收人。', [{ field: 'received_by', message: '不能为空' }]);
    const note = $('deliver-note').value.trim();
    currentLoad = await api('POST', `/loads/${currentLoad.id}/delivered`, { received_by: receivedBy, note: note || null });
    showNotice(`第 ${currentLoad.id} 车已送达，签收人 ${receivedBy}`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function addOrder(numberText) {
    clearMessage();
    const order = await findOrder(numberText);
    currentLoad = await api('POST', `/loads/${currentLoad.id}/orders`, { order_id: order.id });
    showNotice(`已把 ${order.number} 装上第 ${currentLoad.id} 车`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function removeOrder(orderId) {
    clearMessage();
    currentLoad = await api('DELETE', `/loads/${currentLoad.id}/orders/${orderId}`);
    showNotice(`已把 ${orderNumber(orderId)} 从第 ${currentLoad.id} 车移除`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function markLoaded() {
    clearMessage();
    currentLoad = await api('POST', `/loads/${currentLoad.id}/loaded`);
    showNotice(`第 ${currentLoad.id} 车已标记为已装车`);
    await renderLoad();
    await loadOpenLoads();
  }

  window.Zhunong.station.load = {
    init() {
      $('load-date').value = localDate();
      $('new-load-form').addEventListener('submit', createLoad);
      $('refresh-loads').addEventListener('click', (e) => run(e.currentTarget, loadOpenLoads));
    },
    show() {
      run(null, async () => { await loadOpenLoads(); await loadWeighedChoices(); });
    },
  };
})();
