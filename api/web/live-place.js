// 直播下单页面：下单。点“下单”时检查表单（场次在直播、选了商品、手机号、数量、限购、新买家的姓名和地址、收货方式），
// 一分钟内同样的一单先问一句，然后生成这一单的幂等键放进发送队列（live-queue.js），表单准备好下一位买家。
// live.js 调用 Zhunong.livePlace.init()。
'use strict';

(() => {
  const { $, showError, showNotice, clearMessage, clientError, session, newKey } = window.Zhunong;
  const products = window.Zhunong.liveProducts;
  const buyers = window.Zhunong.liveBuyers;
  const queue = window.Zhunong.liveQueue;
  const delivery = window.Zhunong.liveDelivery;
  const { qtyText, parseQty, isSoldOut } = products;
  const { normalizePhone, validPhone } = buyers;

  const SEQ_KEY = 'zhunong.live.seq';
  const DUP_MS = 60000; // 一分钟内同一手机号、同一商品、同样数量视为可能重复

  /** 本机的第几单（记录里显示“第 n 单”）。 */
  function nextSeq() {
    const n = (Number(localStorage.getItem(SEQ_KEY)) || 0) + 1;
    localStorage.setItem(SEQ_KEY, String(n));
    return n;
  }

  let pendingDup = null; // 等待确认的重复下单

  /** 表单 → 队列里的一条（带新的幂等键）；哪里不对就抛出，说清楚要改什么。 */
  function buildEntry() {
    const s = session();
    const live = products.current();
    const buyer = buyers.current();
    if (!live) throw clientError('请先选择直播场次。');
    if (live.status !== 'live') throw clientError(live.status === 'planned' ? '本场直播还没有开播，不能下单。' : '本场直播已结束，不能再下单。');
    const b = products.selected();
    if (!b) throw clientError('请先点选要卖的商品。');
    if (isSoldOut(b)) throw clientError(`“${b.product_name}”已售罄，不能再下单。`);
    const phone = normalizePhone($('buyer-phone').value);
    if (!validPhone(phone)) throw clientError('请输入买家的 11 位手机号。', [{ field: 'phone', message: phone ? '格式不对' : '不能为空' }]);
    const p = parseQty(b, $('qty').value);
    if (p.error) throw clientError(p.error, [{ field: 'quantity', message: p.error }]);
    if (b.per_buyer_limit && p.q > b.per_buyer_limit) {
      throw clientError(`“${b.product_name}”每人限购 ${qtyText(b, b.per_buyer_limit)}，这一单 ${qtyText(b, p.q)} 超过了限购。`);
    }
    // 收货方式：快递（收货信息）、自提（自提点）或装车。
    const how = delivery.collect();
    const entry = {
      key: newKey(), seq: 0, user: s.username, created_at: Date.now(), state: 'queued', attempts: 0,
      session_id: live.id, batch_id: b.batch_id, quantity: p.q,
      product_name: b.product_name, pricing: b.pricing, unit_label: b.unit_label || null,
      live_price_fen: b.live_price_fen, phone, ...how,
    };
    if (buyer.phone === phone && buyer.state === 'known') {
      Object.assign(entry, { buyer_id: buyer.id, buyer_name: buyer.name, buyer_address: buyer.address || '' });
    } else {
      if (buyer.phone === phone && buyer.state === 'looking') throw clientError('正在查找买家，请稍等一下再点下单。');
      // 新买家没填姓名、地址时，用收货信息里的（粘贴一次就够了）。
      const fromRecipient = delivery.buyerFromRecipient(how.recipient) || {};
      const name = $('buyer-name').value.trim() || fromRecipient.name || '';
      const address = $('buyer-address').value.trim() || fromRecipient.address || '';
      const errors = [];
      if (!name) errors.push({ field: 'name', message: '不能为空' });
      if (!address) errors.push({ field: 'address', message: '不能为空' });
      if (buyer.phone !== phone || buyer.state === 'empty') {
        buyers.onPhoneDone();
        throw clientError('正在查找这个手机号的买家，请稍等一下再点下单。');
      }
      if (errors.length) throw clientError('新买家请填写姓名和收货地址（或粘贴收货信息）。', errors);
      const nickname = $('buyer-nickname').value.trim();
      Object.assign(entry, { new_buyer: { name, address, nickname }, buyer_name: name });
    }
    return entry;
  }

  function findDuplicate(entry) {
    const since = Date.now() - DUP_MS;
    return queue.read().find((e) => e.phone === entry.phone && e.batch_id === entry.batch_id
      && e.quantity === entry.quantity && e.created_at >= since
      && e.state !== 'failed' && e.state !== 'cancelled' && e.state !== 'dropped');
  }

  function onPlace(ev) {
    ev.preventDefault();
    clearMessage();
    let entry;
    try {
      entry = buildEntry();
    } catch (err) {
      showError(err);
      return;
    }
    const dup = findDuplicate(entry);
    if (dup) {
      pendingDup = entry;
      $('dup-text').textContent = `1 分钟内已经给 ${entry.buyer_name || entry.phone}（${entry.phone}）下过一单“${entry.product_name} ${qtyText(entry, entry.quantity)}”${dup.number ? `（${dup.number}）` : ''}。确定再下一单吗？`;
      $('dup-confirm').hidden = false;
      $('dup-yes').focus();
      return;
    }
    enqueue(entry);
  }

  function enqueue(entry) {
    pendingDup = null;
    $('dup-confirm').hidden = true;
    entry.seq = nextSeq();
    queue.add(entry);
    // 准备下一位买家：清空手机号和新买家信息，商品保持，数量回到 1。
    $('buyer-phone').value = '';
    $('buyer-name').value = '';
    $('buyer-address').value = '';
    $('buyer-nickname').value = '';
    $('buyer-nick-search').value = '';
    buyers.hideMatches();
    $('qty').value = '1';
    delivery.reset();
    buyers.reset();
    products.renderQty();
    queue.render();
    queue.pump();
    $('buyer-phone').focus();
  }

  function init() {
    $('sell-form').addEventListener('submit', onPlace);
    $('dup-yes').addEventListener('click', () => { if (pendingDup) enqueue(pendingDup); });
    $('dup-no').addEventListener('click', () => {
      pendingDup = null;
      $('dup-confirm').hidden = true;
      showNotice('没有重复下单。');
    });
  }

  window.Zhunong.livePlace = { init };
})();
