// 直播下单页面：收货方式。快递（默认：直播间的买家多在外地）、自提、装车三选一。
// 快递：把买家发来的一段话粘贴进来，服务器的“智能识别”（POST /addresses/parse）填好收货人、电话、省、市、
// 区县、乡镇街道和详细地址，拿不准的几项标黄、写“请核对”；粘贴的原文和待核对的项随订单一起交给服务器。
// 什么都没填时：老买家有默认地址就寄到默认地址，没有就寄到买家资料里的地址（发送时确定，见 resolve）。
// 自提：选自提点；下单后马上显示提货码。每一单下成后都可以一键“复制买家链接”（买家自己的订单页）。
// live-place.js、live-queue.js 调用 Zhunong.liveDelivery.*。
'use strict';

(() => {
  const {
    $, el, fill, showError, showNotice, clientError, api, run, parseJson,
  } = window.Zhunong;
  const buyers = window.Zhunong.liveBuyers;
  const { normalizePhone, validPhone } = buyers;

  const POINTS_KEY = 'zhunong.live.pickup_points'; // 自提点的副本：离线时也能选
  const POINT_KEY = 'zhunong.live.pickup_point'; // 上次选的自提点
  const DEFAULT_CHOICE = 'parcel';
  const FIELDS = ['name', 'phone', 'province', 'city', 'district', 'street', 'detail'];
  /** 服务器认得的“待核对”项（详细地址不在其中）。 */
  const UNSURE_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'street'];
  const FIELD_NAME = {
    name: '收货人', phone: '电话', province: '省', city: '市', district: '区县', street: '乡镇街道', detail: '详细地址',
  };
  const LABEL = (window.ZhunongLabels && window.ZhunongLabels.fulfilment) || { parcel: '快递', pickup: '自提', load: '装车' };

  let choice = DEFAULT_CHOICE;
  let unsure = new Set(); // 识别结果里拿不准、还没改过的项
  let rawText = null; // 识别用的原文
  let points = []; // 开放的自提点
  /** 老买家的地址簿：buyerId → {state: 'loading'|'done'|'failed', list}。 */
  const books = new Map();
  let buyer = { state: 'empty' };

  const input = (f) => $(`r-${f}`);

  // ---------------------------------------------------------------- 收货方式

  function setChoice(value) {
    choice = ['parcel', 'pickup', 'load'].includes(value) ? value : DEFAULT_CHOICE;
    for (const r of document.querySelectorAll('input[name="fulfilment"]')) r.checked = r.value === choice;
    $('parcel-box').hidden = choice !== 'parcel';
    $('pickup-box').hidden = choice !== 'pickup';
    $('load-box').hidden = choice !== 'load';
    renderShipTo();
  }

  // ---------------------------------------------------------------- 收货信息

  function readFields() {
    const r = {};
    for (const f of FIELDS) r[f] = input(f).value.trim();
    r.phone = normalizePhone(r.phone);
    return r;
  }
  const isEmpty = (r) => FIELDS.every((f) => !r[f]);

  /** 省市区合在一起写（直辖市的“北京市北京市”只写一次）。 */
  function addressText(r) {
    const city = r.city && r.city !== r.province ? r.city : '';
    return `${r.province || ''}${city}${r.district || ''}${r.street || ''}${r.detail || ''}`;
  }
  const recipientText = (r) => [r.name, r.phone, addressText(r)].filter(Boolean).join(' ');

  function markUnsure() {
    for (const f of FIELDS) {
      const box = document.querySelector(`.f[data-r="${f}"]`);
      const on = unsure.has(f);
      box.classList.toggle('unsure', on);
      box.querySelector('.check-tag').hidden = !on;
    }
  }

  /** 识别结果：还有几项要核对（改过的项不再算）。 */
  function renderStatus(fresh) {
    const status = $('paste-status');
    if (!rawText) return;
    const names = [...unsure].map((f) => FIELD_NAME[f]).join('、');
    status.dataset.tone = unsure.size ? 'warn' : 'ok';
    if (unsure.size) {
      status.textContent = fresh ? `已识别。标黄的 ${unsure.size} 项（${names}）拿不准，请核对。` : `还有 ${unsure.size} 项（${names}）请核对。`;
    } else {
      status.textContent = fresh ? '已识别，请再看一眼是否正确。' : '标黄的项都核对过了。';
    }
  }

  function setFields(r) {
    for (const f of FIELDS) input(f).value = r[f] || '';
  }

  function clearRecipient() {
    setFields({});
    $('paste-text').value = '';
    unsure = new Set();
    rawText = null;
    $('paste-status').textContent = '';
    delete $('paste-status').dataset.tone;
    markUnsure();
    renderShipTo();
  }

  /** 智能识别：服务器读出各项，填进输入框；买家手机号还空着就一并填上（随即查找买家）。 */
  async function parse() {
    const text = $('paste-text').value.trim();
    const status = $('paste-status');
    if (!text) throw clientError('请先把买家发来的收货信息粘贴到框里。');
    let r;
    try {
      r = await api('POST', '/addresses/parse', { text });
    } catch (err) {
      if (err.status === 0) {
        status.textContent = '网络不通，识别不了：请直接在下面填写收货信息。';
        status.dataset.tone = 'bad';
      }
      throw err;
    }
    setFields(r);
    rawText = r.raw_text || text;
    unsure = new Set((r.unsure || []).filter((f) => FIELDS.includes(f)));
    markUnsure();
    renderStatus(true);
    if (r.phone && !$('buyer-phone').value.trim()) {
      $('buyer-phone').value = r.phone;
      $('buyer-phone').dispatchEvent(new Event('input', { bubbles: true }));
    }
    renderShipTo();
  }

  // ---------------------------------------------------------------- 默认地址

  function defaultOf(b) {
    const book = b && b.id ? books.get(b.id) : null;
    return book && book.state === 'done' ? (book.list.find((a) => a.is_default) || null) : null;
  }

  async function loadBook(id) {
    if (books.has(id) && books.get(id).state !== 'failed') return;
    books.set(id, { state: 'loading', list: [] });
    try {
      const list = await api('GET', `/buyers/${id}/addresses`);
      books.set(id, { state: 'done', list: Array.isArray(list) ? list : [] });
    } catch (err) {
      books.set(id, { state: 'failed', list: [] });
    }
    if (buyer.id === id) renderShipTo();
  }

  function onBuyer(b) {
    buyer = b;
    if (b.state === 'known' && b.id && !b.fromDevice) loadBook(b.id);
    renderShipTo();
  }

  /** 收货信息还空着时，这一单会寄到哪里；有默认地址就给一个“填入默认地址”。 */
  function renderShipTo() {
    const box = $('ship-to');
    const r = readFields();
    const empty = isEmpty(r);
    // 新买家的姓名、地址可以不填：用收货信息里的。
    $('buyer-name').placeholder = choice === 'parcel' && r.name ? `不填就用收货人：${r.name}` : '';
    $('buyer-address').placeholder = choice === 'parcel' && r.detail ? '不填就用收货地址' : '';
    if (choice !== 'parcel' || !empty || !(buyer.state === 'known' || buyer.state === 'new')) {
      box.hidden = true;
      return;
    }
    const book = buyer.id ? books.get(buyer.id) : null;
    const def = defaultOf(buyer);
    let kids;
    if (buyer.state === 'new') {
      kids = [el('span', { text: '没填收货信息时，寄给新买家本人（上面填的姓名和地址）。' })];
    } else if (def) {
      kids = [
        el('span', { text: '没填收货信息时，寄到默认地址：' }),
        el('strong', { testid: 'ship-to-default', text: recipientText(def) }),
        el('button', {
          type: 'button', class: 'btn small', testid: 'use-default-address', text: '填入默认地址（可修改）',
          onclick: () => {
            setFields(def);
            unsure = new Set();
            rawText = null;
            markUnsure();
            renderShipTo();
            input('detail').focus();
          },
        }),
      ];
    } else if (book && book.state === 'loading') {
      kids = [el('span', { text: '正在查买家的默认地址…' })];
    } else if (buyer.address) {
      kids = [el('span', { text: `没填收货信息时，寄到买家资料里的地址：${buyer.name || ''} ${buyer.phone} ${buyer.address}` })];
    } else {
      kids = [el('span', { text: '这位买家没有收货地址，请粘贴或填写收货信息。' })];
    }
    fill(box, kids);
    box.hidden = false;
  }

  // ---------------------------------------------------------------- 自提点

  function renderPoints() {
    const sel = $('pickup-point');
    const keep = sel.value || localStorage.getItem(POINT_KEY) || '';
    fill(sel, points.length
      ? [el('option', { value: '', text: '— 请选择自提点 —' }), ...points.map((p) => el('option', { value: String(p.id), text: p.name }))]
      : el('option', { value: '', text: '还没有自提点（请书记先添加）' }));
    if (points.some((p) => String(p.id) === keep)) sel.value = keep;
    else if (points.length === 1) sel.value = String(points[0].id);
    renderPointInfo();
  }

  function renderPointInfo() {
    const p = points.find((x) => String(x.id) === $('pickup-point').value);
    $('pickup-info').textContent = p ? `${p.address}${p.hours ? ` · ${p.hours}` : ''}` : '';
  }

  async function loadPoints() {
    const saved = parseJson(localStorage.getItem(POINTS_KEY) || '[]');
    if (Array.isArray(saved) && !points.length) { points = saved; renderPoints(); }
    try {
      const list = await api('GET', '/pickup-points');
      points = (Array.isArray(list) ? list : []).filter((p) => p.active);
      localStorage.setItem(POINTS_KEY, JSON.stringify(points));
    } catch (err) {
      if (err.status !== 0 && !(err.problem && err.problem.handled)) showError(err);
    }
    renderPoints();
  }

  // ---------------------------------------------------------------- 下单时

  /**
   * 表单 → 这一单的收货方式 {fulfilment, recipient?, pickup_point_id?, pickup_point_name?}；
   * 快递的收货信息空着时 recipient 为 null（发送时再定，见 resolve）。哪里不对就抛出。
   */
  function collect() {
    if (choice === 'load') return { fulfilment: 'load' };
    if (choice === 'pickup') {
      const id = Number($('pickup-point').value);
      if (!id) {
        throw clientError(points.length ? '请选择自提点。' : '还没有自提点：请书记先添加自提点，或改选快递。',
          [{ field: 'pickup_point_id', message: '请选择' }]);
      }
      localStorage.setItem(POINT_KEY, String(id));
      return { fulfilment: 'pickup', pickup_point_id: id, pickup_point_name: (points.find((p) => p.id === id) || {}).name || '' };
    }
    const r = readFields();
    if (isEmpty(r)) return { fulfilment: 'parcel', recipient: null };
    const errors = [];
    if (!r.name) errors.push({ field: 'recipient.name', message: '不能为空' });
    if (!validPhone(r.phone)) errors.push({ field: 'recipient.phone', message: r.phone ? '应是 11 位手机号或带区号的座机' : '不能为空' });
    if (!r.detail) errors.push({ field: 'recipient.detail', message: '不能为空' });
    const regions = [r.province, r.city, r.district].filter(Boolean).length;
    if (regions !== 0 && regions !== 3) errors.push({ field: 'recipient.district', message: '省、市、区县要都填，或者都不填' });
    if (errors.length) throw clientError('请把收货信息填完整。', errors);
    return {
      fulfilment: 'parcel',
      recipient: {
        ...r, raw_text: rawText, unsure: [...unsure].filter((f) => UNSURE_FIELDS.includes(f)),
      },
    };
  }

  /** 新买家没填姓名、地址时，用收货信息里的。 */
  const buyerFromRecipient = (r) => (r ? { name: r.name, address: addressText(r) } : null);

  /**
   * 发送前（在线）定下快递的收货人：填了就用填的；没填时买家地址簿里有默认地址就交给服务器用它（null），
   * 没有就用买家资料里的姓名和地址。定下后存进这一单，重发时内容不变（同一个幂等键）。
   */
  async function resolve(e, buyerId, b) {
    if (e.fulfilment !== 'parcel' || e.recipient) return e.recipient || null;
    const list = await api('GET', `/buyers/${buyerId}/addresses`);
    if (Array.isArray(list) && list.some((a) => a.is_default)) return null;
    const name = ((b && b.name) || e.buyer_name || '').slice(0, 50);
    const address = ((b && b.address) || e.buyer_address || '').slice(0, 200);
    if (!name || !address) throw clientError('这位买家没有收货地址：请在“修改重发”里粘贴或填写收货信息。');
    return {
      name, phone: e.phone, province: '', city: '', district: '', street: '', detail: address, raw_text: null, unsure: [],
    };
  }

  /** 下一位买家：清空收货信息，回到默认的快递（自提点记着）。 */
  function reset() {
    clearRecipient();
    setChoice(DEFAULT_CHOICE);
  }

  /** “修改重发”：把这一单的收货方式放回表单。 */
  function restore(e) {
    clearRecipient();
    setChoice(e.fulfilment || 'load');
    if (e.fulfilment === 'parcel' && e.recipient && !e.recipient_auto) {
      setFields(e.recipient);
      rawText = e.recipient.raw_text || null;
      if (rawText) $('paste-text').value = rawText;
      unsure = new Set(e.recipient.unsure || []);
      markUnsure();
    }
    if (e.fulfilment === 'pickup' && e.pickup_point_id) {
      $('pickup-point').value = String(e.pickup_point_id);
      renderPointInfo();
    }
    renderShipTo();
  }

  // ---------------------------------------------------------------- 下单后：提货码和买家链接

  /** 这一单的收货详情（买家链接、提货码），存进记录里。 */
  async function details(orderId) {
    const f = await api('GET', `/orders/${orderId}/fulfilment`);
    return { view_path: f.view_path || null, pickup_code: f.pickup_code || null };
  }

  function showManual(url) {
    $('link-manual-text').value = url;
    $('link-manual').hidden = false;
    $('link-manual-text').focus();
    $('link-manual-text').select();
  }

  /** 复制买家链接：先试剪贴板，不行就把链接显示出来让助播长按复制。 */
  async function copyLink(viewPath) {
    const url = window.location.origin + viewPath;
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      $('link-manual').hidden = true;
      showNotice('买家链接已复制，可以粘贴发给买家了。');
    } catch (_) {
      showManual(url);
    }
  }

  /** “复制买家链接”按钮；还不知道链接时先问服务器。 */
  function copyButton(entry, getEntry, save, testid = 'copy-link') {
    return el('button', {
      type: 'button', class: 'btn small copy-link', testid, text: '复制买家链接',
      onclick: (ev) => {
        const now = getEntry() || entry;
        if (now.view_path) { copyLink(now.view_path); return; }
        run(ev.currentTarget, async () => {
          const d = await details(now.order_id);
          save(d);
          if (!d.view_path) throw clientError('这一单的买家链接已经停用，请书记在办公页面重新生成。');
          await copyLink(d.view_path);
        });
      },
    });
  }

  // ---------------------------------------------------------------- 启动

  function init() {
    for (const span of document.querySelectorAll('#delivery-card [data-label]')) {
      if (LABEL[span.dataset.label]) span.textContent = LABEL[span.dataset.label];
    }
    for (const r of document.querySelectorAll('input[name="fulfilment"]')) {
      r.addEventListener('change', () => { if (r.checked) setChoice(r.value); });
    }
    $('paste-parse').addEventListener('click', (e) => run(e.currentTarget, parse));
    // 粘贴进来就识别，省一次点按。
    $('paste-text').addEventListener('paste', () => setTimeout(() => {
      if ($('paste-text').value.trim()) run($('paste-parse'), parse);
    }, 0));
    $('recipient-clear').addEventListener('click', () => { clearRecipient(); $('paste-text').focus(); });
    for (const f of FIELDS) {
      input(f).addEventListener('input', () => {
        // 改过的项就算核对过了。
        if (unsure.delete(f)) { markUnsure(); renderStatus(false); }
        renderShipTo();
      });
    }
    $('pickup-point').addEventListener('change', renderPointInfo);
    $('link-manual-close').addEventListener('click', () => { $('link-manual').hidden = true; });
    buyers.onChange(onBuyer);
    setChoice(DEFAULT_CHOICE);
  }

  window.Zhunong.liveDelivery = {
    init, loadPoints, collect, resolve, reset, restore, details, copyLink, copyButton, buyerFromRecipient,
    label: (f) => LABEL[f] || '',
  };
})();
