// 直播下单页面：本场的订单（从服务器读，换手机也看得到），可搜索，规则允许时可取消；
// 直播结束后的本场小结和订单 CSV。live.js 调用 Zhunong.liveOrders.*。
'use strict';

(() => {
  const { $, el, fill, money, group, api, run, showNotice, openFile, ORDER_STATUS: STATUS } = window.Zhunong;
  /** 还没装车的订单可以取消（服务器同样检查）。 */
  const CANCELLABLE = new Set(['pending', 'confirmed']);

  let sessionId = 0;
  let nameOf = () => ''; // buyer_id → 姓名（本机记得的）
  let productOf = () => ''; // batch_id → 商品名
  let timer = 0;

  function init(opts) {
    ({ nameOf, productOf } = opts);
    $('refresh-orders').addEventListener('click', (e) => run(e.currentTarget, load));
    let typing = 0;
    $('orders-search').addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => run(null, load), 300);
    });
    $('summary-csv').addEventListener('click', (e) => run(e.currentTarget,
      () => openFile(`/live-sessions/${sessionId}/orders.csv`, `直播订单-${sessionId}.csv`)));
  }

  /** 换到另一场：清空搜索，读本场订单。 */
  function show(id) {
    sessionId = id;
    $('orders-search').value = '';
    return run(null, load);
  }

  /** 新订单或撤销之后：一秒内只读一次。 */
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(() => run(null, load), 1000);
  }

  async function load() {
    if (!sessionId) return;
    const q = $('orders-search').value.trim();
    const r = await api('GET', `/orders?live_session_id=${sessionId}&per_page=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
    const items = r.items || [];
    const ul = $('session-orders');
    if (!items.length) {
      fill(ul, el('li', { class: 'empty', text: q ? '没有找到符合的订单。' : '本场还没有订单。' }));
      return;
    }
    fill(ul, items.map((o) => el('li', { class: 'order-row', testid: `session-order-${o.number}`, 'data-status': o.status },
      el('div', { class: 'info' },
        el('strong', { class: 'num', text: o.number }), ' ',
        el('span', { class: `badge s-${o.status}`, text: STATUS[o.status] || '其他' }),
        el('div', { text: nameOf(o.buyer_id) || `买家 ${o.buyer_id}` }),
        el('div', { class: 'muted', text: `${o.lines.map((l) => productOf(l.batch_id)).filter(Boolean).join('、')} · ${money(o.total_fen)}` })),
      CANCELLABLE.has(o.status) ? el('button', {
        type: 'button', class: 'btn small danger', testid: `cancel-${o.number}`, text: '取消',
        onclick: (e) => run(e.currentTarget, async () => {
          if (!window.confirm(`确定取消订单 ${o.number} 吗？库存会退回。`)) return;
          await api('POST', `/orders/${o.id}/cancel`, { reason: '直播间买家取消' });
          showNotice(`已取消 ${o.number}`);
          await load();
        }),
      }) : null)));
    if (r.total > items.length) ul.append(el('li', { class: 'muted', text: `共 ${group(String(r.total))} 单，这里显示最新的 ${items.length} 单；搜索可找到其余的。` }));
  }

  /** 秒 → “2 小时 5 分钟”“3 分钟”“40 秒”。 */
  function duration(secs) {
    if (secs === null || secs === undefined) return '—';
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs % 3600) / 60);
    if (h) return `${h} 小时 ${m} 分钟`;
    if (m) return `${m} 分钟`;
    return `${secs} 秒`;
  }

  /** 直播结束后：本场小结（订单、买家、销售额、时长）和 CSV 下载。 */
  async function summary(id) {
    sessionId = id;
    const s = await api('GET', `/live-sessions/${id}/summary`);
    const t = s.totals || {};
    const rows = [
      ['订单', `${group(String(t.orders ?? 0))} 单`],
      ['其中抖店下单', `${group(String(t.shop_orders ?? 0))} 单`],
      ['买家', `${group(String(t.buyers ?? 0))} 位`],
      ['销售额', money(t.revenue_fen ?? 0)],
      ['已撤销', `${group(String(t.cancelled ?? 0))} 单`],
      ['直播时长', duration(s.duration_secs)],
    ];
    fill($('summary'), rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { testid: `summary-${k}`, text: v })]));
    // By product: what each featured batch sold, in its own unit, and for how much.
    const products = el('table', { class: 'table summary-products', testid: 'summary-products' },
      el('thead', {}, el('tr', {}, ['商品', '卖出', '销售额'].map((h) => el('th', { text: h })))),
      el('tbody', {}, (t.batches || []).map((b) => el('tr', { testid: `summary-product-${b.batch_id}` },
        el('td', { text: b.product_name }),
        el('td', { text: `${window.Zhunong.qtyNumber(b, b.sold_qty)} ${window.Zhunong.unitOf(b)}` }),
        el('td', { text: money(b.revenue_fen) })))));
    for (const old of $('summary-box').querySelectorAll('.summary-products')) old.remove();
    $('summary').after(products);
    $('summary-box').hidden = false;
  }

  window.Zhunong.liveOrders = { init, show, soon, summary, duration };
})();
