// 称重装车页面的“打包发货”标签页：称重完成的快递订单在这里装箱、贴单、发货。
// 快递公司选一次（本机记住）；每一单（同一收货人的几单合成一个包裹，合并发货）有一个运单号输入框，
// 扫码枪当键盘用：扫一下就是一串字符加回车。回车时把这一单称好的箱子打成一个包裹（POST /parcels，
// 重量默认是净重加一个纸箱，可改），带上运单号发货（POST /parcels/{id}/ship），再把光标放到下一单的
// 运单号上。公共部分（文本、数字换算）在 station.js。
'use strict';

(() => {
  const {
    $, el, fill, halfWidth, clearMessage, showNotice, clientError, api, run, parseJson,
  } = window.Zhunong;
  const station = window.Zhunong.station;
  const { parseGrams, kg, weightText, orderNumber, timeText } = station;

  const CARRIER_KEY = 'zhunong.station.carrier';
  const DONE_KEY = 'zhunong.station.shipped'; // 本标签页刚发出的包裹（刷新后还在）
  /** 纸箱和填充物，加在净重上作为包裹重量的默认值（克）。 */
  const BOX_G = 300;
  const TRACKING = /^[A-Za-z0-9-]{1,40}$/;
  const PARCEL_STATUS = window.Zhunong.labelsOf('parcel_status');

  let carriers = [];
  let groups = []; // [{key, recipient, orders: [{order, fulfilment}], packed: parcel|null}]
  let listTicket = 0;
  const busy = new Set(); // 正在打包的组：扫码枪连按两次回车也只打一个包

  // ---------------------------------------------------------------- 文本

  function addressText(r) {
    const city = r.city && r.city !== r.province ? r.city : '';
    return `${r.province}${city}${r.district}${r.street}${r.detail}`;
  }
  const FIELD_NAME = { name: '收货人', phone: '电话', province: '省', city: '市', district: '区县', street: '乡镇街道' };

  /** 扫码枪或手输的运单号：全角换半角，去掉空格。 */
  function normalizeTracking(text) {
    return halfWidth(text)
      .replace(/[Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/[－—]/g, '-')
      .replace(/\s+/g, '');
  }

  const carrierName = (code) => (carriers.find((c) => c.code === code) || {}).name || code;
  const netOf = (o) => o.lines.reduce((s, l) => s + (l.weighed_g || 0), 0);

  // ---------------------------------------------------------------- 快递公司

  async function loadCarriers() {
    if (!carriers.length) carriers = await api('GET', '/carriers');
    const sel = $('pack-carrier');
    const keep = localStorage.getItem(CARRIER_KEY) || '';
    fill(sel, el('option', { value: '', text: '— 请选择快递公司 —' }),
      carriers.map((c) => el('option', { value: c.code, text: c.name })));
    if (carriers.some((c) => c.code === keep)) sel.value = keep;
  }

  // ---------------------------------------------------------------- 待打包的订单

  /** 同一个收货人（姓名、电话、地址都一样）的几单放在一起，合成一个包裹发。 */
  const recipientKey = (r) => (r ? [r.name, r.phone, r.province, r.city, r.district, r.street, r.detail].join('|') : '');

  async function loadList() {
    const ticket = ++listTicket;
    const r = await api('GET', '/orders?fulfilment=parcel&status=weighed&per_page=50');
    const items = (r.items || []).slice().sort((a, b) => a.id - b.id);
    const details = await Promise.all(items.map((o) => api('GET', `/orders/${o.id}/fulfilment`).catch(() => null)));
    if (ticket !== listTicket) return;
    const byKey = new Map();
    items.forEach((o, i) => {
      const f = details[i];
      const key = recipientKey(f && f.recipient) || `order-${o.id}`;
      if (!byKey.has(key)) byKey.set(key, { key, recipient: f && f.recipient, orders: [], packed: null });
      const g = byKey.get(key);
      g.orders.push({ order: o, fulfilment: f });
      // 打了包还没发出去的（上次发货时断了网）：接着发。
      const p = f && f.parcels.find((x) => x.status === 'packed');
      if (p && !g.packed) g.packed = p;
    });
    groups = [...byKey.values()];
    render(r.total);
  }

  function render(total) {
    const ul = $('pack-list');
    $('pack-count').textContent = groups.length ? `（${total} 单）` : '';
    if (!groups.length) {
      fill(ul, el('li', { class: 'empty', testid: 'pack-empty', text: '没有等着打包的快递订单（订单称重完成后会出现在这里）。' }));
      return;
    }
    fill(ul, groups.map(groupItem));
  }

  /** 一个收货人：收货信息、订单（几单时可合并）、包裹重量、运单号。 */
  function groupItem(g) {
    const first = g.orders[0].order;
    const id = first.number;
    const r = g.recipient;
    const merged = g.orders.length > 1;
    const unsure = r ? r.unsure.filter((f) => FIELD_NAME[f]) : [];
    const trackId = `track-${id}`;
    const weightId = `weight-${id}`;
    const form = el('form', { class: 'pack-form', novalidate: true,
      onsubmit: (e) => { e.preventDefault(); packAndShip(g, form); } });

    const orderRows = g.orders.map(({ order: o }) => el('li', { class: 'pack-order' },
      merged ? el('label', { class: 'check' },
        el('input', { type: 'checkbox', checked: true, value: String(o.id), 'data-net': String(netOf(o)),
          testid: `merge-${o.number}`, onchange: () => updateWeight(g, form) }),
        el('span', { text: `${o.number} · 净重 ${weightText(netOf(o))}` }))
        : el('span', { text: `${o.number} · 净重 ${weightText(netOf(o))}` })));

    const packed = g.packed;
    const defaultG = packed ? packed.weight_g : g.orders.reduce((s, x) => s + netOf(x.order), 0) + BOX_G;
    fill(form,
      el('label', { for: weightId, text: '包裹重量（公斤，含纸箱）' }),
      el('input', { id: weightId, testid: weightId, 'data-field': 'weight_g', inputmode: 'decimal', autocomplete: 'off',
        value: kg(defaultG), disabled: packed ? true : null }),
      el('label', { for: trackId, text: packed ? '运单号（已打包，扫码或回车发货）' : '运单号（扫码枪扫条码，或手输后按回车）' }),
      el('div', { class: 'row' },
        el('input', { id: trackId, testid: trackId, class: 'track', 'data-field': 'tracking_no', autocomplete: 'off',
          autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'send', maxlength: 60,
          value: packed && packed.tracking_no ? packed.tracking_no : '', placeholder: '如 78912345678' }),
        el('button', { type: 'submit', class: 'btn primary', testid: `ship-${id}`, text: '发货' })));

    return el('li', { class: 'pack-item', testid: `pack-${id}`, 'data-orders': g.orders.map((x) => x.order.id).join(',') },
      el('div', { class: 'pack-to' },
        r ? [el('strong', { class: 'big', testid: `pack-name-${id}`, text: `${r.name} ${r.phone}` }),
          el('div', { testid: `pack-address-${id}`, text: addressText(r) })]
          : el('strong', { text: '没有收货信息，请书记在订单里补上。' })),
      unsure.length ? el('div', { class: 'warn small', text: `下单时这几项没有核对：${unsure.map((f) => FIELD_NAME[f]).join('、')}。贴单前请看一眼。` }) : null,
      merged ? el('div', { class: 'merge-note', text: `同一收货人 ${g.orders.length} 单，合并成一个包裹发（不合并的取消勾选）：` }) : null,
      el('ul', { class: 'list pack-orders' }, orderRows),
      el('div', { class: 'row slip-row' }, g.orders.map(({ order: o }) => [
        el('button', { type: 'button', class: 'btn small', testid: `slip-${o.number}`, text: g.orders.length > 1 ? `打印发货单 ${o.number}` : '打印发货单（A4）',
          onclick: (e) => run(e.currentTarget, () => station.openFile(`/orders/${o.id}/packing-slip`, null)) }),
        el('button', { type: 'button', class: 'btn small', testid: `slip-thermal-${o.number}`, text: '面单纸（10×15）',
          onclick: (e) => run(e.currentTarget, () => station.openFile(`/orders/${o.id}/packing-slip?layout=thermal`, null)) })])),
      packed ? el('div', { class: 'packed-note', testid: `packed-${id}` },
        el('span', { class: 'badge s-packed', text: PARCEL_STATUS.packed || '已打包' }), ` 已打包（${carrierName(packed.carrier)}${packed.tracking_no ? ` ${packed.tracking_no}` : ''}），还没发货。`,
        el('button', { type: 'button', class: 'btn small danger', testid: `unpack-${id}`, text: '拆包',
          onclick: (e) => run(e.currentTarget, () => unpack(packed)) })) : null,
      form);
  }

  /** 合并的订单勾选变了：默认重量跟着变。 */
  function updateWeight(g, form) {
    const nets = [...form.closest('.pack-item').querySelectorAll('input[type=checkbox]:checked')].map((c) => Number(c.dataset.net));
    const w = form.querySelector('input[data-field="weight_g"]');
    w.value = nets.length ? kg(nets.reduce((s, n) => s + n, 0) + BOX_G) : '';
  }

  // ---------------------------------------------------------------- 打包、发货

  async function packAndShip(g, form) {
    if (busy.has(g.key)) return;
    const track = form.querySelector('.track');
    const button = form.querySelector('button[type=submit]');
    const trackId = track.id;
    busy.add(g.key);
    try {
      const done = await run(button, async () => {
        clearMessage();
        const carrier = $('pack-carrier').value;
        if (!carrier) {
          $('pack-carrier').focus();
          throw clientError('请先选择快递公司。', [{ field: 'carrier', message: '请选择' }]);
        }
        const tracking = normalizeTracking(track.value);
        track.value = tracking;
        if (!TRACKING.test(tracking)) {
          track.select();
          throw clientError(tracking ? '运单号只能有英文字母、数字和“-”，最多 40 位。请重新扫一下。' : '请扫快递单上的条码，或输入运单号。',
            [{ field: 'tracking_no', message: tracking ? '格式不对' : '不能为空' }]);
        }
        let parcel = g.packed;
        const boxes = [...form.closest('.pack-item').querySelectorAll('input[type=checkbox]')];
        const orderIds = boxes.length ? boxes.filter((c) => c.checked).map((c) => Number(c.value)) : g.orders.map((x) => x.order.id);
        if (!parcel) {
          if (!orderIds.length) throw clientError('请至少勾选一单。');
          const w = parseGrams(form.querySelector('input[data-field="weight_g"]').value, 'kg');
          if (w.empty || w.error || !w.g) throw clientError('请填写包裹重量（公斤）。', [{ field: 'weight_g', message: w.error || '不能为空' }]);
          try {
            parcel = await api('POST', '/parcels', { order_ids: orderIds, weight_g: w.g, carrier, tracking_no: tracking });
          } catch (err) {
            throw explain(err);
          }
        }
        let shipped;
        try {
          shipped = await api('POST', `/parcels/${parcel.id}/ship`, { tracking_no: tracking, carrier });
        } catch (err) {
          await loadList(); // 包已打好：列表上显示“已打包”，可以再点发货
          throw explain(err);
        }
        const numbers = shipped.order_ids.map(orderNumber);
        remember({
          parcel_id: shipped.id, numbers, name: g.recipient ? g.recipient.name : '', carrier: shipped.carrier_name,
          tracking: shipped.tracking_no, weight_g: shipped.weight_g, at: Date.now(),
        });
        showNotice(`已发货：${numbers.join('、')}，${shipped.carrier_name} ${shipped.tracking_no}`);
        await loadList();
        focusNext();
        return true;
      });
      // 没发成：光标留在这一单的运单号上，选中，扫码枪再扫一次就替换掉。
      const again = done ? null : document.getElementById(trackId);
      if (again && document.activeElement !== $('pack-carrier')) {
        again.focus();
        again.select();
      }
    } finally {
      busy.delete(g.key);
    }
  }

  /** 打包、发货时的错误换成这里的说法。 */
  function explain(err) {
    const p = err && err.problem;
    if (!p) return err;
    const text = {
      not_weighed: '这一单还没有称重完成，或者已经发货了，不能打包。请点“刷新”。',
      tracking_number_taken: '这个运单号已经用在别的包裹上了：请换一张快递单，重新扫。',
      already_packed: '这一单的货已经打过包了。请点“刷新”看看。',
      invalid_transition: '这个包裹已经发出或拆开了。请点“刷新”。',
    }[p.code];
    if (text) p.text = text;
    return err;
  }

  async function unpack(parcel) {
    clearMessage();
    if (!window.confirm('拆开这个包裹？拆开后可以重新打包。')) return;
    await api('POST', `/parcels/${parcel.id}/unpack`);
    showNotice('已拆包，可以重新打包。');
    await loadList();
  }

  /** 光标放到下一单的运单号上（扫码枪接着扫）。 */
  function focusNext() {
    const next = document.querySelector('#pack-list .track');
    if (next) {
      next.focus();
      next.select();
    }
  }

  // ---------------------------------------------------------------- 刚发出的包裹

  function readDone() {
    const list = parseJson(sessionStorage.getItem(DONE_KEY) || '[]');
    return Array.isArray(list) ? list : [];
  }

  function remember(p) {
    const list = [p, ...readDone()].slice(0, 30);
    sessionStorage.setItem(DONE_KEY, JSON.stringify(list));
    renderDone();
  }

  function renderDone() {
    const list = readDone();
    $('pack-done-box').hidden = !list.length;
    fill($('pack-done'), list.map((p) => el('li', { class: 'order-row', testid: `shipped-${p.parcel_id}` },
      el('div', { class: 'info' },
        el('strong', { text: p.numbers.join('、') }), ' ', el('span', { class: 'badge s-shipped', text: PARCEL_STATUS.shipped || '已发货' }),
        el('div', { text: `${p.name} · ${p.carrier} ${p.tracking}` }),
        el('div', { class: 'muted', text: `${kg(p.weight_g)} 公斤 · ${timeText(new Date(p.at).toISOString())}` })))));
  }

  station.pack = {
    init() {
      $('pack-carrier').addEventListener('change', () => {
        clearMessage();
        const v = $('pack-carrier').value;
        if (v) localStorage.setItem(CARRIER_KEY, v);
        else localStorage.removeItem(CARRIER_KEY);
        if (v) focusNext();
      });
      $('refresh-pack').addEventListener('click', (e) => run(e.currentTarget, loadList));
      renderDone();
    },
    show() {
      run(null, async () => {
        await loadCarriers();
        await loadList();
        if ($('pack-carrier').value) focusNext();
      });
    },
  };
})();
