'use strict';
// 买家自己的订单页（/o/{token}）：不用登录，只显示这一张订单，收货人已打码。
(function () {
  const L = window.ZhunongLabels || {};
  const $ = (id) => document.getElementById(id);
  const label = (table, code) => (L[table] && L[table][code]) || code;
  const yuan = (fen) => '¥' + (fen / 100).toFixed(2);
  const jin = (g) => (g / 500).toFixed(2).replace(/\.?0+$/, '') + ' 斤';
  const when = (t) => (t ? new Date(t).toLocaleString('zh-CN', { hour12: false }) : '');

  function show(text) {
    const m = $('message');
    m.textContent = text;
    m.hidden = false;
  }

  function item(text, extra) {
    const li = document.createElement('li');
    li.textContent = text;
    if (extra) {
      const s = document.createElement('div');
      s.className = 'muted';
      s.textContent = extra;
      li.appendChild(s);
    }
    return li;
  }

  function render(o) {
    $('number').textContent = o.number;
    $('status').textContent = label('order_status', o.status);
    $('fulfilment').textContent = label('fulfilment', o.fulfilment);
    $('amount').textContent = yuan(o.final_total_fen == null ? o.total_fen : o.final_total_fen);
    if (o.recipient_name) {
      $('recipient').textContent = [o.recipient_name, o.recipient_phone, o.recipient_address].join('  ');
      $('recipient-card').hidden = false;
    }
    if (o.pickup_point) {
      const p = o.pickup_point;
      $('pickup-point').textContent = p.name + '（' + p.address + '，' + p.hours + '）';
      $('pickup-code').textContent = o.pickup_code || '已提货';
      $('pickup-card').hidden = false;
    }
    const parcels = $('parcels');
    parcels.replaceChildren(...o.parcels.map((p) => item(
      p.carrier_name + ' ' + (p.tracking_no || '（待填运单号）'),
      label('parcel_status', p.status) + (p.shipped_at ? '，发货 ' + when(p.shipped_at) : '') +
        (p.delivered_at ? '，签收 ' + when(p.delivered_at) : ''))));
    $('parcels-card').hidden = o.parcels.length === 0;
    const lines = $('lines');
    lines.replaceChildren(...o.lines.map((l) => {
      const qty = l.net_g != null ? '净重 ' + jin(l.net_g) : (l.pricing === 'by_piece' ? l.quantity + ' 件' : jin(l.quantity));
      const li = item(l.product + '  ' + qty + '  ' + yuan(l.amount_fen));
      l.trace_paths.forEach((path, i) => {
        const a = document.createElement('a');
        a.href = path;
        a.textContent = ' 溯源' + (l.trace_paths.length > 1 ? i + 1 : '');
        li.appendChild(a);
      });
      return li;
    }));
    $('order').hidden = false;
  }

  async function load() {
    const token = location.pathname.split('/').pop();
    let res;
    try {
      res = await fetch('/api/v1/public/orders/' + encodeURIComponent(token), { headers: { Accept: 'application/json' } });
    } catch (e) {
      show('网络不通，请稍后再试。');
      return;
    }
    if (res.status === 404) { show('没有找到这张订单，链接可能已失效，请联系卖家。'); return; }
    if (res.status === 429) { show('查看太频繁，请稍后再试。'); return; }
    if (!res.ok) { show('暂时打不开，请稍后再试。'); return; }
    render(await res.json());
  }

  load();
})();
