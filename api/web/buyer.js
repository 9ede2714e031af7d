'use strict';
// 买家自己的订单页（/o/{token}）：不用登录，只显示这一张订单，收货人已打码。
// 签收后一段时间内（claim_until 之前）可以在这里申请售后，并传照片。
(function () {
  const L = window.ZhunongLabels || {};
  const $ = (id) => document.getElementById(id);
  const label = (table, code) => (L[table] && L[table][code]) || code;
  const yuan = (fen) => '¥' + (fen / 100).toFixed(2);
  const jin = (g) => (g / 500).toFixed(2).replace(/\.?0+$/, '') + ' 斤';

  const token = location.pathname.split('/').pop();
  const API = '/api/v1/public/orders/' + encodeURIComponent(token);
  const MAX_PHOTOS = 6;
  const MAX_BYTES = 5 * 1024 * 1024;
  const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

  let view = null; // 最近一次读到的订单
  let photos = []; // 选好的照片：{ file, url }
  let busy = false;
  let windowTimer = 0;

  // ------------------------------------------------------------------ 小工具

  const pad = (n) => String(n).padStart(2, '0');
  /** 12月5日 20:09（不是今年的带上年份）。 */
  function when(t) {
    if (!t) return '';
    const d = new Date(t);
    const year = d.getFullYear() === new Date().getFullYear() ? '' : d.getFullYear() + '年';
    return year + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function show(text) {
    const m = $('message');
    m.textContent = text;
    m.hidden = false;
  }

  let toastTimer = 0;
  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  /** 几个字节 → “2.3 兆”“180 千字节”这样的中文说法。 */
  function size(bytes) {
    if (bytes >= 1024 * 1024) return String(Math.ceil(bytes / 1024 / 1024 * 10) / 10) + ' 兆';
    return Math.max(1, Math.round(bytes / 1024)) + ' 千字节';
  }

  /** 回答的正文（问题详情），读不出来就是空对象。 */
  async function problemOf(res) {
    try { return await res.json(); } catch (e) { return {}; }
  }

  /** 服务器说“太频繁”时，要等几秒。 */
  function waitText(res) {
    const s = Number(res.headers.get('retry-after'));
    return Number.isFinite(s) && s > 0 ? '操作太频繁，请 ' + Math.ceil(s) + ' 秒后再试。' : '操作太频繁，请稍后再试。';
  }

  // ------------------------------------------------------------------ 订单

  /** 每种配送方式的几步，和订单状态落在第几步。 */
  const STEPS = {
    parcel: ['已下单', '已称重', '已发货', '已签收'],
    load: ['已下单', '已称重', '已装车', '已送达'],
    pickup: ['已下单', '已称重', '已提货'],
  };
  function stepOf(status, fulfilment) {
    const last = STEPS[fulfilment].length - 1;
    switch (status) {
      case 'pending': case 'confirmed': return 0;
      case 'weighed': return 1;
      case 'shipped': case 'loaded': return Math.min(2, last);
      case 'delivered': case 'settled': return last;
      default: return -1;
    }
  }

  /** 大字的状态和一句说明：用买家听得懂的话。 */
  function headline(o) {
    const f = o.fulfilment;
    const done = { parcel: '已签收', load: '已送达', pickup: '已提货' }[f] || '已送达';
    switch (o.status) {
      case 'pending': return ['等待确认', '订单已收到，村里会尽快和您确认。'];
      case 'confirmed': return ['已确认', '正在采摘、称重，称好后按实际重量算钱。'];
      case 'weighed':
        if (f === 'pickup') return ['可以提货了', '已经称好，请带上提货码到自提点提货。'];
        if (f === 'load') return ['已称重', '已经称好，等待装车送出。'];
        return ['已称重', '已经称好，正在打包，马上发货。'];
      case 'loaded': return ['已装车', '货已装车，正在送来的路上。'];
      case 'shipped': return ['已发货', '包裹在路上了，请留意快递员的电话。'];
      case 'delivered': return [done, f === 'pickup' ? '您已提货，祝您吃得满意！' : '已送到，祝您吃得满意！'];
      case 'settled': return ['已完成', '这张订单已完成，谢谢您支持村里的农产品！'];
      case 'cancelled': return ['已取消', '这张订单已取消，如有疑问请联系卖家。'];
      default: return [label('order_status', o.status), ''];
    }
  }

  function renderHero(o) {
    const [title, hint] = headline(o);
    $('status').textContent = title;
    $('status-hint').textContent = hint;
    $('hero').dataset.status = o.status;
    const steps = $('steps');
    const names = STEPS[o.fulfilment] || STEPS.parcel;
    const at = o.status === 'cancelled' ? -1 : stepOf(o.status, o.fulfilment in STEPS ? o.fulfilment : 'parcel');
    steps.hidden = at < 0;
    steps.replaceChildren(...names.map((name, i) => {
      const li = el('li', i < at ? 'done' : i === at ? 'done now' : '');
      li.appendChild(el('span', 'dot'));
      li.appendChild(el('span', 'step-name', name));
      if (i === at) li.setAttribute('aria-current', 'step');
      return li;
    }));
    $('number').textContent = o.number;
    $('placed').textContent = when(o.placed_at);
    $('fulfilment').textContent = label('fulfilment', o.fulfilment);
    const weighed = o.final_total_fen != null;
    $('amount-label').textContent = weighed ? '金额' : '预计金额';
    $('amount').textContent = yuan(weighed ? o.final_total_fen : o.total_fen);
  }

  function renderPickup(o) {
    const card = $('pickup-card');
    card.hidden = !o.pickup_point;
    if (!o.pickup_point) return;
    const p = o.pickup_point;
    $('pickup-name').textContent = p.name;
    $('pickup-address').textContent = p.address;
    $('pickup-hours').textContent = p.hours;
    const collected = !o.pickup_code;
    $('code-box').classList.toggle('collected', collected);
    $('pickup-code').textContent = o.pickup_code || '已提货';
    $('pickup-code-hint').textContent = collected
      ? (o.status === 'cancelled' ? '订单已取消，不用提货。' : '这张订单的货已经提走了。')
      : (o.status === 'weighed' ? '货已备好。提货时把这个号码给工作人员看。' : '称好重量后就可以提货。提货时把这个号码给工作人员看。');
  }

  async function copy(text, where) {
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) {
      const ta = el('textarea', 'offscreen');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.setAttribute('aria-hidden', 'true');
      document.body.appendChild(ta);
      ta.select();
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      ta.remove();
    }
    if (ok) {
      toast('已复制运单号 ' + text + '，可以到快递公司的公众号或小程序里查询。');
    } else {
      const range = document.createRange();
      range.selectNodeContents(where);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      toast('没能自动复制，请长按运单号，再点“复制”。');
    }
  }

  function renderParcels(o) {
    const card = $('parcels-card');
    card.hidden = o.fulfilment !== 'parcel' && o.parcels.length === 0;
    $('parcels-empty').hidden = o.parcels.length > 0 || o.status === 'cancelled';
    $('parcels').replaceChildren(...o.parcels.map((p, i) => {
      const li = el('li', 'parcel');
      li.dataset.testid = 'parcel';
      const head = el('div', 'parcel-head');
      head.appendChild(el('strong', 'carrier', p.carrier_name));
      head.appendChild(el('span', 'badge parcel-' + p.status, label('parcel_status', p.status)));
      li.appendChild(head);
      const track = el('div', 'track');
      const caption = el('span', 'track-label', '运单号');
      caption.id = 'track-label-' + i;
      track.appendChild(caption);
      if (p.tracking_no) {
        const no = el('span', 'track-no', p.tracking_no);
        no.dataset.testid = 'tracking-no';
        no.id = 'track-no-' + i;
        track.appendChild(no);
        const btn = el('button', 'btn small copy', '复制');
        btn.type = 'button';
        btn.dataset.testid = 'copy-tracking';
        btn.setAttribute('aria-label', '复制运单号 ' + p.tracking_no);
        btn.addEventListener('click', () => copy(p.tracking_no, no));
        track.appendChild(btn);
      } else {
        track.appendChild(el('span', 'track-none', '待填写'));
      }
      li.appendChild(track);
      const times = [];
      if (p.shipped_at) times.push('发货 ' + when(p.shipped_at));
      if (p.delivered_at) times.push('签收 ' + when(p.delivered_at));
      if (times.length) li.appendChild(el('p', 'muted', times.join('　·　')));
      return li;
    }));
  }

  function renderRecipient(o) {
    $('recipient-card').hidden = !o.recipient_name;
    if (!o.recipient_name) return;
    $('recipient-name').textContent = o.recipient_name;
    $('recipient-phone').textContent = o.recipient_phone || '';
    $('recipient-address').textContent = o.recipient_address || '';
  }

  function renderLines(o) {
    $('lines').replaceChildren(...o.lines.map((l) => {
      const li = el('li', 'line');
      li.dataset.testid = 'line';
      const head = el('div', 'line-head');
      head.appendChild(el('strong', 'product', l.product));
      head.appendChild(el('span', 'money', yuan(l.amount_fen)));
      li.appendChild(head);
      let qty;
      if (l.net_g != null) qty = '净重 ' + jin(l.net_g);
      else if (l.pricing === 'by_piece') qty = l.quantity + ' 件';
      else qty = '订了 ' + jin(l.quantity) + '，待称重';
      const q = el('p', 'qty', qty);
      q.dataset.testid = 'line-qty';
      li.appendChild(q);
      if (l.trace_paths.length) {
        const links = el('div', 'trace-links');
        l.trace_paths.forEach((path, i) => {
          const a = el('a', 'trace', l.trace_paths.length > 1 ? '第' + (i + 1) + '筐溯源' : '溯源');
          a.href = path;
          a.dataset.testid = 'trace-link';
          a.setAttribute('aria-label', l.product + (l.trace_paths.length > 1 ? '第' + (i + 1) + '筐' : '') + '的溯源信息');
          links.appendChild(a);
        });
        li.appendChild(links);
      }
      return li;
    }));
  }

  function renderCases(o) {
    $('cases-card').hidden = o.cases.length === 0;
    $('cases').replaceChildren(...o.cases.map((c) => {
      const li = el('li', 'case');
      li.dataset.testid = 'case';
      const head = el('div', 'case-head');
      head.appendChild(el('strong', null, label('case_reason', c.reason) + ' · ' + label('case_kind', c.kind)));
      const st = el('span', 'badge case-' + c.status, label('case_status', c.status));
      st.dataset.testid = 'case-status';
      head.appendChild(st);
      li.appendChild(head);
      li.appendChild(el('p', 'muted', '申请时间 ' + when(c.created_at) + '　·　照片 ' + c.photos + ' 张'));
      const answer = el('div', 'answer');
      answer.dataset.testid = 'case-answer';
      if (c.decision) {
        let text = '村里的答复：' + label('case_decision', c.decision);
        if (c.decided_fen != null && c.decided_fen > 0) text += '，退回 ' + yuan(c.decided_fen);
        answer.appendChild(el('p', 'decision', text));
        if (c.decision_reason) answer.appendChild(el('p', 'reason', '说明：' + c.decision_reason));
        if (c.decision === 'agreed' || c.decision === 'partly_agreed') {
          answer.appendChild(el('p', 'muted', '退款会按原来的付款方式退回，请留意到账。'));
        }
      } else if (c.status === 'open') {
        answer.appendChild(el('p', 'waiting', '村里正在处理，请耐心等待答复。'));
      } else {
        answer.appendChild(el('p', 'muted', '这个售后已经结束。'));
      }
      li.appendChild(answer);
      if (c.status === 'open' && c.photos < MAX_PHOTOS) li.appendChild(morePhotos(c));
      return li;
    }));
  }

  /** 处理中的售后可以补传照片（比如刚才网络不好没传上）。 */
  function morePhotos(c) {
    const box = el('div', 'more-photos');
    const input = el('input', 'file-input');
    input.type = 'file';
    input.accept = 'image/*';
    input.multiple = true;
    input.id = 'more-photos-' + c.id;
    input.dataset.testid = 'more-photos';
    const lab = el('label', 'btn small', '补传照片');
    lab.htmlFor = input.id;
    const status = el('p', 'muted');
    status.setAttribute('role', 'status');
    input.addEventListener('change', async () => {
      const files = Array.from(input.files || []);
      input.value = '';
      if (!files.length || busy) return;
      const room = MAX_PHOTOS - c.photos;
      const bad = files.map(photoProblem).find(Boolean);
      if (bad) { status.textContent = bad; return; }
      if (files.length > room) { status.textContent = '这个售后最多还能传 ' + room + ' 张照片。'; return; }
      busy = true;
      const failed = [];
      for (const [i, f] of files.entries()) {
        status.textContent = '正在上传照片（' + (i + 1) + '/' + files.length + '）…';
        const why = await upload(c.id, f);
        if (why) failed.push('第 ' + (i + 1) + ' 张：' + why);
      }
      busy = false;
      status.textContent = failed.length ? '有照片没传上。' + failed.join('；') : '照片已传好。';
      if (!failed.length) toast('照片已传好，谢谢！');
      await load();
    });
    box.appendChild(input);
    box.appendChild(lab);
    box.appendChild(status);
    return box;
  }

  // ------------------------------------------------------------------ 售后

  function claimHours(o) {
    if (!o.claim_until || !o.delivered_at) return 48;
    return Math.max(1, Math.round((Date.parse(o.claim_until) - Date.parse(o.delivered_at)) / 3600000));
  }

  /** 能不能在这里申请售后；不能的话说为什么。 */
  function renderClaim(o) {
    const card = $('claim-card');
    const form = $('claim-form');
    const state = $('claim-state');
    clearTimeout(windowTimer);
    if (o.status === 'cancelled') { card.hidden = true; return; }
    card.hidden = false;
    const got = o.fulfilment === 'pickup' ? '提货' : '签收';
    let why = '';
    let kind = '';
    if (!o.claim_until) {
      why = got + '后可申请售后。如果收到的东西有问题，' + got + '后' + claimHours(o) + '小时内可以在这里申请。';
      kind = 'later';
    } else if (Date.now() >= Date.parse(o.claim_until)) {
      why = '售后申请已截止（' + got + '后' + claimHours(o) + '小时内可申请）。如有问题，请直接联系卖家。';
      kind = 'closed';
    } else if (o.cases.some((c) => c.status === 'open')) {
      why = '这张订单已有售后正在处理中，村里答复之前不能再申请。答复会显示在上面的“我的售后”里。';
      kind = 'pending';
    }
    state.textContent = why;
    state.hidden = !why;
    state.className = 'claim-state ' + kind;
    state.dataset.kind = kind;
    form.hidden = Boolean(why);
    if (why) return;
    $('claim-until').textContent = '请在 ' + when(o.claim_until) + ' 前申请（' + got + '后' + claimHours(o) + '小时内）。';
    const total = o.final_total_fen == null ? o.total_fen : o.final_total_fen;
    $('claim-amount-hint').textContent = '本单金额 ' + yuan(total) + '，退款最多不超过这个数。';
    // 页面一直开着，到了截止时间就换成“已截止”。
    const left = Date.parse(o.claim_until) - Date.now();
    if (left < 2147483647) windowTimer = setTimeout(() => renderClaim(view), left + 500);
  }

  /** 一张照片的问题（中文），没问题是空串。 */
  function photoProblem(file, i) {
    const which = typeof i === 'number' ? '第 ' + (i + 1) + ' 张' : '这张';
    if (file.size > MAX_BYTES) return which + '照片太大（' + size(file.size) + '），每张不能超过 5 兆，请换一张或截图后再传。';
    if (file.type && !PHOTO_TYPES.includes(file.type)) return which + '不是常见的照片格式，请换一张手机拍的照片。';
    if (file.size === 0) return which + '照片是空的，请换一张。';
    return '';
  }

  function renderPhotos() {
    $('previews').replaceChildren(...photos.map((p, i) => {
      const li = el('li', 'preview');
      li.dataset.testid = 'preview';
      const img = el('img');
      img.src = p.url;
      img.alt = '第 ' + (i + 1) + ' 张照片';
      li.appendChild(img);
      const rm = el('button', 'remove', '×');
      rm.type = 'button';
      rm.setAttribute('aria-label', '删掉第 ' + (i + 1) + ' 张照片');
      rm.addEventListener('click', () => { photos.splice(i, 1); renderPhotos(); });
      li.appendChild(rm);
      return li;
    }));
    $('photos-count').textContent = photos.length
      ? '已选 ' + photos.length + ' 张，还能加 ' + (MAX_PHOTOS - photos.length) + ' 张。'
      : '最多 6 张，每张不超过 5 兆。拍下坏果、秤或包裹，村里处理得更快。';
    $('add-photo').hidden = photos.length >= MAX_PHOTOS;
  }

  function readAsDataUrl(file) {
    return new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.onerror = () => resolve('');
      r.readAsDataURL(file);
    });
  }

  async function addPhotos() {
    const input = $('claim-photos');
    const files = Array.from(input.files || []);
    input.value = '';
    const problems = [];
    for (const f of files) {
      if (photos.length >= MAX_PHOTOS) { problems.push('最多只能传 ' + MAX_PHOTOS + ' 张照片，多出来的没有加上。'); break; }
      const bad = photoProblem(f);
      if (bad) { problems.push(bad); continue; }
      photos.push({ file: f, url: await readAsDataUrl(f) });
    }
    renderPhotos();
    formError(problems);
  }

  function formError(lines, field) {
    const box = $('claim-error');
    document.querySelectorAll('#claim-form [aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    if (!lines || !lines.length) { box.hidden = true; box.replaceChildren(); return; }
    $('toast').hidden = true;
    box.replaceChildren(...lines.map((t) => el('p', null, t)));
    box.hidden = false;
    if (field) {
      const all = field.type === 'radio' ? document.querySelectorAll('input[name="' + field.name + '"]') : [field];
      all.forEach((f) => f.setAttribute('aria-invalid', 'true'));
      field.focus();
    }
    box.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  /** “12.5” → 1250 分；不对就是 null。 */
  function toFen(text) {
    const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
    if (!m) return null;
    return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  }

  function progress(text, done, total) {
    const box = $('claim-progress');
    box.hidden = !text;
    $('claim-progress-text').textContent = text || '';
    const bar = $('claim-progress-bar');
    bar.max = Math.max(1, total || 1);
    bar.value = done || 0;
  }

  const FIELD_NAMES = { reason: '问题', note: '说明', claimed_fen: '退款金额', photo: '照片' };

  /** 申请没成的原因（中文）。 */
  async function claimError(res) {
    const p = await problemOf(res);
    switch (res.status) {
      case 404: return '没有找到这张订单，链接可能已失效，请联系卖家。';
      case 409:
        if (p.code === 'claim_window_closed') return '已过售后期限，不能在这里申请了。如有问题，请直接联系卖家。';
        if (p.code === 'case_open') return '已有处理中的售后，请等村里答复后再申请。';
        if (p.code === 'order_cancelled') return '订单已取消，不能申请售后。';
        return '现在不能申请售后，请刷新页面看看。';
      case 413: return '照片太大，每张不能超过 5 兆。';
      case 422: {
        const tr = window.ZhunongMessages && window.ZhunongMessages.chineseFor;
        const parts = (p.errors || []).map((e) => (FIELD_NAMES[e.field] || '填写的内容') + '：' + ((tr && tr(e.message)) || '填写有误'));
        return parts.length ? '请改一下：' + parts.join('；') : '填写的内容不对，请检查一下。';
      }
      case 429: return waitText(res);
      default: return '提交没有成功，请稍后再试。';
    }
  }

  /** 传一张照片；成功返回空串，否则是中文的原因。 */
  async function upload(caseId, file) {
    let res;
    try {
      res = await fetch(API + '/claims/' + caseId + '/photos', {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json' },
        body: file,
      });
    } catch (e) {
      return '网络不通，没传上';
    }
    if (res.ok) return '';
    const p = await problemOf(res);
    switch (res.status) {
      case 413: return '照片太大（每张不能超过 5 兆）';
      case 422:
        if ((p.errors || []).some((e) => /at most \d+ photos/.test(e.message))) return '最多 ' + MAX_PHOTOS + ' 张照片';
        return '照片格式不对，请换一张';
      case 409: return '这个售后已经处理了，不能再加照片';
      case 429: return waitText(res).replace(/。$/, '');
      default: return '没传上，请稍后再试';
    }
  }

  async function submitClaim(e) {
    e.preventDefault();
    if (busy) return;
    $('claim-done').hidden = true;
    const reason = (document.querySelector('input[name=reason]:checked') || {}).value;
    if (!reason) { formError(['请先选择遇到了什么问题。'], document.querySelector('input[name=reason]')); return; }
    const amountInput = $('claim-amount');
    // 手机上可能打出全角的数字和点，或者带上“¥”“元”。
    const amountText = amountInput.value.trim()
      .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
      .replace(/[。．]/g, '.').replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '');
    let claimed = null;
    if (amountText) {
      claimed = toFen(amountText);
      if (claimed == null) { formError(['退款金额请填数字，最多两位小数，例如 12.50。'], amountInput); return; }
      if (claimed <= 0) { formError(['退款金额要大于 0，不想填可以空着。'], amountInput); return; }
      const total = view.final_total_fen == null ? view.total_fen : view.final_total_fen;
      if (total > 0 && claimed > total) { formError(['退款金额不能超过本单金额 ' + yuan(total) + '。'], amountInput); return; }
    }
    const note = $('claim-note').value.trim();
    formError([]);
    const body = { reason };
    if (note) body.note = note;
    if (claimed != null) body.claimed_fen = claimed;

    busy = true;
    const submit = $('claim-submit');
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    submit.textContent = '正在提交…';
    const steps = 1 + photos.length;
    progress('正在提交售后申请…', 0, steps);
    try {
      let res;
      try {
        res = await fetch(API + '/claims', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
        });
      } catch (err) {
        progress('');
        formError(['网络不通，没有提交成功，请稍后再试。']);
        return;
      }
      if (!res.ok) {
        progress('');
        const why = await claimError(res);
        formError([why]);
        if (res.status === 409) await load(); // 期限过了、已有售后：页面跟着变
        return;
      }
      const c = await res.json();
      const failed = [];
      for (const [i, p] of photos.entries()) {
        progress('申请已提交，正在上传照片（' + (i + 1) + '/' + photos.length + '）…', 1 + i, steps);
        const why = await upload(c.id, p.file);
        if (why) failed.push('第 ' + (i + 1) + ' 张' + (why.startsWith('照片') ? why.slice(2) : '：' + why));
      }
      progress('');
      const sent = photos.length - failed.length;
      photos = [];
      renderPhotos();
      $('claim-form').reset();
      const done = $('claim-done');
      done.replaceChildren(el('strong', null, '售后申请已提交！'),
        el('p', null, (sent ? '已传照片 ' + sent + ' 张。' : '') +
          '村里会尽快处理，答复会显示在“我的售后”里，请过些时候再打开这个链接看看。'));
      if (failed.length) {
        const warn = el('p', 'warn', '有照片没传上：' + failed.join('；') + '。可以在“我的售后”里点“补传照片”再试。');
        done.appendChild(warn);
      }
      done.hidden = false;
      await load();
      done.scrollIntoView({ block: 'start', behavior: 'smooth' });
    } finally {
      busy = false;
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
      submit.textContent = '提交售后申请';
    }
  }

  // ------------------------------------------------------------------ 打开

  function render(o) {
    view = o;
    renderHero(o);
    renderPickup(o);
    renderParcels(o);
    renderRecipient(o);
    renderLines(o);
    renderCases(o);
    renderClaim(o);
    $('loading').hidden = true;
    $('order').hidden = false;
  }

  async function load() {
    let res;
    try {
      res = await fetch(API, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    } catch (e) {
      $('loading').hidden = true;
      show('网络不通，请稍后再试。');
      return;
    }
    if (!res.ok) {
      $('loading').hidden = true;
      if (res.status === 404) show('没有找到这张订单，链接可能已失效，请联系卖家。');
      else if (res.status === 429) show(waitText(res).replace('操作', '查看'));
      else show('暂时打不开，请稍后再试。');
      return;
    }
    $('message').hidden = true;
    render(await res.json());
  }

  $('claim-photos').addEventListener('change', addPhotos);
  $('claim-form').addEventListener('submit', submitClaim);
  load();
})();
