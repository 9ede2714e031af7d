// 售后台：待处理的售后单按剩余时间排（超时的标红，写着超时多久），每单写着订单号、类型、原因、买家的
// 说明、申请金额和照片（点小图看大图）；一点即可答复：同意退款、部分退款（填金额）、拒绝（填买家能看到
// 的原因）、补寄（免费再发一份）。退款前先写明钱的变化：已收 X 元 → 退款后 Y 元。已答复、已关闭的单
// 可以关闭、重新打开（只能一次）。金额一律以“分”计算，只在显示时换算成元。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api } = o;
  const { run, showNotice, clientError, group, yuan } = window.Zhunong;

  const KIND = window.Zhunong.labelsOf('case_kind');
  const REASON = window.Zhunong.labelsOf('case_reason');
  const STATUS = window.Zhunong.labelsOf('case_status', ['open', 'answered', 'closed']);
  const DECISION = window.Zhunong.labelsOf('case_decision');

  /** 分 → “1,234.50 元”。 */
  const yuanText = (fen) => `${group(yuan(fen || 0))} 元`;
  const state = { status: 'open' };

  /** 剩余时间：超时的“已超时 3 小时”，其余“剩余 47 小时”（不到一小时按分钟说）。 */
  function timeLeft(c) {
    const s = c.seconds_left;
    if (s === null || s === undefined) return null;
    const a = Math.abs(s);
    const span = a >= 3600 ? `${Math.floor(a / 3600)} 小时` : `${Math.max(1, Math.floor(a / 60))} 分钟`;
    return c.overdue || s < 0 ? { text: `已超时 ${span}`, late: true } : { text: `剩余 ${span}`, late: false };
  }

  // ---------------------------------------------------------------- 照片

  const photoCache = new Map(); // "case/photo" → data: 地址（页面的安全策略只允许 data: 图片）

  /** 带登录凭据取回一张照片，换成 data: 地址。 */
  async function photoUrl(caseId, photoId) {
    const key = `${caseId}/${photoId}`;
    if (!photoCache.has(key)) {
      const blob = await api('GET', `/after-sales/${caseId}/photos/${photoId}`, undefined, { raw: true });
      const url = await new Promise((resolve, reject) => {
        const r = new FileReader();
        r.onload = () => resolve(r.result);
        r.onerror = () => reject(r.error);
        r.readAsDataURL(blob);
      });
      photoCache.set(key, url);
    }
    return photoCache.get(key);
  }

  let viewer = null;
  let returnFocus = null;
  function closeViewer() {
    if (!viewer || viewer.hidden) return;
    viewer.hidden = true;
    viewer.querySelector('img').removeAttribute('src');
    if (returnFocus) returnFocus.focus();
  }
  function openViewer(src, label, from) {
    if (!viewer) {
      const close = el('button', { type: 'button', class: 'btn', testid: 'photo-close', text: '关闭', onclick: closeViewer });
      viewer = el('div', { class: 'photo-viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': '照片', testid: 'photo-viewer', hidden: true,
        onclick: (ev) => { if (ev.target === viewer) closeViewer(); } },
      el('figure', {}, el('img', { testid: 'photo-big', alt: '' }), el('figcaption', {}, el('span', { class: 'caption' }), close)));
      document.body.append(viewer);
      document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeViewer(); });
    }
    returnFocus = from;
    const img = viewer.querySelector('img');
    img.src = src;
    img.alt = label;
    viewer.querySelector('.caption').textContent = label;
    viewer.hidden = false;
    viewer.querySelector('[data-testid=photo-close]').focus();
  }

  function photos(c) {
    if (!c.photo_ids.length) return el('p', { class: 'muted', text: '没有照片。' });
    const strip = el('div', { class: 'photo-strip', testid: `case-photos-${c.id}` });
    c.photo_ids.forEach((pid, i) => {
      const label = `${c.order_number} 的照片 ${i + 1}`;
      const img = el('img', { alt: label, class: 'thumb', testid: `case-thumb-${c.id}-${pid}` });
      const btn = el('button', { type: 'button', class: 'thumb-btn', 'aria-label': `看大图：${label}`, testid: `case-photo-${c.id}-${pid}`,
        onclick: () => run(null, async () => openViewer(await photoUrl(c.id, pid), label, btn)) }, img);
      strip.append(btn);
      photoUrl(c.id, pid).then((u) => { img.src = u; }).catch(() => { btn.replaceChildren(el('span', { class: 'muted', text: '照片取不到' })); });
    });
    return strip;
  }

  // ---------------------------------------------------------------- 答复

  /** 退款前写明的钱的变化。 */
  function effect(c, fen) {
    const after = c.paid_fen - fen;
    return `已收 ${yuanText(c.paid_fen)} → 退款后 ${yuanText(after)}`;
  }

  async function decide(c, body, done) {
    const r = await api('POST', `/after-sales/${c.id}/decide`, body);
    showNotice(done(r));
    await list();
  }

  /** 一种答复的确认面板（在售后单的按钮下面展开）。 */
  function panelFor(c, kind, close) {
    const reason = el('textarea', { rows: 2, name: 'reason', 'data-field': 'reason', testid: `decide-reason-${c.id}`, maxlength: 500,
      class: 'reason', 'aria-label': kind === 'reject' ? '拒绝原因' : '给买家的说明' });
    const cancel = el('button', { type: 'button', class: 'btn', testid: `decide-cancel-${c.id}`, text: '取消', onclick: close });
    const line = el('p', { class: 'effect', testid: `decide-effect-${c.id}` });
    const reasonText = () => reason.value.trim() || undefined;
    if (kind === 'agree') {
      line.textContent = effect(c, c.claimed_fen);
      const ok = el('button', { type: 'button', class: 'btn primary', testid: `decide-confirm-${c.id}`, text: `确认退款 ${yuanText(c.claimed_fen)}`,
        onclick: (ev) => run(ev.target, async () => {
          if (c.claimed_fen > c.paid_fen) throw clientError(`退款超过了已收金额（已收 ${yuanText(c.paid_fen)}）。`);
          await decide(c, { decision: 'agree', reason: reasonText() },
            (r) => `已同意退款 ${yuanText(r.decided_fen)}：${r.order_number} 已收款变为 ${yuanText(r.paid_fen)}。`);
        }) });
      return [el('h4', { text: `同意退款：退给买家 ${yuanText(c.claimed_fen)}（申请的全部金额）` }), line,
        el('label', {}, '给买家的说明（可不填）', reason), el('div', { class: 'btns' }, ok, cancel)];
    }
    if (kind === 'partly') {
      const amount = el('input', { inputmode: 'decimal', name: 'amount_fen', 'data-field': 'amount_fen', testid: `decide-amount-${c.id}`,
        class: 'amount', autocomplete: 'off', placeholder: '如 12.50' });
      const update = () => {
        const fen = o.fenOf(amount.value);
        line.classList.toggle('warn-text', Boolean(fen && fen > c.paid_fen));
        if (!amount.value.trim()) line.textContent = `已收 ${yuanText(c.paid_fen)}，请填写退款金额。`;
        else if (!fen) line.textContent = '请填写金额，如 12.50。';
        else if (fen > c.paid_fen) line.textContent = `${effect(c, fen)}：退款超过了已收金额，不能退。`;
        else line.textContent = effect(c, fen);
      };
      amount.addEventListener('input', update);
      update();
      const ok = el('button', { type: 'button', class: 'btn primary', testid: `decide-confirm-${c.id}`, text: '确认部分退款',
        onclick: (ev) => run(ev.target, async () => {
          amount.classList.remove('invalid');
          const fen = o.fenOf(amount.value);
          const bad = (msg) => { amount.classList.add('invalid'); return clientError(msg, [{ field: 'amount_fen', message: msg }]); };
          if (!fen) throw bad('请填写退款金额，如 12.50。');
          if (c.claimed_fen && fen >= c.claimed_fen) throw bad(`部分退款要少于申请的 ${yuanText(c.claimed_fen)}；全部退请点“同意退款”。`);
          if (fen > c.paid_fen) throw bad(`退款超过了已收金额（已收 ${yuanText(c.paid_fen)}）。`);
          await decide(c, { decision: 'partly_agree', amount_fen: fen, reason: reasonText() },
            (r) => `已部分退款 ${yuanText(r.decided_fen)}：${r.order_number} 已收款变为 ${yuanText(r.paid_fen)}。`);
        }) });
      return [el('h4', { text: c.claimed_fen ? `部分退款：买家申请 ${yuanText(c.claimed_fen)}` : '部分退款' }),
        el('label', {}, '退款金额（元）', amount), line,
        el('label', {}, '给买家的说明（可不填）', reason), el('div', { class: 'btns' }, ok, cancel)];
    }
    if (kind === 'reject') {
      reason.required = true;
      const ok = el('button', { type: 'button', class: 'btn danger', testid: `decide-confirm-${c.id}`, text: '确认拒绝',
        onclick: (ev) => run(ev.target, async () => {
          reason.classList.remove('invalid');
          if (!reasonText()) {
            reason.classList.add('invalid');
            throw clientError('请填写拒绝原因：买家会在自己的订单页看到。', [{ field: 'reason', message: '必填' }]);
          }
          await decide(c, { decision: 'reject', reason: reasonText() }, (r) => `已拒绝 ${r.order_number} 的售后申请。`);
        }) });
      return [el('h4', { text: '拒绝：不退款、不补寄' }),
        el('label', {}, '拒绝原因（必填，买家会看到）', reason), el('div', { class: 'btns' }, ok, cancel)];
    }
    const ok = el('button', { type: 'button', class: 'btn primary', testid: `decide-confirm-${c.id}`, text: '确认补寄',
      onclick: (ev) => run(ev.target, async () => {
        await decide(c, { decision: 'reship', reason: reasonText() },
          (r) => `已补寄：新下了一张免费订单 ${r.reship_order_id ? o.orderNumber(r.reship_order_id) : ''}，称重站照常称重发货。`);
      }) });
    return [el('h4', { text: '补寄：免费再发一份同样的货' }),
      el('p', { class: 'effect', text: '会新下一张免费的订单（不收钱、不退款），称重站照常称重、打包发货。' }),
      el('label', {}, '给买家的说明（可不填）', reason), el('div', { class: 'btns' }, ok, cancel)];
  }

  function decideButtons(c) {
    const panel = el('div', { class: 'decide-panel', testid: `decide-panel-${c.id}`, hidden: true });
    const buttons = [];
    const close = () => { panel.hidden = true; fill(panel); buttons.forEach((b) => b.setAttribute('aria-expanded', 'false')); };
    const open = (kind, btn) => {
      fill(panel, panelFor(c, kind, close));
      panel.hidden = false;
      buttons.forEach((b) => b.setAttribute('aria-expanded', String(b === btn)));
      const first = panel.querySelector('input, textarea, .btn.primary, .btn.danger');
      if (first) first.focus();
    };
    const button = (kind, text, cls, disabled) => {
      const b = el('button', { type: 'button', class: `btn ${cls}`, testid: `decide-${kind}-${c.id}`, text, disabled, 'aria-expanded': 'false',
        onclick: () => open(kind, b) });
      buttons.push(b);
      return b;
    };
    const noMoney = c.paid_fen <= 0;
    const row = el('div', { class: 'btns decide-buttons' },
      c.claimed_fen ? button('agree', '同意退款', 'primary', noMoney) : null,
      button('partly', '部分退款', '', noMoney),
      button('reject', '拒绝', 'danger'),
      button('reship', '补寄', ''));
    return [row, noMoney ? el('p', { class: 'muted', text: '这一单还没有收款，不能退款；可以拒绝或补寄。' }) : null, panel];
  }

  function answeredPart(c) {
    const what = DECISION[c.decision] || '';
    const money = c.decided_fen ? ` ${yuanText(c.decided_fen)}` : '';
    const parts = [el('div', { class: 'answer', testid: `case-answer-${c.id}` },
      el('p', {}, el('strong', { text: `答复：${what}${money}` }), c.decided_at ? el('span', { class: 'muted', text: `　${o.localTime(c.decided_at)}` }) : null),
      c.decision_reason ? el('p', { text: `给买家的说明：${c.decision_reason}` }) : null,
      c.reship_order_id ? el('p', {}, '补寄订单：', el('a', { href: `#orders?id=${c.reship_order_id}`, text: o.orderNumber(c.reship_order_id) })) : null)];
    const acts = [];
    if (c.status === 'answered') {
      acts.push(el('button', { type: 'button', class: 'btn', testid: `case-close-${c.id}`, text: '关闭',
        onclick: (ev) => run(ev.target, async () => {
          if (!window.confirm(`关闭 ${c.order_number} 的售后单？关闭后还可以重新打开一次。`)) return;
          await api('POST', `/after-sales/${c.id}/close`, {});
          showNotice(`${c.order_number} 的售后单已关闭。`);
          await list();
        }) }));
    }
    if (!c.reopened) {
      acts.push(el('button', { type: 'button', class: 'btn', testid: `case-reopen-${c.id}`, text: '重新打开',
        onclick: (ev) => run(ev.target, async () => {
          if (!window.confirm(`重新打开 ${c.order_number} 的售后单？每张售后单只能重新打开一次，打开后要重新答复。`)) return;
          await api('POST', `/after-sales/${c.id}/reopen`, {});
          showNotice(`${c.order_number} 的售后单已重新打开，请在期限内重新答复。`);
          await list();
        }) }));
    } else {
      parts.push(el('p', { class: 'muted', text: '这张售后单已经重新打开过一次，不能再打开。' }));
    }
    if (acts.length) parts.push(el('div', { class: 'btns' }, acts));
    return parts;
  }

  function caseCard(c) {
    const left = timeLeft(c);
    const claimed = [
      c.claimed_fen ? `申请退款 ${yuanText(c.claimed_fen)}` : '没有写申请金额',
      c.claimed_g ? `涉及 ${o.jin(c.claimed_g)}` : null,
      c.claimed_count ? `涉及 ${c.claimed_count} 件` : null,
    ].filter(Boolean).join('，');
    return el('article', { class: `card case${left && left.late ? ' late' : ''}`, testid: `case-${c.id}` },
      el('div', { class: 'case-head' },
        el('h3', {}, el('a', { href: `#orders?id=${c.order_id}`, testid: `case-order-${c.id}`, text: c.order_number }),
          ' ', el('span', { class: 'badge', text: KIND[c.kind] || '' }), ' ', el('span', { class: 'badge', text: REASON[c.reason] || '' })),
        left ? el('span', { class: `time-left${left.late ? ' late' : ''}`, testid: `case-left-${c.id}`, text: left.text })
          : el('span', { class: 'badge', testid: `case-status-${c.id}`, text: STATUS[c.status] || '' })),
      el('dl', { class: 'case-facts' },
        el('dt', { text: '买家说明' }), el('dd', { testid: `case-note-${c.id}`, text: c.note || '（没有写）' }),
        el('dt', { text: '申请' }), el('dd', { testid: `case-claimed-${c.id}`, text: claimed }),
        el('dt', { text: '已收款' }), el('dd', { testid: `case-paid-${c.id}`, text: yuanText(c.paid_fen) }),
        el('dt', { text: '提出' }), el('dd', { text: `${c.opened_by_buyer ? '买家在订单页提交' : '工作人员登记'}，${o.localTime(c.created_at)}` }),
        c.status === 'open' ? el('dt', { text: '答复期限' }) : null,
        c.status === 'open' ? el('dd', { text: o.localTime(c.deadline_at) + (c.reopened ? '（已重新打开）' : '') }) : null),
      photos(c),
      c.status === 'open' ? decideButtons(c) : answeredPart(c));
  }

  // ---------------------------------------------------------------- 列表

  async function list() {
    const all = await Promise.all(Object.keys(STATUS).map((s) => api('GET', `/after-sales?status=${s}`)));
    const by = Object.fromEntries(Object.keys(STATUS).map((s, i) => [s, all[i]]));
    fill($('cases-tabs'), Object.entries(STATUS).map(([s, text]) => el('button', {
      type: 'button', role: 'tab', class: `tab${s === state.status ? ' current' : ''}`, testid: `cases-tab-${s}`,
      'aria-selected': s === state.status ? 'true' : 'false',
      onclick: () => { location.hash = `#aftersales?status=${s}`; },
    }, text, ' ', el('span', { class: 'count', testid: `cases-count-${s}`, text: String(by[s].length) }))));
    let cases = by[state.status];
    if (state.status === 'open') {
      // 剩余时间最少的在前（超时最久的最前）。
      cases = [...cases].sort((a, b) => (a.seconds_left ?? 0) - (b.seconds_left ?? 0));
    }
    const late = state.status === 'open' ? cases.filter((c) => c.overdue).length : 0;
    $('cases-summary').textContent = state.status === 'open'
      ? (cases.length ? `待处理 ${cases.length} 单${late ? `，其中 ${late} 单已超时，请先处理` : ''}。` : '')
      : '';
    $('cases-summary').classList.toggle('warn-text', late > 0);
    const empty = { open: '没有待处理的售后单。', answered: '没有已答复、待关闭的售后单。', closed: '没有已关闭的售后单。' }[state.status];
    fill($('cases'), cases.length ? cases.map(caseCard) : el('p', { class: 'card empty', testid: 'cases-empty', text: empty }));
  }

  async function show(params) {
    const s = params.get('status');
    state.status = STATUS[s] ? s : 'open';
    await run(null, list);
  }

  o.register('aftersales', { show });
})();
