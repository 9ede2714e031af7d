// 称重装车页面（station 角色）。纯 JavaScript，无框架、无构建步骤、无外部资源；共用部分在 common.js。
// 所有金额以“分”、所有重量以“克”的整数计算；界面上的斤/公斤/元只在显示和输入时换算。
'use strict';

(() => {
  const {
    $, el, fill, halfWidth, fixed, money, weightAmountFen, pad2,
    clearMessage, showError, showNotice, clientError, session, api, run, toLogin, onLogin,
  } = window.Zhunong;

  const TOKEN_KEY = 'zhunong.station.token';
  const SCALE_KEY = 'zhunong.station.scale_id';
  const UNIT_KEY = 'zhunong.station.unit';

  // ---------------------------------------------------------------- 文本

  const ORDER_STATUS = {
    pending: '待确认', confirmed: '已确认（待称重）', weighed: '已称重', loaded: '已装车',
    delivered: '已送达', settled: '已结算', cancelled: '已取消',
  };
  const LOAD_STATUS = { open: '装车中', loaded: '已装车', departed: '已发车', delivered: '已送达' };

  // 服务器错误码 → 页面用语（服务器的 detail 另行显示在下方）。
  const CODE_TEXT = {
    ...window.Zhunong.CODE_TEXT,
    not_weighable: '该订单现在不能称重（未确认、已取消、已装车或已在车上）。',
    stock_shortfall: '库存不足：称得的重量比订购的多，批次剩余库存不够，本次称重未记录。',
    over_capacity: '超出车辆载重，不能再装这个订单。',
    weights_not_approved: '超出允许误差，需书记审批后才能装车。',
    not_weighed: '订单还没有称重，不能装车。',
    already_on_a_load: '该订单已经在另一辆车上。',
    load_not_open: '这辆车已不在装车中，订单不能再改动。',
    invalid_transition: '当前状态下不能进行这个操作。',
  };

  const FIELD_TEXT = {
    username: '用户名', password: '密码', plate: '车牌', driver_name: '司机姓名',
    driver_phone: '司机电话', destination: '目的地', planned_date: '计划日期',
    capacity_kg: '载重', scale_id: '秤号', crates: '称重箱', order_line_id: '订单行',
    order_id: '订单', note: '备注',
  };

  function fieldLabel(field) {
    const m = /^crates\[(\d+)\](?:\.(gross_g|tare_g))?$/.exec(field || '');
    if (m) {
      const part = m[2] === 'gross_g' ? '毛重' : m[2] === 'tare_g' ? '皮重' : '';
      return `第 ${Number(m[1]) + 1} 箱${part}`;
    }
    return FIELD_TEXT[field] || field;
  }

  window.Zhunong.configure({
    tokenKey: TOKEN_KEY,
    roles: ['station', 'secretary', 'admin'],
    refused: (username, role) => `账号 ${username}（${role}）不能使用称重装车页面，请用称重站账号登录。`,
    afterLogin: toApp,
    showLogin() {
      $('app-view').hidden = true;
      $('who').hidden = true;
      $('login-view').hidden = false;
    },
    codeText: CODE_TEXT,
    fieldLabel,
    // 库存不足时列出各批次的缺口。
    problemExtra: (problem) => (Array.isArray(problem.shortages) && problem.shortages.length
      ? el('ul', {}, problem.shortages.map((s) => el('li', { text: `批次 ${s.batch_id}：需要 ${s.requested}，剩余 ${s.available}` })))
      : null),
  });

  // ---------------------------------------------------------------- DOM

  function badge(kind, status, testid) {
    const text = (kind === 'load' ? LOAD_STATUS : ORDER_STATUS)[status] || status;
    return el('span', { class: `badge s-${status}`, testid, 'data-status': status, text });
  }

  function kv(pairs) {
    const dl = el('dl', { class: 'kv' });
    for (const [k, v, testid] of pairs) {
      if (v === null || v === undefined) continue;
      dl.append(el('dt', { text: k }), el('dd', { testid }, v));
    }
    return dl;
  }

  // ---------------------------------------------------------------- 数字（整数运算）

  /** 把“6”“5.7”“0.35”按单位换成整数克（四舍五入到克）。空串返回 {empty:true}。 */
  function parseGrams(text, u) {
    const s = halfWidth(text).trim();
    if (s === '') return { empty: true };
    const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
    if (!m || (m[1] === '' && !m[2])) return { error: '不是有效的数字' };
    const frac = (m[2] || '').slice(0, 12);
    const scale = 10n ** BigInt(frac.length);
    const whole = BigInt(m[1] || '0') * scale + BigInt(frac || '0');
    const factor = u === 'kg' ? 1000n : 500n;
    const grams = (whole * factor * 2n + scale) / (2n * scale); // 四舍五入
    if (grams > BigInt(Number.MAX_SAFE_INTEGER)) return { error: '数字太大' };
    return { g: Number(grams) };
  }

  const jin = (g) => fixed(g, 500, 2);
  function kg(g) {
    // 最多 3 位小数，至少 2 位：4850 g → 4.85，3000 g → 3.00，2351 g → 2.351
    return fixed(g, 1000, 3).replace(/(\.\d\d)0$/, '$1');
  }

  /** 用当前单位显示克数（无损：克换斤/公斤最多 3 位小数）。 */
  function gramsInUnit(g, u) {
    const s = fixed(g, u === 'kg' ? 1000 : 500, 3);
    return s.replace(/\.?0+$/, '');
  }

  const unitName = (u) => (u === 'kg' ? '公斤' : '斤');
  const weightText = (g) => `${jin(g)} 斤（${kg(g)} 公斤）`;

  function orderNumber(id) {
    return 'ZN' + String(id).padStart(6, '0');
  }

  function normalizeNumber(text) {
    const s = String(text || '').trim().toUpperCase().replace(/\s+/g, '');
    if (/^\d+$/.test(s)) return 'ZN' + s.padStart(6, '0');
    return s;
  }

  function localDate(d = new Date()) {
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  }

  function timeText(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso || '';
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    return localDate(d) === localDate() ? hm : `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
  }

  // ---------------------------------------------------------------- 登录后

  function toApp() {
    const s = session();
    if (!s) return toLogin();
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = s.username;
    selectTab(sessionStorage.getItem('zhunong.station.tab') || 'weigh');
    return undefined;
  }

  // ---------------------------------------------------------------- 标签页

  function selectTab(name) {
    for (const t of document.querySelectorAll('.tab')) t.setAttribute('aria-selected', String(t.dataset.tab === name));
    $('weigh-view').hidden = name !== 'weigh';
    $('load-view').hidden = name !== 'load';
    sessionStorage.setItem('zhunong.station.tab', name);
    if (name === 'weigh') run(null, loadConfirmed);
    else run(null, async () => { await loadOpenLoads(); await loadWeighedChoices(); });
  }

  // ---------------------------------------------------------------- 称重

  let unit = localStorage.getItem(UNIT_KEY) === 'kg' ? 'kg' : 'jin';
  let sheet = null;
  /** line_id → [{gross, tare}]（输入框里的原样文本，按当前单位）。 */
  let crates = new Map();

  async function loadConfirmed() {
    const r = await api('GET', '/orders?status=confirmed&per_page=50');
    const sel = $('confirmed-orders');
    const keep = sel.value;
    sel.replaceChildren(el('option', { value: '', text: r.items.length ? `— 待称重订单（${r.total}）—` : '— 没有待称重订单 —' }));
    for (const o of r.items) {
      sel.append(el('option', { value: o.number, text: `${o.number} · ${money(o.total_fen)}` }));
    }
    if (keep && r.items.some((o) => o.number === keep)) sel.value = keep;
  }

  async function findOrder(numberText) {
    const number = normalizeNumber(numberText);
    if (!number) throw clientError('请输入订单号，如 ZN000001。');
    $('order-number').value = number;
    let order;
    try {
      order = await api('GET', `/orders/by-number/${encodeURIComponent(number)}`);
    } catch (err) {
      if (err.status === 404) throw clientError(`没有找到订单 ${number}。`);
      throw err;
    }
    return order;
  }

  async function openOrder(numberText) {
    clearMessage();
    const order = await findOrder(numberText);
    $('weigh-result').hidden = true;
    await openSheet(order.id, true);
  }

  async function openSheet(orderId, fresh) {
    const s = await api('GET', `/orders/${orderId}/weighing-sheet`);
    if (fresh || !sheet || sheet.order.id !== s.order.id) crates = new Map();
    sheet = s;
    for (const line of s.lines) if (!crates.has(line.line_id)) crates.set(line.line_id, [{ gross: '', tare: '' }]);
    renderSheet();
  }

  const weighable = (o) => (o.status === 'confirmed' || o.status === 'weighed') && o.load_id === null;

  function renderSheet() {
    const o = sheet.order;
    const head = $('sheet-head');
    fill(head,
      el('div', { class: 'row spread' },
        el('h2', { testid: 'sheet-number', text: o.number }),
        badge('order', o.status, 'sheet-status')),
      kv([
        ['买家', sheet.buyer_name, 'sheet-buyer'],
        ['下单金额', el('span', { class: 'money', text: money(o.total_fen) })],
        ['称后合计', o.final_total_fen === null ? '尚未称完' : el('span', { class: 'money', text: money(o.final_total_fen) }), 'sheet-final-total'],
        ['装车', o.load_id === null ? null : `第 ${o.load_id} 车`],
      ]),
      o.weights_flagged && !o.weights_approved
        ? el('div', { class: 'warn', testid: 'sheet-warning', text: '超出允许误差，需书记审批后才能装车' }) : null,
      o.weights_flagged && o.weights_approved
        ? el('div', { class: 'muted', text: '重量超出误差，已由书记审批。' }) : null,
      weighable(o) ? null : el('div', { class: 'muted', testid: 'sheet-not-weighable',
        text: o.load_id !== null ? '订单已在车上，不能再称重（先从车上移除）。' : `订单${ORDER_STATUS[o.status] || o.status}，不能称重。` }),
    );
    $('sheet-lines').replaceChildren(...sheet.lines.map((l) => renderLine(l, weighable(o))));
    $('sheet').hidden = false;
  }

  function renderLine(line, canWeigh) {
    const byWeight = line.pricing === 'by_weight';
    const pieceUnit = line.unit_label || '件';
    const qty = byWeight ? `${jin(line.quantity)} 斤（${line.quantity} 克）` : `${line.quantity} ${pieceUnit}`;
    const price = `${money(line.unit_price_fen)} / ${byWeight ? '斤' : pieceUnit}`;
    const live = line.tickets.filter((t) => !t.voided);

    const card = el('article', { class: 'card line', testid: `line-${line.line_id}`, 'data-line-id': line.line_id },
      el('h3', {}, el('span', { testid: 'product', text: line.product_name }), el('span', { class: 'muted', text: `第 ${line.line_no} 行` })),
      kv([
        ['订购', qty, 'ordered'],
        ['单价', price, 'price'],
        ['下单金额', money(line.amount_fen)],
        ['已称净重', line.weighed_g === null ? '未称重' : weightText(line.weighed_g), 'weighed'],
        ['称后金额', line.final_amount_fen === null ? null : el('span', { class: 'money', text: money(line.final_amount_fen) }), 'final-amount'],
      ]),
      byWeight ? null : el('div', { class: 'muted', text: '按件计价：金额按件数计算，称重只作记录。' }),
      line.flagged ? el('div', { class: 'warn', testid: 'line-flagged', text: '本行重量超出允许误差' }) : null,
    );

    if (line.tickets.length) {
      card.append(el('div', { class: 'scroll' }, el('table', { class: 'tickets', testid: 'tickets' },
        el('caption', { class: 'muted', text: '已称磅单（重量单位：斤）' }),
        el('thead', {}, el('tr', {}, ['磅单', '毛重', '皮重', '净重', '秤', '时间'].map((h) => el('th', { text: h })))),
        el('tbody', {}, line.tickets.map((t) => el('tr', { class: t.voided ? 'voided' : null, title: t.voided ? '已作废' : null },
          el('td', { text: `#${t.id}${t.voided ? ' 作废' : ''}` }),
          el('td', { text: jin(t.gross_g) }), el('td', { text: jin(t.tare_g) }), el('td', { text: jin(t.net_g) }),
          el('td', { text: t.scale_id }), el('td', { text: timeText(t.weighed_at) })))))));
      if (live.length !== line.tickets.length) card.append(el('div', { class: 'muted', text: '划线的磅单已作废，不计入重量。' }));
    }

    if (canWeigh) card.append(renderCrates(line));
    return card;
  }

  function renderCrates(line) {
    const rows = crates.get(line.line_id);
    const box = el('div', { class: 'crates', testid: 'crates' });
    box.append(el('div', { class: 'label', text: line.weighed_g === null ? '称重（每箱一行）' : '补称（每箱一行，与已称的合计）' }));
    rows.forEach((r, i) => {
      const gross = el('input', { inputmode: 'decimal', autocomplete: 'off', id: `gross-${line.line_id}-${i}`, testid: `gross-${i}`, value: r.gross,
        oninput: (e) => { r.gross = e.target.value; updatePreview(line.line_id); } });
      const tare = el('input', { inputmode: 'decimal', autocomplete: 'off', id: `tare-${line.line_id}-${i}`, testid: `tare-${i}`, value: r.tare,
        oninput: (e) => { r.tare = e.target.value; updatePreview(line.line_id); } });
      box.append(el('div', { class: 'crate', testid: `crate-${i}` },
        el('span', { class: 'no', text: `${i + 1}` }),
        el('div', {}, el('label', { for: gross.id, text: `毛重（${unitName(unit)}）` }), gross),
        el('div', {}, el('label', { for: tare.id, text: `皮重（${unitName(unit)}）` }), tare),
        el('button', { type: 'button', class: 'remove', 'aria-label': `删除第 ${i + 1} 箱`, testid: `remove-crate-${i}`, text: '×',
          disabled: rows.length === 1 ? true : null,
          onclick: () => { rows.splice(i, 1); rerenderLine(line.line_id); } }),
        el('div', { class: 'net', testid: `net-${i}` })));
    });
    box.append(el('button', { type: 'button', class: 'btn block', testid: 'add-crate', text: '＋ 再加一箱',
      onclick: () => {
        rows.push({ gross: '', tare: rows.length ? rows[rows.length - 1].tare : '' });
        rerenderLine(line.line_id);
        const input = document.getElementById(`gross-${line.line_id}-${rows.length - 1}`);
        if (input) input.focus();
      } }));
    box.append(el('div', { class: 'preview', testid: 'preview' },
      el('div', {}, '本次净重：', el('span', { class: 'money', testid: 'preview-net', text: '—' })),
      el('div', { testid: 'preview-total-row', hidden: true }, '合计净重（含已称）：', el('span', { class: 'money', testid: 'preview-total-net' })),
      el('div', { testid: 'preview-diff', class: 'muted' }),
      el('div', {}, '预计金额：', el('span', { class: 'money amount', testid: 'preview-amount', text: '—' }))));
    box.append(el('button', { type: 'button', class: 'btn primary block', testid: 'confirm-weigh', text: '确认称重',
      onclick: (e) => run(e.currentTarget, () => submitWeigh(line.line_id)) }));
    queueMicrotask(() => updatePreview(line.line_id));
    return box;
  }

  function lineById(lineId) {
    return sheet && sheet.lines.find((l) => l.line_id === lineId);
  }

  function rerenderLine(lineId) {
    const line = lineById(lineId);
    const old = document.querySelector(`[data-line-id="${lineId}"]`);
    if (line && old) old.replaceWith(renderLine(line, weighable(sheet.order)));
  }

  /** 检查一箱的输入；返回 {gross_g, tare_g, net_g} 或 {error}，空行返回 null。 */
  function crateValue(r) {
    const g = parseGrams(r.gross, unit);
    const t = parseGrams(r.tare, unit);
    if (g.empty && t.empty) return null;
    if (g.empty) return { error: '请输入毛重' };
    if (g.error) return { error: `毛重${g.error}` };
    if (t.error) return { error: `皮重${t.error}` };
    const tare = t.empty ? 0 : t.g;
    if (g.g <= 0) return { error: '毛重必须大于 0' };
    if (tare >= g.g) return { error: '皮重必须小于毛重' };
    return { gross_g: g.g, tare_g: tare, net_g: g.g - tare };
  }

  function updatePreview(lineId) {
    const line = lineById(lineId);
    const card = document.querySelector(`[data-line-id="${lineId}"]`);
    if (!line || !card) return;
    const q = (tid) => card.querySelector(`[data-testid="${tid}"]`);
    let net = 0;
    let any = false;
    let bad = false;
    crates.get(lineId).forEach((r, i) => {
      const v = crateValue(r);
      const out = q(`net-${i}`);
      if (!out) return;
      out.classList.toggle('bad', Boolean(v && v.error));
      if (!v) { out.textContent = ''; return; }
      if (v.error) { out.textContent = v.error; bad = true; return; }
      any = true;
      net += v.net_g;
      out.textContent = `净重 ${weightText(v.net_g)}`;
    });
    const existing = line.tickets.filter((t) => !t.voided).reduce((s, t) => s + t.net_g, 0);
    const total = existing + net;
    q('preview-net').textContent = any ? weightText(net) : '—';
    const totalRow = q('preview-total-row');
    totalRow.hidden = !(any && existing > 0);
    q('preview-total-net').textContent = weightText(total);
    const diff = q('preview-diff');
    if (any && line.pricing === 'by_weight' && line.quantity > 0) {
      const d = total - line.quantity;
      const pct = fixed(Math.abs(d) * 100, line.quantity, 1);
      diff.textContent = d === 0 ? '与订购量相同' : `比订购量${d > 0 ? '多' : '少'} ${jin(Math.abs(d))} 斤（${pct}%）`;
    } else {
      diff.textContent = '';
    }
    const amount = line.pricing === 'by_weight' ? weightAmountFen(total, line.unit_price_fen) : line.amount_fen;
    q('preview-amount').textContent = any ? money(amount) : '—';
    q('confirm-weigh').toggleAttribute('data-invalid', bad || !any);
  }

  async function submitWeigh(lineId) {
    clearMessage();
    const rows = crates.get(lineId);
    const body = [];
    const errors = [];
    rows.forEach((r, i) => {
      const v = crateValue(r);
      if (!v) return;
      if (v.error) errors.push({ field: `crates[${i}]`, message: v.error });
      else body.push({ gross_g: v.gross_g, tare_g: v.tare_g });
    });
    if (errors.length) throw clientError('有箱子的重量不正确。', errors);
    if (!body.length) throw clientError('请至少输入一箱的毛重。');
    const scaleId = $('scale-id').value.trim();
    if (!scaleId) throw clientError('请填写秤号。', [{ field: 'scale_id', message: '不能为空' }]);
    const r = await api('POST', '/weighings', { order_line_id: lineId, scale_id: scaleId, crates: body });
    crates.set(lineId, [{ gross: '', tare: '' }]);
    showResult(r, lineId);
    await openSheet(r.order.id, false);
    run(null, loadConfirmed);
  }

  function showResult(r, lineId) {
    const o = r.order;
    const line = o.lines.find((l) => l.line_id === lineId) || {};
    const sheetLine = lineById(lineId);
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
        ['订单称后合计', o.final_total_fen === null ? '还有未称重的行'
          : el('span', { class: 'money', text: money(o.final_total_fen) }), 'result-final-total'],
      ]),
      flaggedWaiting ? el('div', { class: 'warn', testid: 'result-warning', text: '超出允许误差，需书记审批后才能装车' }) : null,
    );
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  function setUnit(next) {
    if (next === unit) return;
    // 已输入的数字换算成新单位（先按旧单位换成克，再显示成新单位），重量不变。
    for (const rows of crates.values()) {
      for (const r of rows) {
        for (const k of ['gross', 'tare']) {
          const p = parseGrams(r[k], unit);
          if (p.g !== undefined) r[k] = gramsInUnit(p.g, next);
        }
      }
    }
    unit = next;
    localStorage.setItem(UNIT_KEY, unit);
    if (sheet) renderSheet();
  }

  // ---------------------------------------------------------------- 装车

  let currentLoad = null;
  let loadRender = 0;

  async function loadOpenLoads() {
    const r = await api('GET', '/loads?status=open&per_page=50');
    const ul = $('open-loads');
    ul.replaceChildren();
    if (!r.items.length) ul.append(el('li', { class: 'empty', text: '没有装车中的车辆，请先新建装车单。' }));
    for (const l of r.items) {
      ul.append(el('li', {}, el('button', {
        type: 'button', class: `load-item${currentLoad && currentLoad.id === l.id ? ' current' : ''}`,
        testid: `open-load-${l.id}`, onclick: (e) => run(e.currentTarget, () => selectLoad(l.id)),
      },
      el('span', {}, el('strong', { text: `第 ${l.id} 车 · ${l.plate}` }), el('br'),
        el('span', { class: 'muted', text: `${l.destination} · ${l.planned_date} · ${l.order_ids.length} 单` })),
      el('span', { class: 'money', text: `${kg(l.total_net_g)}${l.capacity_kg === null ? '' : ` / ${l.capacity_kg}`} 公斤` }))));
    }
  }

  async function loadWeighedChoices() {
    const sel = $('weighed-orders');
    if (!sel) return;
    const r = await api('GET', '/orders?status=weighed&per_page=50');
    const free = r.items.filter((o) => o.load_id === null);
    sel.replaceChildren(el('option', { value: '', text: free.length ? '— 已称重、未装车的订单 —' : '— 没有可装车的订单 —' }));
    for (const o of free) {
      const net = o.lines.reduce((s, l) => s + (l.weighed_g || 0), 0);
      const warn = o.weights_flagged && !o.weights_approved ? ' · 待审批' : '';
      sel.append(el('option', { value: o.number, text: `${o.number} · ${kg(net)} 公斤${warn}` }));
    }
  }

  async function selectLoad(id) {
    clearMessage();
    currentLoad = await api('GET', `/loads/${id}`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function createLoad(ev) {
    ev.preventDefault();
    clearMessage();
    const val = (id) => $(id).value.trim();
    const body = {
      plate: val('load-plate'), driver_name: val('load-driver'), driver_phone: val('load-phone'),
      destination: val('load-destination'), planned_date: val('load-date'),
    };
    const errors = [];
    for (const [k, v] of Object.entries(body)) if (!v) errors.push({ field: k, message: '不能为空' });
    const cap = val('load-capacity');
    if (cap !== '') {
      if (!/^\d+$/.test(cap) || Number(cap) <= 0) errors.push({ field: 'capacity_kg', message: '请填写正整数公斤数，或留空' });
      else body.capacity_kg = Number(cap);
    }
    if (errors.length) { showError(clientError('请把装车单填写完整。', errors)); return; }
    await run($('create-load'), async () => {
      currentLoad = await api('POST', '/loads', body);
      showNotice(`已新建第 ${currentLoad.id} 车（${currentLoad.plate}）`);
      for (const id of ['load-plate', 'load-driver', 'load-phone', 'load-destination', 'load-capacity']) $(id).value = '';
      $('new-load-box').open = false;
      await renderLoad();
      await loadOpenLoads();
    });
  }

  async function renderLoad() {
    const l = currentLoad;
    const box = $('load-detail');
    if (!l) { box.hidden = true; return; }
    const ticket = ++loadRender;
    const open = l.status === 'open';
    const orders = await Promise.all(l.order_ids.map((id) => api('GET', `/orders/${id}`).catch(() => null)));
    if (ticket !== loadRender) return;

    const capKg = l.capacity_kg;
    const capbar = capKg === null ? null : el('div', { class: `capbar${l.total_net_g > capKg * 1000 ? ' over' : ''}` },
      el('span', { style: `width:${Math.min(100, capKg > 0 ? (l.total_net_g / (capKg * 10)) : 0).toFixed(1)}%` }));

    fill(box,
      el('div', { class: 'row spread' },
        el('h2', { testid: 'load-title', text: `第 ${l.id} 车 · ${l.plate}` }),
        badge('load', l.status, 'load-status')),
      kv([
        ['司机', `${l.driver_name} ${l.driver_phone}`],
        ['目的地', l.destination],
        ['计划日期', l.planned_date],
        ['总净重', el('span', { class: 'money', text: `${kg(l.total_net_g)} 公斤` }), 'load-total'],
        ['载重', capKg === null ? '未设定' : `${capKg} 公斤（剩余 ${kg(Math.max(0, capKg * 1000 - l.total_net_g))} 公斤）`, 'load-capacity-text'],
      ]),
      capbar,
      el('h3', { style: 'margin-top:12px', text: `订单（${l.order_ids.length}）` }),
      el('ul', { class: 'list', testid: 'load-orders' },
        l.order_ids.length ? l.order_ids.map((id, i) => {
          const o = orders[i];
          const net = o ? o.lines.reduce((s, x) => s + (x.weighed_g || 0), 0) : null;
          return el('li', { class: 'order-row', testid: `load-order-${id}` },
            el('div', { class: 'info' },
              el('strong', { text: o ? o.number : orderNumber(id) }), ' ',
              o ? badge('order', o.status) : null, el('br'),
              el('span', { class: 'muted', text: o ? `${kg(net)} 公斤 · ${o.final_total_fen === null ? '—' : money(o.final_total_fen)}` : '' })),
            open ? el('button', { type: 'button', class: 'btn small danger', testid: `remove-order-${id}`, text: '移除',
              onclick: (e) => run(e.currentTarget, () => removeOrder(id)) }) : null);
        }) : el('li', { class: 'empty', text: '还没有订单。' })),
      open ? el('form', { testid: 'add-order-form', onsubmit: (e) => { e.preventDefault(); run($('add-order'), () => addOrder($('add-order-number').value)); } },
        el('label', { for: 'add-order-number', text: '加入订单（订单号）' }),
        el('div', { class: 'row' },
          el('input', { id: 'add-order-number', testid: 'add-order-number', placeholder: '如 ZN000001', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }),
          el('button', { type: 'submit', id: 'add-order', class: 'btn primary', testid: 'add-order', text: '加入' })),
        el('label', { for: 'weighed-orders', text: '或选择已称重的订单' }),
        el('select', { id: 'weighed-orders', testid: 'weighed-orders',
          onchange: (e) => { if (e.target.value) $('add-order-number').value = e.target.value; } })) : null,
      el('div', { class: 'btns' },
        open ? el('button', { type: 'button', class: 'btn primary', testid: 'mark-loaded', text: '标记已装车',
          disabled: l.order_ids.length === 0 ? true : null,
          onclick: (e) => run(e.currentTarget, markLoaded) }) : null,
        el('button', { type: 'button', class: 'btn', testid: 'manifest', text: '打印装车单',
          onclick: (e) => run(e.currentTarget, () => openFile(`/loads/${l.id}/manifest`, null)) }),
        el('button', { type: 'button', class: 'btn', testid: 'manifest-csv', text: '导出 CSV',
          onclick: (e) => run(e.currentTarget, () => openFile(`/loads/${l.id}/manifest.csv`, `load-${l.id}.csv`)) })),
    );
    box.hidden = false;
    if (open) run(null, loadWeighedChoices);
  }

  async function addOrder(numberText) {
    clearMessage();
    const order = await findOrder(numberText);
    currentLoad = await api('POST', `/loads/${currentLoad.id}/orders`, { order_id: order.id });
    showNotice(`已把 ${order.number} 装上第 ${currentLoad.id} 车`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function removeOrder(orderId) {
    clearMessage();
    currentLoad = await api('DELETE', `/loads/${currentLoad.id}/orders/${orderId}`);
    showNotice(`已把 ${orderNumber(orderId)} 从第 ${currentLoad.id} 车移除`);
    await renderLoad();
    await loadOpenLoads();
  }

  async function markLoaded() {
    clearMessage();
    currentLoad = await api('POST', `/loads/${currentLoad.id}/loaded`);
    showNotice(`第 ${currentLoad.id} 车已标记为已装车`);
    await renderLoad();
    await loadOpenLoads();
  }

  /** 带登录凭据取回装车单，用 blob 地址在新标签页打开（CSV 则下载）。 */
  async function openFile(path, downloadName) {
    clearMessage();
    // 先同步打开新标签页，免得取回文件后再打开被浏览器当成弹窗拦截。
    const win = downloadName ? null : window.open('', '_blank');
    let blob;
    try {
      blob = await api('GET', path, undefined, { raw: true });
    } catch (err) {
      if (win) win.close();
      throw err;
    }
    const url = URL.createObjectURL(blob);
    setTimeout(() => URL.revokeObjectURL(url), 120000);
    if (downloadName) {
      const a = el('a', { href: url, download: downloadName, target: '_blank', rel: 'noopener' });
      document.body.append(a);
      a.click();
      a.remove();
    } else if (win) {
      win.location.href = url;
    } else {
      const n = $('notice');
      n.replaceChildren('浏览器拦截了新窗口：', el('a', { href: url, target: '_blank', testid: 'manifest-link', text: '点此打开装车单' }));
      n.hidden = false;
    }
  }

  // ---------------------------------------------------------------- 启动

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => { toLogin(); clearMessage(); });
    for (const t of document.querySelectorAll('.tab')) t.addEventListener('click', () => { clearMessage(); selectTab(t.dataset.tab); });

    $('find-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run($('find-order'), () => openOrder($('order-number').value));
    });
    $('confirmed-orders').addEventListener('change', (e) => {
      if (!e.target.value) return;
      $('order-number').value = e.target.value;
      run($('find-order'), () => openOrder(e.target.value));
    });
    $('refresh-confirmed').addEventListener('click', (e) => run(e.currentTarget, loadConfirmed));

    const scale = $('scale-id');
    scale.value = localStorage.getItem(SCALE_KEY) || 'scale-1';
    scale.addEventListener('input', () => {
      const v = scale.value.trim();
      if (v) localStorage.setItem(SCALE_KEY, v);
    });

    $(unit === 'kg' ? 'unit-kg' : 'unit-jin').checked = true;
    for (const r of document.querySelectorAll('input[name="unit"]')) {
      r.addEventListener('change', () => { if (r.checked) setUnit(r.value); });
    }

    $('load-date').value = localDate();
    $('new-load-form').addEventListener('submit', createLoad);
    $('refresh-loads').addEventListener('click', (e) => run(e.currentTarget, loadOpenLoads));

    if (session()) toApp();
    else toLogin();
  }

  window.Zhunong.ready(init);
})();
