// 称重装车页面的“待发送的磅单”：确认称重后，磅单先存进本机（每张一个幂等键），再按顺序发给服务器。
// 网络不通就留在手机上，恢复后用同一个键重发，服务器只记一次；服务器拒绝的一张，箱子放回表单改一改。
// 发送用 common.js 的发件箱（Zhunong.outbox）；称重单和箱子的表单在 station-weigh.js。
'use strict';

(() => {
  const { $, el, fill, money, showError, api, run } = window.Zhunong;
  const station = window.Zhunong.station;
  const { ORDER_STATUS, badge, kv, weightText } = station;

  // 已确认但还没送到服务器的磅单：[{key, order_id, line_id, body, product, crates, created_at}]，每张一个幂等键。
  const PENDING_KEY = 'zhunong.station.pending';
  const RETRY_MAX_MS = 30000;
  const WAIT_TEXT = { offline: '网络不通，恢复后自动发送。', server: '服务器暂时没有应答，稍后自动重试。' };

  /** 按顺序发送待发送的磅单；网络不通就稍后再试（1 秒起，每次加倍，最多 30 秒）。 */
  const queue = window.Zhunong.outbox({
    key: PENDING_KEY,
    retryMaxMs: RETRY_MAX_MS,
    send: (e) => api('POST', '/weighings', e.body, { headers: { 'Idempotency-Key': e.key } }),
    async onDone(e, r) {
      showResult(r, e.line_id);
      const sheet = station.weigh.current();
      if (sheet && sheet.order.id === r.order.id) await station.weigh.openSheet(r.order.id, false);
      run(null, station.weigh.loadConfirmed);
    },
    // 服务器拒绝了：已从队列里拿出来，箱子放回表单改一改。
    onRefused(e, err) {
      station.weigh.putBack(e);
      showError(err);
    },
    onChange: render,
  });

  function render() {
    const q = queue.read();
    $('weigh-pending').hidden = q.length === 0;
    $('weigh-pending-count').textContent = String(q.length);
    $('weigh-pending-state').textContent = WAIT_TEXT[queue.waiting] || '发送中…';
    fill($('weigh-pending-list'), q.map((e) => el('li', { testid: 'pending-weighing', 'data-key': e.key },
      `${e.product || `第 ${e.line_id} 行`} · ${e.body.crates.length} 箱 · 净重 ${weightText(e.body.crates.reduce((s, c) => s + c.gross_g - c.tare_g, 0))}`)));
  }

  function showResult(r, lineId) {
    const o = r.order;
    const line = o.lines.find((l) => l.line_id === lineId) || {};
    const sheetLine = station.weigh.lineById(lineId);
    const flaggedWaiting = o.weights_flagged && !o.weights_approved;
    const net = r.tickets.reduce((s, t) => s + t.net_g, 0);
    const box = $('weigh-result');
    box.className = `card result ${flaggedWaiting ? 'flagged' : 'ok'}`;
    fill(box,
      el('div', { class: 'row spread' },
        el('h2', { text: `已记录 ${r.tickets.length} 张磅单` }),
        badge('order', o.status, 'result-status')),
      kv([
        ['订单', o.number, 'result-number'],
        ['产品', sheetLine ? sheetLine.product_name : `第 ${line.line_no} 行`],
        ['本次净重', weightText(net), 'result-net'],
        ['本行净重', line.weighed_g === null || line.weighed_g === undefined ? '—' : weightText(line.weighed_g), 'result-line-weight'],
        ['本行金额', line.final_amount_fen === null || line.final_amount_fen === undefined ? '—'
          : el('span', { class: 'money big', text: money(line.final_amount_fen) }), 'result-line-amount'],
        ['订单状态', ORDER_STATUS[o.status] || o.status, 'result-status-text'],
        ['订单称后合计', o.final_total_fen === null ? '各行称重完成后计算'
          : el('span', { class: 'money', text: money(o.final_total_fen) }), 'result-final-total'],
      ]),
      flaggedWaiting ? el('div', { class: 'warn', testid: 'result-warning', text: '超出允许误差，需书记审批后才能装车' }) : null,
    );
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  station.pending = {
    /** 存进一张（还没发）。 */
    add: queue.add,
    /** 按顺序发送；这一轮发完或停下时完成。 */
    send: queue.pump,
    render,
    init() {
      $('weigh-pending-retry').addEventListener('click', () => { queue.retryNow(); });
      window.addEventListener('online', () => { queue.retryNow(); });
      window.addEventListener('storage', (e) => { if (e.key === PENDING_KEY) render(); });
    },
    /** 打开“称重”标签页时：显示待发送的，有就发。 */
    show() {
      render();
      if (queue.read().length) queue.pump();
    },
  };
})();
