// 直播下单页面：当前场次和它的商品——场次的标题和状态、商品按钮（价格、剩余、售罄、下架）、底部栏的商品
// 选择和数量。实时数据（live.js 收到的 totals）、商品管理（live-featured.js）的改动都更新到这里；
// 下单、发送（live-place.js、live-queue.js）从这里读当前场次和选中的商品。live.js 调用 Zhunong.liveProducts.*。
// 数量以批次的基本单位（按重量：克；按件：件）的整数计算，斤/箱只在显示和输入时换算。
'use strict';

(() => {
  const {
    $, el, fill, halfWidth, money, weightAmountFen, byWeight, unitOf, qtyNumber, pad2, PLATFORM,
    clearMessage, showError, clientError, run,
  } = window.Zhunong;

  // ---------------------------------------------------------------- 数字（整数运算）

  /** 基本单位的数量（克或件）→ 显示文字，如“2 箱”“12.5 斤”。 */
  function qtyText(b, q) {
    if (q === null || q === undefined) return '—';
    return `${qtyNumber(b, q)} ${unitOf(b)}`;
  }
  /** 单价文字：¥15.00/斤、¥88.00/箱。 */
  const priceText = (b) => `${money(b.live_price_fen)}/${unitOf(b)}`;
  /** 本单金额（分），与服务器一样只舍入一次：克 × 每斤分 / 500。 */
  function amountFen(b, q) {
    if (!byWeight(b)) return q * b.live_price_fen;
    return weightAmountFen(q, b.live_price_fen);
  }

  /** 输入框里的数量（斤或箱）→ 基本单位的整数；错误时返回 {error}。 */
  function parseQty(b, text) {
    const s = halfWidth(text).trim();
    if (s === '') return { error: '请输入数量' };
    if (!byWeight(b)) {
      if (!/^\d+$/.test(s)) return { error: `请输入整数${unitOf(b)}数` };
      const n = Number(s);
      return n > 0 ? { q: n } : { error: '数量必须大于 0' };
    }
    const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
    if (!m || (m[1] === '' && !m[2])) return { error: '不是有效的数字' };
    const frac = (m[2] || '').slice(0, 6);
    const scale = 10n ** BigInt(frac.length);
    const whole = BigInt(m[1] || '0') * scale + BigInt(frac || '0');
    const grams = Number((whole * 500n * 2n + scale) / (2n * scale));
    if (!Number.isSafeInteger(grams)) return { error: '数字太大' };
    return grams > 0 ? { q: grams } : { error: '数量必须大于 0' };
  }

  /** 场次的一行说明：平台 · 主播 · 开播时间。 */
  function sessionLine(ls) {
    const when = ls.started_at || ls.planned_start;
    const d = when ? new Date(when) : null;
    const t = d && !Number.isNaN(d.getTime())
      ? `${d.getMonth() + 1}月${d.getDate()}日 ${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
    return [PLATFORM[ls.platform] || ls.platform, ls.host ? `主播 ${ls.host}` : '', t].filter(Boolean).join(' · ');
  }

  // ---------------------------------------------------------------- 当前场次与商品

  let live = null; // 当前场次（LiveSession）
  /** batch_id → 合并后的商品信息 {batch_id, product_name, pricing, unit_label, live_price_fen, per_buyer_limit, stock_qty, sold_qty} */
  let batches = new Map();
  let selectedBatch = null;
  const soldOutLocal = new Set(); // 服务器 409 insufficient_stock 且剩余 0 的批次（实时数据到来前就显示已售罄）

  /** 换到一场（live.js 的 openSession 随后画出来）：商品按本场上架的重来；之前选的不在了，只有一个商品时就选上它。 */
  function load(ls) {
    live = ls;
    batches = new Map();
    soldOutLocal.clear();
    for (const f of ls.featured || []) batches.set(f.batch_id, { ...f });
    if (!batches.has(selectedBatch)) selectedBatch = batches.size === 1 ? [...batches.keys()][0] : null;
  }

  /** 场次变了（结束、服务器说不在直播中）：换上新的样子，重画场次标题。 */
  function setSession(ls) {
    live = ls;
    renderSessionHead();
  }

  function renderSessionHead() {
    $('session-title').textContent = live.title;
    $('session-sub').textContent = sessionLine(live);
    $('board-link').href = `/app/live/${live.id}/board`;
    $('end-session').hidden = live.status !== 'live';
    $('session-ended').hidden = live.status === 'live';
    if (live.status === 'ended') run(null, () => window.Zhunong.liveOrders.summary(live.id));
    else $('summary-box').hidden = true;
    $('session-ended').textContent = live.status === 'planned' ? '本场直播还没有开播，不能下单。' : '本场直播已结束，不能再下单。';
    // Orders are taken only while the show is live: the form says so by not taking input.
    const closed = live.status !== 'live';
    for (const x of $('sell-form').elements) x.disabled = closed;
    $('sell-form').classList.toggle('closed', closed);
    renderFeaturedAdmin();
  }

  function applyTotals(t) {
    if (!live || t.session_id !== live.id) return;
    window.Zhunong.liveOrders.soon();
    for (const b of t.batches || []) {
      const cur = batches.get(b.batch_id) || { batch_id: b.batch_id };
      batches.set(b.batch_id, { ...cur, ...b });
      if (b.stock_qty > 0) soldOutLocal.delete(b.batch_id);
    }
    if (t.status && t.status !== live.status) {
      live = { ...live, status: t.status };
      renderSessionHead();
    }
    renderBatches();
    renderQty();
    renderFeaturedAdmin();
  }

  const isSoldOut = (b) => (typeof b.stock_qty === 'number' && b.stock_qty <= 0) || soldOutLocal.has(b.batch_id);
  /** 主播说“这个先不卖了”：助手在商品管理里下架的。 */
  const isOffSale = (b) => b.on_sale === false;
  const unavailable = (b) => isSoldOut(b) || isOffSale(b);

  function renderBatches() {
    const box = $('batches');
    if (!batches.size) {
      fill(box, el('div', { class: 'empty', text: '本场直播还没有上架商品。' }));
      return;
    }
    // 两个批次是同一种商品时，名字后面注明批次号，免得点错。
    const names = new Map();
    for (const b of batches.values()) names.set(b.product_name, (names.get(b.product_name) || 0) + 1);
    fill(box, [...batches.values()].map((b) => {
      const out = unavailable(b);
      const twin = names.get(b.product_name) > 1;
      const limit = b.per_buyer_limit ? `限购 ${qtyText(b, b.per_buyer_limit)}` : null;
      return el('button', {
        type: 'button', role: 'radio', class: `batch${out ? ' sold-out' : ''}${selectedBatch === b.batch_id ? ' selected' : ''}`,
        testid: `batch-${b.batch_id}`, 'aria-checked': String(selectedBatch === b.batch_id),
        'data-sold-out': out ? 'true' : 'false',
        onclick: () => pickBatch(b.batch_id),
      },
      el('span', { class: 'name' }, b.product_name, twin ? el('span', { class: 'code', text: ` · 批次 ${b.batch_id}` }) : null),
      el('span', { class: 'price', testid: `batch-${b.batch_id}-price`, text: priceText(b) }),
      el('span', { class: 'stock', testid: `batch-${b.batch_id}-stock`,
        text: isOffSale(b) ? '已下架' : isSoldOut(b) ? '已售罄' : `剩 ${qtyText(b, b.stock_qty)}` }),
      limit ? el('span', { class: 'limit', text: limit }) : null);
    }));
    renderBarBatch(names);
  }

  /** 商品管理（下架、改价、限购）：在 live-featured.js；改好后用服务器的回答更新本页。 */
  function renderFeaturedAdmin() {
    if (!live || !window.Zhunong.liveFeatured) return;
    window.Zhunong.liveFeatured.render(live, [...batches.values()], (s) => {
      for (const f of s.featured || []) batches.set(f.batch_id, { ...(batches.get(f.batch_id) || {}), ...f });
      renderBatches();
      renderQty();
      renderFeaturedAdmin();
    });
  }

  /** 底部栏里的商品选择：不用往上翻也能换商品（售罄的不能选）。 */
  function renderBarBatch(names) {
    const sel = $('bar-batch');
    fill(sel, el('option', { value: '', text: '选择商品' }), [...batches.values()].map((b) => el('option', {
      value: b.batch_id, disabled: unavailable(b),
      text: `${b.product_name}${names.get(b.product_name) > 1 ? ` · 批次 ${b.batch_id}` : ''} ${priceText(b)}${isOffSale(b) ? '（已下架）' : isSoldOut(b) ? '（已售罄）' : ''}`,
    })));
    sel.value = selectedBatch ? String(selectedBatch) : '';
  }

  function pickBatch(id) {
    const b = batches.get(id);
    if (!b) return;
    if (unavailable(b)) {
      showError(clientError(`“${b.product_name}”${isOffSale(b) ? '已下架' : '已售罄'}，不能再下单。`));
      return;
    }
    clearMessage();
    if (selectedBatch !== id) {
      const old = batches.get(selectedBatch);
      // 换商品时数量回到 1（斤和箱不能互换）。
      if (!old || old.pricing !== b.pricing) $('qty').value = '1';
      selectedBatch = id;
    }
    renderBatches();
    renderQty();
  }

  function renderQty() {
    const b = batches.get(selectedBatch);
    $('qty-unit').textContent = b ? unitOf(b) : '';
    const hint = $('qty-hint');
    const place = $('place');
    if (!b) {
      hint.textContent = batches.size ? '请先选择商品。' : '';
      place.textContent = '下单';
      return;
    }
    const p = parseQty(b, $('qty').value);
    // 商品和单价在上面的选择框里；这里只说限购和数量的问题。
    const parts = [];
    if (b.per_buyer_limit) parts.push(`每人限购 ${qtyText(b, b.per_buyer_limit)}`);
    if (p.error) parts.push(p.error);
    hint.textContent = parts.join(' · ');
    if (p.error) place.textContent = '下单';
    else fill(place, '下单', el('br'), el('small', { text: `${qtyText(b, p.q)} · ${money(amountFen(b, p.q))}` }));
  }

  function stepQty(dir) {
    const b = batches.get(selectedBatch);
    const input = $('qty');
    const cur = Number(halfWidth(input.value)) || 0;
    let next = dir > 0 ? Math.floor(cur) + 1 : Math.ceil(cur) - 1;
    if (next < 1) next = 1;
    if (b && b.per_buyer_limit && !byWeight(b) && next > b.per_buyer_limit) next = b.per_buyer_limit;
    input.value = String(next);
    renderQty();
  }

  /** 服务器说库存不够（下单被拒）：先按它说的剩余显示，实时数据到来前就不再让人点已售罄的。 */
  function noteStock(batchId, available) {
    if (available <= 0) soldOutLocal.add(batchId);
    const cur = batches.get(batchId);
    if (cur) cur.stock_qty = available <= 0 ? 0 : available;
  }

  /** 放回表单的一单：它的商品还在本场就选上它。 */
  function reselect(batchId) {
    if (!batches.has(batchId)) return;
    selectedBatch = batchId;
    renderBatches();
  }

  window.Zhunong.liveProducts = {
    qtyText, amountFen, parseQty, sessionLine,
    load, setSession, current: () => live, batch: (id) => batches.get(id), selected: () => batches.get(selectedBatch),
    isSoldOut, noteStock, reselect, renderSessionHead, applyTotals, renderBatches, pickBatch, renderQty, stepQty,
  };
})();
