// 直播下单页面（助播用，手机优先）。纯 JavaScript，无框架、无构建步骤、无外部资源；共用部分在 common.js。
// 金额以“分”、数量以批次的基本单位（按重量：克；按件：件）的整数计算；斤/箱/元只在显示和输入时换算。
//
// 每次点“下单”都在手机上生成一个幂等键（Idempotency-Key），订单先进本地队列（localStorage，刷新不丢），
// 再按顺序发给服务器；断网时留在队列里，网络恢复后用同一个键重发——服务器对同一个键只下一单，
// 所以既不会丢单，也不会重复下单。
'use strict';

(() => {
  const {
    $, el, fill, halfWidth, money, weightAmountFen, byWeight, unitOf, qtyNumber, pad2, clock, PLATFORM,
    clearMessage, showError, showNotice, clientError, session, accessToken, ApiError, api, run, toLogin, onLogin, logout, parseJson, newKey,
  } = window.Zhunong;

  const USER_KEY = 'zhunong.live.user';
  const QUEUE_KEY = 'zhunong.live.queue';
  const SEQ_KEY = 'zhunong.live.seq';
  const BUYERS_KEY = 'zhunong.live.buyers'; // 本机最近的买家：离线时也认得老买家
  const RECENT_BUYERS = 300;
  const SESSION_KEY = 'zhunong.live.session_id';
  const SESSION_COPY_KEY = 'zhunong.live.session'; // 当前场次的副本：离线时刷新页面也能接着录单
  const UNDO_MS = 30000; // 下单成功后可撤销的时间
  const DUP_MS = 60000; // 一分钟内同一手机号、同一商品、同样数量视为可能重复
  const KEEP_DONE = 30; // 本地保留的已完成记录条数
  const RETRY_MAX_MS = 5000;

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

  /** 手机号只留数字（去掉空格、横线，全角转半角）。 */
  const normalizePhone = (s) => halfWidth(s).replace(/[\s\-－—()（）]/g, '');
  const validPhone = (p) => /^(1\d{10}|0\d{9,11})$/.test(p);

  const timeText = (ms) => clock(new Date(ms));



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
    renderQueue();
    pump();
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

  function sessionLine(ls) {
    const when = ls.started_at || ls.planned_start;
    const d = when ? new Date(when) : null;
    const t = d && !Number.isNaN(d.getTime())
      ? `${d.getMonth() + 1}月${d.getDate()}日 ${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
    return [PLATFORM[ls.platform] || ls.platform, ls.host ? `主播 ${ls.host}` : '', t].filter(Boolean).join(' · ');
  }

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
    }, el('span', {}, el('strong', { text: ls.title }), el('br'), el('span', { class: 'muted', text: sessionLine(ls) })),
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
        el('span', { class: 'muted', text: `${sessionLine(ls)} · ${(ls.featured || []).length} 个商品` })),
      el('div', { class: 'btns' },
        el('button', { type: 'button', class: 'btn small', testid: `setup-session-${ls.id}`, text: '上架商品',
          onclick: (e) => run(e.currentTarget, () => window.Zhunong.liveSetup.open(ls)) }),
        (ls.featured || []).length ? el('button', { type: 'button', class: 'btn small primary', testid: `start-session-${ls.id}`, text: '开播',
          onclick: (e) => run(e.currentTarget, () => window.Zhunong.liveSetup.start(ls)) }) : null))));
  }

  // ---------------------------------------------------------------- 当前场次、商品与实时数据

  let live = null; // 当前场次（LiveSession）
  /** batch_id → 合并后的商品信息 {batch_id, product_name, pricing, unit_label, live_price_fen, per_buyer_limit, stock_qty, sold_qty} */
  let batches = new Map();
  let selectedBatch = null;
  const soldOutLocal = new Set(); // 服务器 409 insufficient_stock 且剩余 0 的批次（实时数据到来前就显示已售罄）

  function openSession(ls) {
    clearMessage();
    live = ls;
    localStorage.setItem(SESSION_KEY, String(ls.id));
    localStorage.setItem(SESSION_COPY_KEY, JSON.stringify(ls));
    batches = new Map();
    soldOutLocal.clear();
    for (const f of ls.featured || []) batches.set(f.batch_id, { ...f });
    if (!batches.has(selectedBatch)) selectedBatch = batches.size === 1 ? [...batches.keys()][0] : null;
    showView('sell');
    renderSessionHead();
    renderBatches();
    renderQty();
    renderEntries();
    startStream(ls.id);
    window.Zhunong.liveOrders.show(ls.id);
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

  // ---------------------------------------------------------------- 实时数据流（SSE，见 common.js）

  const feed = window.Zhunong.eventStream({
    token: accessToken,
    toLogin,
    onMessage(event, data) {
      if (event !== 'totals') return;
      feed.connected();
      const t = parseJson(data); // 坏数据：等下一条
      if (t) applyTotals(t);
    },
  });
  const streamUrl = (sessionId) => `/api/v1/live-sessions/${sessionId}/stream`;

  function startStream(sessionId) {
    feed.start(streamUrl(sessionId));
  }

  function stopStream() {
    feed.stop();
  }

  // ---------------------------------------------------------------- 买家

  /** 本机最近的买家（新的在前），每个 {id, phone, name, address, nickname}。 */
  function recentBuyers() {
    const list = parseJson(localStorage.getItem(BUYERS_KEY) || '[]');
    return Array.isArray(list) ? list : [];
  }

  function rememberBuyer(b) {
    if (!b || !b.id || !b.phone) return;
    const list = recentBuyers().filter((x) => x.id !== b.id && x.phone !== b.phone);
    list.unshift({ id: b.id, phone: b.phone, name: b.name, address: b.address || '', nickname: b.nickname || b.douyin_nickname || '' });
    localStorage.setItem(BUYERS_KEY, JSON.stringify(list.slice(0, RECENT_BUYERS)));
  }

  const nameOfBuyer = (id) => (recentBuyers().find((b) => b.id === id) || {}).name || '';

  // ---------------------------------------------------------------- 找老买家：手机尾号、抖音昵称

  let matchTimer = 0;
  let matchSeq = 0;

  /** 候选买家：先列本机记得的（离线也有），再补上服务器找到的。 */
  function findMatches(kind, text) {
    clearTimeout(matchTimer);
    const seq = ++matchSeq;
    const local = recentBuyers().filter((b) => (kind === 'ends' ? b.phone.endsWith(text) : (b.nickname || '').includes(text) || b.name.includes(text)));
    renderMatches(local, text);
    matchTimer = setTimeout(async () => {
      const query = kind === 'ends' ? `phone_ends=${text}` : `q=${encodeURIComponent(text)}`;
      try {
        const r = await api('GET', `/buyers?${query}&kind=individual&per_page=10`);
        if (seq !== matchSeq) return;
        const seen = new Set(local.map((b) => b.id));
        const more = (r.items || []).filter((b) => !seen.has(b.id)).map((b) => ({ ...b, nickname: b.douyin_nickname || '' }));
        renderMatches([...local, ...more], text);
      } catch (_) { /* 离线：只有本机的候选 */ }
    }, 250);
  }

  function renderMatches(list, text) {
    const ul = $('buyer-matches');
    ul.hidden = false;
    fill(ul, list.length ? list.slice(0, 8).map((b) => el('li', {}, el('button', {
      type: 'button', class: 'match', testid: `match-${b.phone}`, onclick: () => pickBuyer(b),
    }, el('strong', { text: b.name }), b.nickname ? el('span', { class: 'nick', text: ` ${b.nickname}` }) : null,
    el('span', { class: 'muted', text: ` ${b.phone}` }))))
      : el('li', { class: 'empty', text: `没有找到“${text}”的老买家。新买家请输入完整手机号。` }));
  }

  function hideMatches() {
    clearTimeout(matchTimer);
    matchSeq += 1;
    $('buyer-matches').hidden = true;
  }

  /** 点了一个候选：填上完整手机号，就是这位老买家了。 */
  function pickBuyer(b) {
    hideMatches();
    $('buyer-nick-search').value = '';
    $('buyer-phone').value = b.phone;
    buyer = { phone: b.phone, state: 'known', id: b.id, name: b.name, address: b.address, nickname: b.nickname || '' };
    rememberBuyer(buyer);
    renderBuyer();
    $('qty').focus();
  }

  let buyer = { phone: '', state: 'empty' }; // state: empty | looking | known | new | offline
  let lookupTimer = 0;
  let lookupSeq = 0;

  function renderBuyer() {
    const status = $('buyer-status');
    const known = buyer.state === 'known';
    $('buyer-found').hidden = !known;
    $('buyer-new').hidden = !(buyer.state === 'new' || buyer.state === 'offline');
    if (known) {
      $('buyer-found-name').textContent = buyer.name;
      $('buyer-found-nick').textContent = buyer.nickname ? `抖音：${buyer.nickname}` : '';
      $('buyer-found-address').textContent = buyer.address || '（没有地址）';
    }
    status.dataset.state = buyer.state;
    status.textContent = {
      empty: '', looking: '查找中…', known: buyer.fromDevice ? '老买家（本机记录，网络恢复后核对）' : '老买家',
      new: '新买家：请填写姓名和收货地址，下单时自动建档。',
      offline: '暂时查不到（网络不通）：请填写姓名和地址，发送时会先按手机号匹配老买家。',
      invalid: '请输入 11 位手机号。',
    }[buyer.state] || '';
  }

  function onPhoneInput() {
    const phone = normalizePhone($('buyer-phone').value);
    clearTimeout(lookupTimer);
    if (phone === buyer.phone && buyer.state !== 'empty' && buyer.state !== 'invalid') return;
    buyer = { phone, state: 'empty' };
    renderBuyer();
    if (/^\d{4}$/.test(phone)) findMatches('ends', phone); // 尾号 4 位：列出候选
    else hideMatches();
    if (/^1\d{10}$/.test(phone)) lookupTimer = setTimeout(() => lookup(phone), 150);
    else if (/^0\d{9,11}$/.test(phone)) lookupTimer = setTimeout(() => lookup(phone), 800);
  }

  function onPhoneDone() {
    const phone = normalizePhone($('buyer-phone').value);
    if (!phone || /^\d{4}$/.test(phone)) return; // 尾号：等点选候选
    if (!validPhone(phone)) { buyer = { phone, state: 'invalid' }; renderBuyer(); return; }
    if (phone !== buyer.phone || buyer.state === 'empty' || buyer.state === 'invalid') lookup(phone);
  }

  async function lookup(phone) {
    const seq = ++lookupSeq;
    buyer = { phone, state: 'looking' };
    renderBuyer();
    let next;
    try {
      const b = await api('GET', `/buyers/by-phone/${encodeURIComponent(phone)}`);
      next = { phone, state: 'known', id: b.id, name: b.name, address: b.address, nickname: b.douyin_nickname || '' };
      rememberBuyer(next);
    } catch (err) {
      if (err.problem && err.problem.handled) return;
      const mine = recentBuyers().find((b) => b.phone === phone);
      if (err.status === 404) next = { phone, state: 'new' };
      else if ((err.status === 0 || err.status >= 500) && mine) next = { ...mine, phone, state: 'known', fromDevice: true };
      else if (err.status === 0 || err.status >= 500) next = { phone, state: 'offline' };
      else { next = { phone, state: 'new' }; showError(err); }
    }
    if (seq !== lookupSeq || normalizePhone($('buyer-phone').value) !== phone) return;
    buyer = next;
    renderBuyer();
  }

  // ---------------------------------------------------------------- 本地队列

  function readQueue() {
    try {
      const q = JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
      return Array.isArray(q) ? q : [];
    } catch (_) { return []; }
  }

  /** 读—改—写：每次改动都重新读 localStorage，别的标签页加的记录不会被覆盖。 */
  function mutate(fn) {
    const q = readQueue();
    const r = fn(q);
    // 只保留未完成的和最近 KEEP_DONE 条已完成的。
    const pending = q.filter(isPending);
    const done = q.filter((e) => !isPending(e)).slice(-KEEP_DONE);
    const keep = new Set([...pending, ...done]);
    localStorage.setItem(QUEUE_KEY, JSON.stringify(q.filter((e) => keep.has(e))));
    return r;
  }

  function update(key, patch) {
    return mutate((q) => {
      const e = q.find((x) => x.key === key);
      if (e) Object.assign(e, patch);
      return e;
    });
  }

  const isPending = (e) => e.state === 'queued' || e.state === 'sending';

  function nextSeq() {
    const n = (Number(localStorage.getItem(SEQ_KEY)) || 0) + 1;
    localStorage.setItem(SEQ_KEY, String(n));
    return n;
  }

  // ---------------------------------------------------------------- 下单

  let pendingDup = null; // 等待确认的重复下单

  function buildEntry() {
    const s = session();
    if (!live) throw clientError('请先选择直播场次。');
    if (live.status !== 'live') throw clientError(live.status === 'planned' ? '本场直播还没有开播，不能下单。' : '本场直播已结束，不能再下单。');
    const b = batches.get(selectedBatch);
    if (!b) throw clientError('请先点选要卖的商品。');
    if (isSoldOut(b)) throw clientError(`“${b.product_name}”已售罄，不能再下单。`);
    const phone = normalizePhone($('buyer-phone').value);
    if (!validPhone(phone)) throw clientError('请输入买家的 11 位手机号。', [{ field: 'phone', message: phone ? '格式不对' : '不能为空' }]);
    const p = parseQty(b, $('qty').value);
    if (p.error) throw clientError(p.error, [{ field: 'quantity', message: p.error }]);
    if (b.per_buyer_limit && p.q > b.per_buyer_limit) {
      throw clientError(`“${b.product_name}”每人限购 ${qtyText(b, b.per_buyer_limit)}，这一单 ${qtyText(b, p.q)} 超过了限购。`);
    }
    const entry = {
      key: newKey(), seq: 0, user: s.username, created_at: Date.now(), state: 'queued', attempts: 0,
      session_id: live.id, batch_id: b.batch_id, quantity: p.q,
      product_name: b.product_name, pricing: b.pricing, unit_label: b.unit_label || null,
      live_price_fen: b.live_price_fen, phone,
    };
    if (buyer.phone === phone && buyer.state === 'known') {
      Object.assign(entry, { buyer_id: buyer.id, buyer_name: buyer.name });
    } else {
      if (buyer.phone === phone && buyer.state === 'looking') throw clientError('正在查找买家，请稍等一下再点下单。');
      const name = $('buyer-name').value.trim();
      const address = $('buyer-address').value.trim();
      const errors = [];
      if (!name) errors.push({ field: 'name', message: '不能为空' });
      if (!address) errors.push({ field: 'address', message: '不能为空' });
      if (buyer.phone !== phone || buyer.state === 'empty') {
        onPhoneDone();
        throw clientError('正在查找这个手机号的买家，请稍等一下再点下单。');
      }
      if (errors.length) throw clientError('新买家请填写姓名和收货地址。', errors);
      const nickname = $('buyer-nickname').value.trim();
      Object.assign(entry, { new_buyer: { name, address, nickname }, buyer_name: name });
    }
    return entry;
  }

  function findDuplicate(entry) {
    const since = Date.now() - DUP_MS;
    return readQueue().find((e) => e.phone === entry.phone && e.batch_id === entry.batch_id
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
    mutate((q) => { q.push(entry); });
    // 准备下一位买家：清空手机号和新买家信息，商品保持，数量回到 1。
    $('buyer-phone').value = '';
    $('buyer-name').value = '';
    $('buyer-address').value = '';
    $('buyer-nickname').value = '';
    $('buyer-nick-search').value = '';
    hideMatches();
    $('qty').value = '1';
    buyer = { phone: '', state: 'empty' };
    renderBuyer();
    renderQty();
    renderQueue();
    pump();
    $('buyer-phone').focus();
  }

  // ---------------------------------------------------------------- 发送队列

  let pumping = false;
  let retryTimer = 0;
  let retryDelay = 0;
  let waiting = ''; // 为什么在等：'' | 'offline' | 'server'

  function scheduleRetry(why) {
    waiting = why;
    clearTimeout(retryTimer);
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay ? retryDelay * 2 : 1000);
    retryTimer = setTimeout(pump, retryDelay);
    renderQueue();
  }

  function pump() {
    if (pumping) return;
    pumping = true;
    const work = async () => {
      try {
        for (;;) {
          const s = session();
          if (!s) break;
          const e = readQueue().find((x) => isPending(x) && x.user === s.username);
          if (!e) { waiting = ''; retryDelay = 0; break; }
          if (navigator.onLine === false) { scheduleRetry('offline'); break; }
          update(e.key, { state: 'sending', attempts: (e.attempts || 0) + 1 });
          renderQueue();
          const r = await send(e);
          if (r === 'retry' || r === 'offline') {
            update(e.key, { state: 'queued' });
            scheduleRetry(r === 'offline' ? 'offline' : 'server');
            break;
          }
          if (r === 'auth') { update(e.key, { state: 'queued' }); break; }
          waiting = '';
          retryDelay = 0;
          renderQueue();
        }
      } finally {
        pumping = false;
        renderQueue();
      }
    };
    // 同一台手机开了两个标签页时，只让一个发送（Web Locks；没有就直接发，服务器的幂等键兜底）。
    if (navigator.locks && navigator.locks.request) {
      navigator.locks.request('zhunong-live-queue', { ifAvailable: true }, async (lock) => {
        if (!lock) { pumping = false; scheduleRetry('other-tab'); return; }
        await work();
      }).catch(() => { pumping = false; });
    } else {
      work();
    }
  }

  /** 临时性的失败：稍后用同一个键重试。 */
  const transient = window.Zhunong.isTransient;

  /** 发一条：先确定买家（按手机号找，找不到就建档），再用幂等键下单。返回 'done' | 'retry' | 'offline' | 'auth'。 */
  async function send(e) {
    let buyerId = e.buyer_id;
    try {
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
        update(e.key, { buyer_id: b.id, buyer_name: b.name });
        rememberBuyer({ ...b, nickname: b.douyin_nickname });
      }
      const r = await api('POST', '/orders', {
        buyer_id: buyerId, channel: 'livestream', live_session_id: e.session_id,
        lines: [{ batch_id: e.batch_id, quantity: e.quantity }],
      }, { headers: { 'Idempotency-Key': e.key }, withHeaders: true });
      const o = r.body;
      const replayed = (r.headers.get('idempotent-replayed') || '') === 'true';
      const placed = update(e.key, {
        state: 'placed', order_id: o.id, number: o.number, total_fen: o.total_fen,
        placed_at: Date.now(), replayed,
      });
      if (live && live.id === e.session_id) {
        const text = `已下单 ${o.number}（${e.buyer_name || e.phone} · ${e.product_name} ${qtyText(e, e.quantity)}）`;
        showNotice(text);
        barLast(text, 'ok');
      }
      if (placed && placed.undo_requested) await undo(e.key, true);
      return 'done';
    } catch (err) {
      if (err.problem && err.problem.handled) return 'auth';
      if (err.status === 0) return 'offline';
      if (transient(err)) return 'retry';
      fail(e, err);
      return 'done';
    }
  }

  function fail(e, err) {
    const p = err.problem || {};
    let reason = (p.code === 'client' ? p.detail : CODE_TEXT[p.code]) || '服务器拒绝了这一单。';
    const b = batches.get(e.batch_id) || e;
    if (p.code === 'insufficient_stock') {
      const s = (p.shortages || []).find((x) => x.batch_id === e.batch_id) || (p.shortages || [])[0];
      if (s && s.available <= 0) {
        reason = `“${e.product_name}”已售罄，这一单（${qtyText(e, e.quantity)}）没有下成。`;
        soldOutLocal.add(e.batch_id);
        const cur = batches.get(e.batch_id);
        if (cur) cur.stock_qty = 0;
      } else if (s) {
        reason = `“${e.product_name}”只剩 ${qtyText(e, s.available)}，这一单要 ${qtyText(e, s.requested)}，没有下成。`;
        const cur = batches.get(e.batch_id);
        if (cur) cur.stock_qty = s.available;
      }
      renderBatches();
    } else if (p.code === 'buyer_limit_reached') {
      const lim = b.per_buyer_limit ? `（每人限购 ${qtyText(b, b.per_buyer_limit)}）` : '';
      reason = `${e.buyer_name || e.phone} 已达到“${e.product_name}”的每人限购${lim}，这一单没有下成。`;
    } else if (p.code === 'session_not_live') {
      reason = '本场直播不在直播中（已结束或未开播），这一单没有下成。';
      // 开播、下播不会推送到数据流：重新读一次场次，页面随即不再接受下单。
      if (live && live.id === e.session_id) {
        api('GET', `/live-sessions/${live.id}`).then((ls) => {
          if (live && live.id === ls.id) { live = { ...live, status: ls.status }; renderSessionHead(); }
        }).catch(() => {});
      }
    }
    update(e.key, { state: 'failed', code: p.code || '', reason, failed_at: Date.now() });
    showError(new ApiError(err.status, { ...p, text: reason }));
    if (live && live.id === e.session_id) barLast(`没有下成：${reason}（在下面的记录里点“修改重发”）`, 'bad');
  }

  /** 底部栏里的最新结果：刚下的单，或没下成的原因。 */
  function barLast(text, tone) {
    const b = $('bar-last');
    b.textContent = text;
    b.dataset.tone = tone;
    b.hidden = false;
  }

  /** 没下成的一单：把商品、买家和数量放回表单，改一改再点下单。 */
  function refill(key) {
    const e = readQueue().find((x) => x.key === key);
    if (!e) return;
    clearMessage();
    if (batches.has(e.batch_id)) {
      selectedBatch = e.batch_id;
      renderBatches();
    }
    $('buyer-phone').value = e.phone;
    if (e.new_buyer) {
      $('buyer-name').value = e.new_buyer.name || '';
      $('buyer-address').value = e.new_buyer.address || '';
      $('buyer-nickname').value = e.new_buyer.nickname || '';
    }
    $('qty').value = qtyNumber(e, e.quantity).replace(/,/g, '');
    update(key, { state: 'dropped', reason: '已放回表单修改' });
    renderQueue();
    onPhoneDone();
    renderQty();
    $('qty').focus();
    $('qty').select();
  }

  async function undo(key, auto) {
    const e = readQueue().find((x) => x.key === key);
    if (!e) return;
    if (isPending(e)) {
      if (e.state === 'queued' && !e.attempts) {
        // 从没发出过：直接从队列里去掉。
        update(key, { state: 'dropped' });
        showNotice(`第 ${e.seq} 单还没发出，已删除。`);
      } else {
        // 可能已经到了服务器：发送成功后马上撤销。
        update(key, { undo_requested: true });
        showNotice(`第 ${e.seq} 单发送后会自动撤销。`);
      }
      renderQueue();
      return;
    }
    if (e.state !== 'placed') return;
    try {
      await api('POST', `/orders/${e.order_id}/cancel`);
      update(key, { state: 'cancelled', cancelled_at: Date.now() });
      showNotice(`已撤销 ${e.number}`);
      // The bar still said 已下单 for it: say what it is now, and refresh the show's order list.
      const bar = $('bar-last');
      if (!bar.hidden && bar.textContent.includes(e.number)) barLast(`已撤销 ${e.number}`, 'muted');
      window.Zhunong.liveOrders.soon();
    } catch (err) {
      if (err.problem && err.problem.handled) return;
      if (auto) update(key, { reason: '自动撤销没有成功，请手动撤销。' });
      showError(err.status === 0 ? clientError(`网络不通，${e.number} 没有撤销成功，请稍后再点“撤销”。`) : err);
    } finally {
      renderQueue();
    }
  }

  // ---------------------------------------------------------------- 队列与记录的显示

  function renderQueue() {
    const s = session();
    const q = readQueue();
    const mine = q.filter((e) => isPending(e) && (!s || e.user === s.username));
    const others = q.filter((e) => isPending(e) && s && e.user !== s.username);
    $('queue-count').textContent = String(mine.length);
    // 页头上的待发送数：页面往下翻时也看得见。
    $('queue-pill').textContent = `待发送 ${mine.length}`;
    $('queue-pill').hidden = mine.length === 0;
    const bar = $('queue-bar');
    bar.dataset.pending = String(mine.length);
    bar.classList.toggle('has-pending', mine.length > 0);
    let text = '';
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

  const STATE_TEXT = {
    queued: '待发送', sending: '发送中…', placed: '已下单', failed: '没有下成', cancelled: '已撤销', dropped: '已删除（未发送）',
  };

  function renderEntries(q = readQueue()) {
    const ul = $('entries');
    const s = session();
    const now = Date.now();
    const list = q.filter((e) => !s || e.user === s.username).slice().reverse().slice(0, 15);
    if (!list.length) { fill(ul, el('li', { class: 'empty', text: '还没有订单。' })); return; }
    fill(ul, list.map((e) => {
      const undoLeft = e.state === 'placed' && e.placed_at ? Math.ceil((e.placed_at + UNDO_MS - now) / 1000) : 0;
      const canUndo = (e.state === 'placed' && undoLeft > 0) || (isPending(e) && !e.undo_requested);
      return el('li', { class: `entry st-${e.state}`, testid: 'entry', 'data-key': e.key, 'data-state': e.state, 'data-seq': e.seq },
        el('div', { class: 'info' },
          el('div', { class: 'row spread' },
            el('strong', { class: 'num', testid: 'entry-number', text: e.number || `第 ${e.seq} 单` }),
            el('span', { class: `badge s-${e.state}`, testid: 'entry-state', text: STATE_TEXT[e.state] || e.state })),
          el('div', { text: `${e.buyer_name || ''} ${e.phone}`.trim() }),
          el('div', { class: 'muted', text: `${e.product_name} ${qtyText(e, e.quantity)} · ${money(e.total_fen ?? amountFen(e, e.quantity))} · ${timeText(e.created_at)}` }),
          e.state === 'failed' || e.reason ? el('div', { class: 'reason', testid: 'entry-reason', text: e.reason || '' }) : null,
          e.undo_requested && isPending(e) ? el('div', { class: 'muted', text: '发送后自动撤销' }) : null),
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

  // ---------------------------------------------------------------- 启动

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => { logout(); clearMessage(); });
    $('refresh-sessions').addEventListener('click', (e) => run(e.currentTarget, () => showSessions(false)));
    $('change-session').addEventListener('click', (e) => run(e.currentTarget, () => showSessions(false)));
    $('end-session').addEventListener('click', (e) => run(e.currentTarget, async () => {
      if (!live || !window.confirm(`确定结束直播“${live.title}”吗？结束后不能再下单。`)) return;
      live = await api('POST', `/live-sessions/${live.id}/end`);
      renderSessionHead();
      showNotice('直播已结束');
    }));

    $('sell-form').addEventListener('submit', onPlace);
    $('bar-batch').addEventListener('change', (e) => { if (e.target.value) pickBatch(Number(e.target.value)); });
    window.Zhunong.liveSetup.init({ onStarted: openSession });
    window.Zhunong.liveOrders.init({
      // 本机记得的买家姓名（服务器的订单列表只有买家编号）。
      nameOf: (id) => nameOfBuyer(id) || (readQueue().find((e) => e.buyer_id === id) || {}).buyer_name || '',
      productOf: (batchId) => (batches.get(batchId) || {}).product_name || '',
    });
    let nickTyping = 0;
    $('buyer-nick-search').addEventListener('input', () => {
      clearTimeout(nickTyping);
      const text = $('buyer-nick-search').value.trim();
      if (!text) { hideMatches(); return; }
      nickTyping = setTimeout(() => findMatches('nick', text), 150);
    });
    $('qty').addEventListener('input', renderQty);
    $('qty-minus').addEventListener('click', () => stepQty(-1));
    $('qty-plus').addEventListener('click', () => stepQty(1));
    $('buyer-phone').addEventListener('input', onPhoneInput);
    $('buyer-phone').addEventListener('change', onPhoneDone);
    $('buyer-phone').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); onPhoneDone(); }
    });
    $('dup-yes').addEventListener('click', () => { if (pendingDup) enqueue(pendingDup); });
    $('dup-no').addEventListener('click', () => {
      pendingDup = null;
      $('dup-confirm').hidden = true;
      showNotice('没有重复下单。');
    });
    $('queue-retry').addEventListener('click', () => { retryDelay = 0; clearTimeout(retryTimer); pump(); });

    window.addEventListener('online', () => {
      retryDelay = 0;
      clearTimeout(retryTimer);
      renderQueue();
      pump();
      // 网络回来了：正在等待重连的数据流马上重连。
      if (live && session() && $('stream-status').dataset.state !== 'on') feed.reconnect(streamUrl(live.id));
    });
    window.addEventListener('offline', () => {
      renderQueue();
      if (live) feed.interrupt(); // 离线时不显示“实时”：断开，等网络恢复后重连
    });
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
    // 手机熄屏后回来：马上补发、重连。
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && session()) {
        pump();
        if (live && !feed.open) startStream(live.id);
      }
    });

    renderBuyer();
    if (session()) run(null, afterLogin);
    else toLogin();
  }

  window.Zhunong.ready(init);
})();
