// 直播下单页面（助播用，手机优先）。纯 JavaScript，无框架、无构建步骤、无外部资源；各页面共用的部分在
// common.js（及 common-api.js、common-stream.js）。金额以“分”、数量以批次的基本单位（按重量：克；按件：件）的
// 整数计算；斤/箱/元只在显示和输入时换算。
//
// 每次点“下单”都在手机上生成一个幂等键（Idempotency-Key），订单先进本地队列（localStorage，刷新不丢），
// 再按顺序发给服务器；断网时留在队列里，网络恢复后用同一个键重发——服务器对同一个键只下一单，
// 所以既不会丢单，也不会重复下单。
//
// 这个文件是页面的主干：文本、登录后、选场次、打开一场、实时数据流和启动。其余各部分在先加载的文件里，
// 各自把函数放进 window.Zhunong：新建和开播 live-setup.js，本场订单 live-orders.js，商品管理 live-featured.js，
// 当前场次与商品 live-products.js，买家 live-buyers.js，收货方式 live-delivery.js，发送队列与下单记录 live-queue.js，
// 下单 live-place.js。
'use strict';

(() => {
  const {
    $, el, fill, clearMessage, showError, showNotice, session, accessToken, api, run, toLogin, onLogin, logout, parseJson,
  } = window.Zhunong;
  const products = window.Zhunong.liveProducts;
  const buyers = window.Zhunong.liveBuyers;
  const queue = window.Zhunong.liveQueue;
  const place = window.Zhunong.livePlace;

  const USER_KEY = 'zhunong.live.user';
  const SESSION_KEY = 'zhunong.live.session_id';
  const SESSION_COPY_KEY = 'zhunong.live.session'; // 当前场次的副本：离线时刷新页面也能接着录单

  // ---------------------------------------------------------------- 文本

  const CODE_TEXT = {
    ...window.Zhunong.CODE_TEXT,
    insufficient_stock: '库存不足，这一单没有下成。',
    buyer_limit_reached: '该买家已达到每人限购数量，这一单没有下成。',
    session_not_live: '本场直播不在直播中（未开播或已结束），不能下单。',
    not_featured: '这个商品不在本场直播的商品里。',
    batch_closed: '这个批次已经停止销售。',
    invalid_transition: '当前状态下不能进行这个操作（订单可能已称重或已取消）。',
    duplicate: '这个手机号已经有买家了。',
    idempotency_key_reused: '同一个下单记录的内容被改动过，服务器拒绝了。',
    idempotency_key_in_flight: '这一单还在处理中，稍后自动重试。',
  };

  const FIELD_TEXT = {
    username: '用户名', password: '密码', buyer_id: '买家', name: '姓名', phone: '手机号', address: '地址',
    lines: '商品', live_session_id: '直播场次', channel: '渠道', quantity: '数量', batch_id: '批次',
    fulfilment: '收货方式', recipient: '收货信息', pickup_point_id: '自提点', text: '粘贴的收货信息',
    'recipient.name': '收货人', 'recipient.phone': '收货电话', 'recipient.province': '省', 'recipient.city': '市',
    'recipient.district': '区县', 'recipient.street': '乡镇街道', 'recipient.detail': '详细地址',
    'recipient.raw_text': '粘贴的原文', 'recipient.unsure': '待核对的项',
  };

  function fieldLabel(field) {
    const m = /^lines\[(\d+)\]\.(\w+)$/.exec(field || '');
    if (m) return FIELD_TEXT[m[2]] || m[2];
    return FIELD_TEXT[field] || field;
  }

  window.Zhunong.configure({
    tokenKey: USER_KEY,
    roles: ['helper', 'secretary', 'admin'],
    refused: (username, role) => `账号 ${username}（${role}）不能使用直播下单页面，请用助播、书记或管理员账号登录。`,
    afterLogin,
    showLogin() {
      stopStream();
      showView('login');
    },
    codeText: CODE_TEXT,
    fieldLabel,
    // 助农员只看中文：服务器的英文说明不显示。
    chineseOnly: true,
    // 应答读到一半断了：当作网络不通，留在队列里用同一个键重发。
    cutOffAsNetwork: true,
  });

  // ---------------------------------------------------------------- 视图与登录后

  function showView(name) {
    for (const v of ['login', 'session', 'sell']) $(`${v}-view`).hidden = v !== name;
    $('who').hidden = name === 'login';
    document.body.classList.toggle('selling', name === 'sell'); // 给底部固定的下单栏留出位置
  }

  async function afterLogin() {
    const s = session();
    if (!s) { toLogin(); return; }
    $('who-name').textContent = s.name;
    queue.render();
    queue.pump();
    const saved = Number(localStorage.getItem(SESSION_KEY) || 0);
    if (saved) {
      try {
        const ls = await api('GET', `/live-sessions/${saved}`);
        if (ls.status === 'live') { openSession(ls); return; }
      } catch (err) {
        if (err.problem && err.problem.handled) return;
        // 网络不通：按上次的副本打开，录的单先进队列，网络恢复后发送。
        const copy = parseJson(localStorage.getItem(SESSION_COPY_KEY) || 'null');
        if (err.status === 0 && copy && copy.id === saved && copy.status === 'live') { openSession(copy); return; }
        if (err.status !== 404) showError(err);
      }
    }
    await showSessions(true);
  }

  // ---------------------------------------------------------------- 场次

  async function showSessions(autoPick) {
    stopStream();
    showView('session');
    const r = await api('GET', '/live-sessions?status=live');
    const items = r.items || [];
    if (autoPick && items.length === 1) { openSession(items[0]); return; }
    const ul = $('live-sessions');
    fill(ul, items.length ? items.map((ls) => el('li', {}, el('button', {
      type: 'button', class: 'load-item', testid: `pick-session-${ls.id}`,
      onclick: () => openSession(ls),
    }, el('span', {}, el('strong', { text: ls.title }), el('br'), el('span', { class: 'muted', text: products.sessionLine(ls) })),
    el('span', { class: 'badge s-live', text: '直播中' }))))
      : el('li', { class: 'empty', text: '现在没有正在直播的场次。开播后点“刷新”。' }));

    // 没有正在直播的：新建一场，或者给待开播的上架商品、开播。
    window.Zhunong.liveSetup.resetForm();
    const box = $('planned-box');
    const p = await api('GET', '/live-sessions?status=planned');
    const planned = p.items || [];
    box.hidden = planned.length === 0;
    fill($('planned-sessions'), planned.map((ls) => el('li', { class: 'order-row' },
      el('div', { class: 'info' }, el('strong', { text: ls.title }), el('br'),
        el('span', { class: 'muted', text: `${products.sessionLine(ls)} · ${(ls.featured || []).length} 个商品` })),
      el('div', { class: 'btns' },
        el('button', { type: 'button', class: 'btn small', testid: `setup-session-${ls.id}`, text: '上架商品',
          onclick: (e) => run(e.currentTarget, () => window.Zhunong.liveSetup.open(ls)) }),
        (ls.featured || []).length ? el('button', { type: 'button', class: 'btn small primary', testid: `start-session-${ls.id}`, text: '开播',
          onclick: (e) => run(e.currentTarget, () => window.Zhunong.liveSetup.start(ls)) }) : null))));
  }

  // ---------------------------------------------------------------- 打开一场（商品在 live-products.js）

  function openSession(ls) {
    clearMessage();
    localStorage.setItem(SESSION_KEY, String(ls.id));
    localStorage.setItem(SESSION_COPY_KEY, JSON.stringify(ls));
    products.load(ls);
    showView('sell');
    products.renderSessionHead();
    products.renderBatches();
    products.renderQty();
    queue.renderEntries();
    startStream(ls.id);
    window.Zhunong.liveOrders.show(ls.id);
    window.Zhunong.liveDelivery.loadPoints();
  }

  // ---------------------------------------------------------------- 实时数据流（SSE，见 common-stream.js）

  const feed = window.Zhunong.eventStream({
    token: accessToken,
    toLogin,
    onMessage(event, data) {
      if (event !== 'totals') return;
      feed.connected();
      const t = parseJson(data); // 坏数据：等下一条
      if (t) products.applyTotals(t);
    },
  });
  const streamUrl = (sessionId) => `/api/v1/live-sessions/${sessionId}/stream`;

  function startStream(sessionId) {
    feed.start(streamUrl(sessionId));
  }

  function stopStream() {
    feed.stop();
  }

  // ---------------------------------------------------------------- 启动

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => { logout(); clearMessage(); });
    $('refresh-sessions').addEventListener('click', (e) => run(e.currentTarget, () => showSessions(false)));
    $('change-session').addEventListener('click', (e) => run(e.currentTarget, () => showSessions(false)));
    $('end-session').addEventListener('click', (e) => run(e.currentTarget, async () => {
      const live = products.current();
      if (!live || !window.confirm(`确定结束直播“${live.title}”吗？结束后不能再下单。`)) return;
      products.setSession(await api('POST', `/live-sessions/${live.id}/end`));
      showNotice('直播已结束');
    }));

    place.init();
    $('bar-batch').addEventListener('change', (e) => { if (e.target.value) products.pickBatch(Number(e.target.value)); });
    window.Zhunong.liveSetup.init({ onStarted: openSession });
    window.Zhunong.liveOrders.init({
      // 本机记得的买家姓名（服务器的订单列表只有买家编号）。
      nameOf: (id) => buyers.nameOf(id) || (queue.read().find((e) => e.buyer_id === id) || {}).buyer_name || '',
      productOf: (batchId) => (products.batch(batchId) || {}).product_name || '',
    });
    buyers.init();
    window.Zhunong.liveDelivery.init();
    $('qty').addEventListener('input', products.renderQty);
    $('qty-minus').addEventListener('click', () => products.stepQty(-1));
    $('qty-plus').addEventListener('click', () => products.stepQty(1));
    queue.init({ codeText: CODE_TEXT });

    window.addEventListener('online', () => {
      queue.render();
      queue.retryNow();
      // 网络回来了：正在等待重连的数据流马上重连。
      const live = products.current();
      if (live && session() && $('stream-status').dataset.state !== 'on') feed.reconnect(streamUrl(live.id));
    });
    window.addEventListener('offline', () => {
      queue.render();
      if (products.current()) feed.interrupt(); // 离线时不显示“实时”：断开，等网络恢复后重连
    });
    // 手机熄屏后回来：马上补发、重连。
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && session()) {
        queue.pump();
        const live = products.current();
        if (live && !feed.open) startStream(live.id);
      }
    });

    // 底部栏长高了（提货码、要手动复制的链接）：页面底部留出一样高的位置，最后一张卡片不被它挡住。
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        const h = $('sell-bar').offsetHeight;
        document.querySelector('main').style.paddingBottom = h ? `${Math.max(236, h + 24)}px` : '';
      }).observe($('sell-bar'));
    }

    buyers.render();
    if (session()) run(null, afterLogin);
    else toLogin();
  }

  window.Zhunong.ready(init);
})();
