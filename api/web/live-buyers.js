// 直播下单页面：买家。输入手机号就找老买家（找不到就是新买家，填姓名和地址，下单时建档）；
// 手机尾号 4 位或抖音昵称列出候选；本机记着最近的买家，离线时也认得老买家。
// live.js、live-place.js、live-queue.js 调用 Zhunong.liveBuyers.*。
'use strict';

(() => {
  const { $, el, fill, halfWidth, showError, api, parseJson } = window.Zhunong;

  const BUYERS_KEY = 'zhunong.live.buyers'; // 本机最近的买家：离线时也认得老买家
  const RECENT_BUYERS = 300;

  /** 手机号只留数字（去掉空格、横线，全角转半角）。 */
  const normalizePhone = (s) => halfWidth(s).replace(/[\s\-－—()（）]/g, '');
  const validPhone = (p) => /^(1\d{10}|0\d{9,11})$/.test(p);

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
  const listeners = []; // 买家变了时要知道的（收货方式：默认地址）
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
    for (const fn of listeners) fn(buyer);
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

  function init() {
    let nickTyping = 0;
    $('buyer-nick-search').addEventListener('input', () => {
      clearTimeout(nickTyping);
      const text = $('buyer-nick-search').value.trim();
      if (!text) { hideMatches(); return; }
      nickTyping = setTimeout(() => findMatches('nick', text), 150);
    });
    $('buyer-phone').addEventListener('input', onPhoneInput);
    $('buyer-phone').addEventListener('change', onPhoneDone);
    $('buyer-phone').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); onPhoneDone(); }
    });
  }

  /** 下一位买家：表单清空之后。 */
  function reset() {
    buyer = { phone: '', state: 'empty' };
    renderBuyer();
  }

  window.Zhunong.liveBuyers = {
    init, normalizePhone, validPhone, current: () => buyer, reset, render: renderBuyer, onPhoneDone, hideMatches,
    remember: rememberBuyer, nameOf: nameOfBuyer, onChange: (fn) => { listeners.push(fn); },
  };
})();
