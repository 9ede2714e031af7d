// 直播下单页面：发送队列和本机的下单记录。录好的单在 common.js 的发件箱（Zhunong.outbox）里排队，
// 按顺序发给服务器：先确定买家（按手机号找，找不到就建档），再用这一单的幂等键下单；断网、服务器暂时出错时
// 留在队列里，稍后用同一个键重发。下成的显示订单号，可在 30 秒内撤销；没下成的说明原因，可“修改重发”。
// live.js、live-place.js 调用 Zhunong.liveQueue.*。
'use strict';

(() => {
  const {
    $, el, fill, money, qtyNumber, clock, clearMessage, showError, showNotice, clientError, session, ApiError, api, run,
  } = window.Zhunong;
  const products = window.Zhunong.liveProducts;
  const buyers = window.Zhunong.liveBuyers;
  const delivery = window.Zhunong.liveDelivery;
  const { qtyText, amountFen } = products;

  const QUEUE_KEY = 'zhunong.live.queue';
  const UNDO_MS = 30000; // 下单成功后可撤销的时间
  const KEEP_DONE = 30; // 本地保留的已完成记录条数
  const RETRY_MAX_MS = 5000;

  let codeText = {}; // 服务器错误码 → 页面用语（live.js 的，init 时给）

  const timeText = (ms) => clock(new Date(ms));

  // ---------------------------------------------------------------- 发送队列

  // 本机的队列：[{key（幂等键）, seq, user, created_at, state, attempts, session_id, batch_id, quantity, phone, …}]，
  // 下成、没下成、撤销了的也留着最近 KEEP_DONE 条，显示在记录里。只发当前账号录的单。
  const box = window.Zhunong.outbox({
    key: QUEUE_KEY,
    keepDone: KEEP_DONE,
    retryMaxMs: RETRY_MAX_MS,
    // 同一台手机开了两个标签页时，只让一个发送。
    lock: 'zhunong-live-queue',
    ready: () => Boolean(session()),
    mine: (e) => e.user === session().username,
    trustOnLine: true,
    restartBackoff: true,
    send,
    onDone: onPlaced,
    onRefused: fail,
    onChange: renderQueue,
  });

  /** 发一条：先确定买家（按手机号找，找不到就建档）和快递的收货人，再用幂等键下单。 */
  async function send(e) {
    let buyerId = e.buyer_id;
    let found = null;
    if (!buyerId) {
      let b = null;
      try {
        b = await api('GET', `/buyers/by-phone/${encodeURIComponent(e.phone)}`);
      } catch (err) {
        if (err.status !== 404) throw err;
      }
      if (!b) {
        if (!e.new_buyer) throw clientError('这个手机号还没有建档，需要填写姓名和地址。');
        try {
          b = await api('POST', '/buyers', {
            kind: 'individual', name: e.new_buyer.name, phone: e.phone, address: e.new_buyer.address,
            douyin_nickname: e.new_buyer.nickname || null,
          });
        } catch (err) {
          // 另一台手机刚建了同一个手机号的买家：再按手机号取一次。
          if (err.status === 409) b = await api('GET', `/buyers/by-phone/${encodeURIComponent(e.phone)}`);
          else throw err;
        }
      }
      buyerId = b.id;
      found = b;
      box.update(e.key, { buyer_id: b.id, buyer_name: b.name });
      buyers.remember({ ...b, nickname: b.douyin_nickname });
    }
    // 快递没填收货信息：现在定下寄到哪里，存进这一单，重发时请求内容不变。
    let { recipient } = e;
    if (e.fulfilment === 'parcel' && !e.recipient_resolved) {
      recipient = await delivery.resolve(e, buyerId, found);
      box.update(e.key, { recipient, recipient_resolved: true, recipient_auto: !e.recipient });
    }
    const body = {
      buyer_id: buyerId, channel: 'livestream', live_session_id: e.session_id,
      lines: [{ batch_id: e.batch_id, quantity: e.quantity }],
    };
    // 收货方式（这个版本之前存进队列的单没有它：照旧由服务器按装车处理）。
    if (e.fulfilment) body.fulfilment = e.fulfilment;
    if (e.fulfilment === 'parcel' && recipient) body.recipient = recipient;
    if (e.fulfilment === 'pickup') body.pickup_point_id = e.pickup_point_id;
    return api('POST', '/orders', body, { headers: { 'Idempotency-Key': e.key }, withHeaders: true });
  }

  /** 下成了：记下订单号，本场的就显示出来；发送前点过撤销的，马上撤销。 */
  async function onPlaced(e, r) {
    const o = r.body;
    const replayed = (r.headers.get('idempotent-replayed') || '') === 'true';
    const placed = box.update(e.key, {
      state: 'placed', order_id: o.id, number: o.number, total_fen: o.total_fen,
      placed_at: Date.now(), replayed,
    });
    const live = products.current();
    const here = live && live.id === e.session_id;
    if (here) {
      const text = `已下单 ${o.number}（${e.buyer_name || e.phone} · ${e.product_name} ${qtyText(e, e.quantity)}）`;
      showNotice(text);
      barLast(text, 'ok', e.key);
    }
    if (placed && placed.undo_requested) { await undo(e.key, true); return; }
    // 买家链接和提货码：下成后问一次服务器，存进记录（问不到时点“复制买家链接”再问）。
    try {
      box.update(e.key, await delivery.details(o.id));
    } catch (_) { /* 稍后再问 */ }
    renderQueue();
    const bar = $('bar-last');
    if (here && bar.dataset.key === e.key) barLast(bar.dataset.text, 'ok', e.key);
  }

  /** 服务器拒绝了（或买家建不了档）：记下原因，在“修改重发”里改了再下。 */
  function fail(e, err) {
    const p = err.problem || {};
    let reason = (p.code === 'client' ? p.detail : codeText[p.code]) || '服务器拒绝了这一单。';
    const b = products.batch(e.batch_id) || e;
    const live = products.current();
    if (p.code === 'insufficient_stock') {
      const s = (p.shortages || []).find((x) => x.batch_id === e.batch_id) || (p.shortages || [])[0];
      if (s && s.available <= 0) {
        reason = `“${e.product_name}”已售罄，这一单（${qtyText(e, e.quantity)}）没有下成。`;
        products.noteStock(e.batch_id, s.available);
      } else if (s) {
        reason = `“${e.product_name}”只剩 ${qtyText(e, s.available)}，这一单要 ${qtyText(e, s.requested)}，没有下成。`;
        products.noteStock(e.batch_id, s.available);
      }
      products.renderBatches();
    } else if (p.code === 'buyer_limit_reached') {
      const lim = b.per_buyer_limit ? `（每人限购 ${qtyText(b, b.per_buyer_limit)}）` : '';
      reason = `${e.buyer_name || e.phone} 已达到“${e.product_name}”的每人限购${lim}，这一单没有下成。`;
    } else if (p.code === 'session_not_live') {
      reason = '本场直播不在直播中（已结束或未开播），这一单没有下成。';
      // 开播、下播不会推送到数据流：重新读一次场次，页面随即不再接受下单。
      if (live && live.id === e.session_id) {
        api('GET', `/live-sessions/${live.id}`).then((ls) => {
          const now = products.current();
          if (now && now.id === ls.id) products.setSession({ ...now, status: ls.status });
        }).catch(() => {});
      }
    }
    box.update(e.key, { state: 'failed', code: p.code || '', reason, failed_at: Date.now() });
    showError(new ApiError(err.status, { ...p, text: reason }));
    if (live && live.id === e.session_id) barLast(`没有下成：${reason}（在下面的记录里点“修改重发”）`, 'bad');
  }

  /** 底部栏里的最新结果：刚下的单（自提的提货码、复制买家链接），或没下成的原因。 */
  function barLast(text, tone, key) {
    const b = $('bar-last');
    const e = key ? box.read().find((x) => x.key === key) : null;
    b.dataset.text = text;
    b.dataset.key = key || '';
    const extras = e && e.state === 'placed' ? entryExtras(e, 'bar') : null;
    fill(b, el('span', { class: 'bar-text', testid: 'bar-text', text }), extras);
    b.dataset.tone = tone;
    b.hidden = false;
    if (!e) $('link-manual').hidden = true;
  }

  /** 下成的一单：自提的提货码（大字）、“复制买家链接”。 */
  function entryExtras(e, where) {
    const bar = where === 'bar';
    const code = e.fulfilment === 'pickup' && e.pickup_code ? el('span', { class: 'pickup-code', testid: bar ? 'bar-pickup-code' : 'entry-pickup-code' },
      '提货码 ', el('strong', { text: e.pickup_code })) : null;
    const get = () => box.read().find((x) => x.key === e.key);
    const save = (d) => { box.update(e.key, d); renderEntries(); };
    return el('div', { class: 'extras' }, code,
      delivery.copyButton(e, get, save, bar ? 'bar-copy-link' : 'entry-copy-link'));
  }

  /** 没下成的一单：把商品、买家和数量放回表单，改一改再点下单。 */
  function refill(key) {
    const e = box.read().find((x) => x.key === key);
    if (!e) return;
    clearMessage();
    products.reselect(e.batch_id);
    $('buyer-phone').value = e.phone;
    if (e.new_buyer) {
      $('buyer-name').value = e.new_buyer.name || '';
      $('buyer-address').value = e.new_buyer.address || '';
      $('buyer-nickname').value = e.new_buyer.nickname || '';
    }
    $('qty').value = qtyNumber(e, e.quantity).replace(/,/g, '');
    delivery.restore(e);
    box.update(key, { state: 'dropped', reason: '已放回表单修改' });
    renderQueue();
    buyers.onPhoneDone();
    products.renderQty();
    $('qty').focus();
    $('qty').select();
  }

  async function undo(key, auto) {
    const e = box.read().find((x) => x.key === key);
    if (!e) return;
    if (box.isPending(e)) {
      if (e.state === 'queued' && !e.attempts) {
        // 从没发出过：直接从队列里去掉。
        box.update(key, { state: 'dropped' });
        showNotice(`第 ${e.seq} 单还没发出，已删除。`);
      } else {
        // 可能已经到了服务器：发送成功后马上撤销。
        box.update(key, { undo_requested: true });
        showNotice(`第 ${e.seq} 单发送后会自动撤销。`);
      }
      renderQueue();
      return;
    }
    if (e.state !== 'placed') return;
    try {
      await api('POST', `/orders/${e.order_id}/cancel`);
      box.update(key, { state: 'cancelled', cancelled_at: Date.now() });
      showNotice(`已撤销 ${e.number}`);
      // The bar still said 已下单 for it: say what it is now, and refresh the show's order list.
      const bar = $('bar-last');
      if (!bar.hidden && bar.textContent.includes(e.number)) barLast(`已撤销 ${e.number}`, 'muted');
      window.Zhunong.liveOrders.soon();
    } catch (err) {
      if (err.problem && err.problem.handled) return;
      if (auto) box.update(key, { reason: '自动撤销没有成功，请手动撤销。' });
      showError(err.status === 0 ? clientError(`网络不通，${e.number} 没有撤销成功，请稍后再点“撤销”。`) : err);
    } finally {
      renderQueue();
    }
  }

  // ---------------------------------------------------------------- 队列与记录的显示

  function renderQueue() {
    const s = session();
    const q = box.read();
    const mine = q.filter((e) => box.isPending(e) && (!s || e.user === s.username));
    const others = q.filter((e) => box.isPending(e) && s && e.user !== s.username);
    $('queue-count').textContent = String(mine.length);
    // 页头上的待发送数：页面往下翻时也看得见。
    $('queue-pill').textContent = `待发送 ${mine.length}`;
    $('queue-pill').hidden = mine.length === 0;
    const bar = $('queue-bar');
    bar.dataset.pending = String(mine.length);
    bar.classList.toggle('has-pending', mine.length > 0);
    let text = '';
    const { waiting } = box;
    if (mine.length) {
      if (waiting === 'offline') text = '网络不通，恢复后自动发送';
      else if (waiting === 'server') text = '服务器暂时没有应答，稍后自动重试';
      else if (waiting === 'other-tab') text = '另一个标签页正在发送';
      else text = '发送中…';
    } else {
      text = navigator.onLine === false ? '网络不通' : '全部已发送';
    }
    if (others.length) text += `；另有 ${others.length} 单属于其他账号，登录该账号后发送`;
    $('queue-state').textContent = text;
    $('queue-retry').hidden = !(mine.length && waiting);
    renderEntries(q);
  }

  /** 记录里的收货方式：“快递：张三 安徽省…”“自提：村委会”“装车”。 */
  function fulfilmentText(e) {
    const label = delivery.label(e.fulfilment);
    if (e.fulfilment === 'pickup') return `${label}${e.pickup_point_name ? `：${e.pickup_point_name}` : ''}`;
    if (e.fulfilment === 'parcel' && e.recipient) return `${label}：${e.recipient.name} ${e.recipient.province}${e.recipient.city !== e.recipient.province ? e.recipient.city : ''}${e.recipient.district}${e.recipient.street}${e.recipient.detail}`;
    if (e.fulfilment === 'parcel' && e.recipient_resolved) return `${label}：默认地址`;
    return label;
  }

  const STATE_TEXT = {
    queued: '待发送', sending: '发送中…', placed: '已下单', failed: '没有下成', cancelled: '已撤销', dropped: '已删除（未发送）',
  };

  function renderEntries(q = box.read()) {
    const ul = $('entries');
    const s = session();
    const now = Date.now();
    const list = q.filter((e) => !s || e.user === s.username).slice().reverse().slice(0, 15);
    if (!list.length) { fill(ul, el('li', { class: 'empty', text: '还没有订单。' })); return; }
    fill(ul, list.map((e) => {
      const undoLeft = e.state === 'placed' && e.placed_at ? Math.ceil((e.placed_at + UNDO_MS - now) / 1000) : 0;
      const canUndo = (e.state === 'placed' && undoLeft > 0) || (box.isPending(e) && !e.undo_requested);
      return el('li', { class: `entry st-${e.state}`, testid: 'entry', 'data-key': e.key, 'data-state': e.state, 'data-seq': e.seq },
        el('div', { class: 'info' },
          el('div', { class: 'row spread' },
            el('strong', { class: 'num', testid: 'entry-number', text: e.number || `第 ${e.seq} 单` }),
            el('span', { class: `badge s-${e.state}`, testid: 'entry-state', text: STATE_TEXT[e.state] || e.state })),
          el('div', { text: `${e.buyer_name || ''} ${e.phone}`.trim() }),
          e.fulfilment ? el('div', { class: 'muted', testid: 'entry-fulfilment', text: fulfilmentText(e) }) : null,
          el('div', { class: 'muted', text: `${e.product_name} ${qtyText(e, e.quantity)} · ${money(e.total_fen ?? amountFen(e, e.quantity))} · ${timeText(e.created_at)}` }),
          e.state === 'failed' || e.reason ? el('div', { class: 'reason', testid: 'entry-reason', text: e.reason || '' }) : null,
          e.undo_requested && box.isPending(e) ? el('div', { class: 'muted', text: '发送后自动撤销' }) : null,
          e.state === 'placed' ? entryExtras(e, 'entry') : null),
        e.state === 'failed' ? el('button', {
          type: 'button', class: 'btn small', testid: 'entry-refill', text: '修改重发',
          onclick: () => refill(e.key),
        }) : null,
        canUndo ? el('button', {
          type: 'button', class: 'btn small danger', testid: 'entry-undo',
          'data-until': e.state === 'placed' ? e.placed_at + UNDO_MS : null,
          text: e.state === 'placed' ? `撤销 ${undoLeft} 秒` : (e.attempts ? '撤销' : '删除'),
          onclick: (ev) => run(ev.currentTarget, () => undo(e.key, false)),
        }) : null);
    }));
  }

  function init(opts) {
    ({ codeText } = opts);
    $('queue-retry').addEventListener('click', () => { box.retryNow(); });
    // 别的标签页改了队列：刷新显示。
    window.addEventListener('storage', (e) => { if (e.key === QUEUE_KEY) renderQueue(); });
    // 撤销倒计时。
    setInterval(() => {
      let expired = false;
      for (const b of document.querySelectorAll('#entries [data-until]')) {
        const left = Math.ceil((Number(b.dataset.until) - Date.now()) / 1000);
        if (left <= 0) expired = true;
        else b.textContent = `撤销 ${left} 秒`;
      }
      if (expired) renderEntries();
    }, 1000);
  }

  window.Zhunong.liveQueue = {
    init, read: box.read, add: box.add, pump: box.pump, retryNow: box.retryNow, render: renderQueue, renderEntries,
  };
})();
