// 直播大屏（给主播看）：订单数、各商品已售与剩余、销售额、买得最多的买家，随实时数据流（SSE）更新。
// 纯 JavaScript，无外部资源。登录和续期用 common-api.js：从直播下单页面点开时，凭同一个续期 Cookie 直接进入，
// 不必再登录；大屏单独开在一台设备上时，登录一次，刷新也不必重新登录（续期 Cookie 整场有效）。
'use strict';

(() => {
  const {
    $, el, group, yuan: plainYuan, unitOf, qtyNumber, clock, PLATFORM,
    clearMessage, showError, clientError, session, accessToken, api, onLogin, logout, toLogin, parseJson,
  } = window.Zhunong;

  const ALLOWED_ROLES = ['helper', 'secretary', 'admin'];
  const SESSION_STATUS = window.Zhunong.labelsOf('live_status');

  const m = /^\/app\/live\/(\d+)\/board\/?$/.exec(location.pathname);
  const sessionId = m ? Number(m[1]) : 0;

  // ---------------------------------------------------------------- 数字

  /** 分 → “1,234.50”。 */
  const yuan = (fen) => group(plainYuan(fen));
  /** 克或件 → 数字部分（斤保留最多 2 位小数）。 */
  const qtyNum = (b, q) => (typeof q !== 'number' ? '—' : qtyNumber(b, q));

  // ---------------------------------------------------------------- 登录

  window.Zhunong.configure({
    tokenKey: 'zhunong.board.user',
    roles: ALLOWED_ROLES,
    refused: (username, role) => `账号 ${username}（${role}）不能查看直播大屏。`,
    afterLogin: open,
    showLogin() {
      stopStream();
      $('board-view').hidden = true;
      $('who').hidden = true;
      $('login-view').hidden = false;
    },
    codeText: {
      not_found: '没有这个直播场次。',
      forbidden: '此账号没有权限查看直播数据。',
    },
    chineseOnly: true,
  });

  // ---------------------------------------------------------------- 场次与数据

  let info = null; // LiveSession
  const featured = new Map(); // batch_id → featured（含单价、单位）

  async function open() {
    const s = session();
    if (!s) { toLogin(); return; }
    if (!sessionId) { showError(clientError('地址里没有直播场次编号，应为 /app/live/场次号/board。')); return; }
    $('who-name').textContent = s.name;
    $('who').hidden = false;
    $('login-view').hidden = true;
    try {
      info = await api('GET', `/live-sessions/${sessionId}`);
    } catch (err) {
      if (err.problem && err.problem.handled) return;
      showError(err);
      if (err.status === 0 || err.status >= 500) setTimeout(open, 3000); // 网络不通：稍后再试
      return;
    }
    clearMessage();
    featured.clear();
    for (const f of info.featured || []) featured.set(f.batch_id, f);
    $('board-title').textContent = info.title;
    $('board-sub').textContent = [PLATFORM[info.platform] || info.platform, info.host ? `主播 ${info.host}` : ''].filter(Boolean).join(' · ');
    document.title = `${info.title} · 直播大屏`;
    setStatus(info.status);
    $('board-view').hidden = false;
    startStream();
  }

  function setStatus(status) {
    const b = $('board-status');
    b.className = `badge s-${status}`;
    b.dataset.status = status;
    b.textContent = SESSION_STATUS[status] || status;
  }

  function render(t) {
    if (t.session_id !== sessionId) return;
    if (t.status) setStatus(t.status);
    $('board-orders').textContent = group(String(t.orders ?? 0));
    $('board-buyers').textContent = group(String(t.buyers ?? 0));
    $('board-revenue').textContent = yuan(t.revenue_fen ?? 0);
    // Bought in the Douyin shop's cart and imported from its export: counted above, and said so.
    $('board-shop').textContent = t.shop_orders ? `其中抖店下单 ${group(String(t.shop_orders))} 单 · ` : '';
    $('board-cancelled').textContent = t.cancelled ? `已撤销 ${t.cancelled} 单 · ` : '';
    const when = t.updated_at ? new Date(t.updated_at) : new Date();
    $('board-updated').textContent = `更新于 ${clock(when)}`;

    const names = new Map();
    for (const x of t.batches || []) names.set(x.product_name, (names.get(x.product_name) || 0) + 1);
    $('board-batches').replaceChildren(...(t.batches || []).map((x) => {
      const b = { ...(featured.get(x.batch_id) || {}), ...x };
      const soldOut = typeof b.stock_qty === 'number' && b.stock_qty <= 0;
      // Taken off sale by the helper during the show: shown like a sold-out one, and said so.
      const paused = b.on_sale === false;
      const out = soldOut || paused;
      const unit = unitOf(b);
      return el('div', { class: `bb${out ? ' sold-out' : ''}`, testid: `board-batch-${b.batch_id}` },
        el('h3', {}, el('span', {}, b.product_name,
          names.get(b.product_name) > 1 ? el('span', { class: 'code', text: ` · 批次 ${b.batch_id}` }) : null),
          el('span', { class: 'price', text: `¥${yuan(b.live_price_fen ?? 0)}/${unit}` })),
        el('div', { class: 'nums' },
          el('div', {}, el('p', { class: 'label', text: `已售（${unit}）` }),
            el('div', { class: 'v', testid: `board-batch-${b.batch_id}-sold`, text: qtyNum(b, b.sold_qty) })),
          el('div', {}, el('p', { class: 'label', text: out ? '剩余' : `剩余（${unit}）` }),
            el('div', { class: 'v stock', testid: `board-batch-${b.batch_id}-stock`, text: paused ? '已下架' : soldOut ? '已售罄' : qtyNum(b, b.stock_qty) })),
          el('div', {}, el('p', { class: 'label', text: '销售额（元）' }),
            el('div', { class: 'v small', testid: `board-batch-${b.batch_id}-revenue`, text: yuan(b.revenue_fen ?? 0) }))));
    }));

    const top = t.top_buyers || [];
    $('top-buyers').replaceChildren(...(top.length ? top.map((b) => el('li', { testid: `top-buyer-${b.buyer_id}` },
      el('span', { class: 'n', text: b.name }),
      el('span', { class: 'r', text: `${b.orders} 单 · ¥${yuan(b.revenue_fen)}` })))
      : [el('li', { class: 'empty', text: '还没有订单' })]));
  }

  // ---------------------------------------------------------------- SSE（见 common-stream.js）

  const feed = window.Zhunong.eventStream({
    token: accessToken,
    toLogin,
    onNoToken: () => toLogin(),
    onMessage(event, data) {
      if (event !== 'totals') return;
      const t = parseJson(data); // 坏数据：等下一条
      if (t) {
        feed.connected();
        render(t);
      }
    },
  });
  const streamUrl = `/api/v1/live-sessions/${sessionId}/stream`;

  function startStream() {
    feed.start(streamUrl);
  }

  function stopStream() {
    feed.stop();
  }

  // ---------------------------------------------------------------- 启动

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => { logout(); clearMessage(); });
    window.addEventListener('online', () => {
      if (info && $('stream-status').dataset.state !== 'on') feed.reconnect(streamUrl);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && info && !feed.open) startStream();
    });
    if (session()) open();
    else toLogin();
  }

  window.Zhunong.ready(init);
})();
