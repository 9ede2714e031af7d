// 称重装车页面的“称重”标签页：按订单号打开称重单，逐箱录入毛重、皮重，预览金额，确认后交给
// 待发送的磅单（station-weigh-pending.js）；称重完成、下一单在 station-complete.js，公共部分在 station.js。
'use strict';

(() => {
  const {
    $, el, fill, fixed, money, weightAmountFen, clearMessage, clientError, api, run, newKey, parseJson,
  } = window.Zhunong;
  const station = window.Zhunong.station;
  const {
    ORDER_STATUS, badge, kv, parseGrams, jin, gramsInUnit, unitName, weightText, timeText, findOrder,
    isComplete, liveTickets,
  } = station;

  const SCALE_KEY = 'zhunong.station.scale_id';
  const UNIT_KEY = 'zhunong.station.unit';
  // 录到一半的箱子（刷新、断电重开都不丢）：{order_id: {line_id: [{gross, tare, unit}]}}。
  const DRAFTS_KEY = 'zhunong.station.drafts';
  // 打开着的称重单（本标签页），刷新后重新打开。
  const OPEN_KEY = 'zhunong.station.open_order';
  // 上一箱的皮重（克）：同一种筐一天称几百箱，下一箱、下一行、下一单都先填上它，不一样再改。
  const TARE_KEY = 'zhunong.station.last_tare_g';
  /** 一箱净重超过整行订购量、或本行合计超过订购量这么多（百分比）时，发送前先提醒。 */
  const WARN_OVER_PCT = 50;

  let unit = localStorage.getItem(UNIT_KEY) === 'kg' ? 'kg' : 'jin';

  /** 记住的皮重，按当前单位写成输入框里的文字；没有记过则空。 */
  function rememberedTare() {
    const g = Number(localStorage.getItem(TARE_KEY));
    return Number.isSafeInteger(g) && g > 0 ? gramsInUnit(g, unit) : '';
  }
  const freshCrate = () => ({ gross: '', tare: rememberedTare() });
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

  async function openOrder(numberText) {
    clearMessage();
    const order = await findOrder(numberText);
    $('weigh-result').hidden = true;
    await openSheet(order.id, true);
  }

  async function openSheet(orderId, fresh) {
    const s = await api('GET', `/orders/${orderId}/weighing-sheet`);
    if (fresh || !sheet || sheet.order.id !== s.order.id) crates = restoreDraft(s.order.id);
    sheet = s;
    sessionStorage.setItem(OPEN_KEY, String(s.order.id));
    for (const line of s.lines) if (!crates.has(line.line_id)) crates.set(line.line_id, [freshCrate()]);
    renderSheet();
  }

  // ---------------------------------------------------------------- 草稿：录到一半的箱子

  function readDrafts() {
    const d = parseJson(localStorage.getItem(DRAFTS_KEY) || '{}');
    return d && typeof d === 'object' && !Array.isArray(d) ? d : {};
  }

  /** 本订单存着的箱子，换算成当前单位。 */
  function restoreDraft(orderId) {
    const saved = readDrafts()[orderId] || {};
    const out = new Map();
    for (const [lineId, rows] of Object.entries(saved)) {
      if (!Array.isArray(rows)) continue;
      out.set(Number(lineId), rows.map((r) => {
        const conv = (v) => {
          const p = parseGrams(v, r.unit || unit);
          return p.g !== undefined ? gramsInUnit(p.g, unit) : String(v || '');
        };
        return { gross: conv(r.gross), tare: conv(r.tare) };
      }));
    }
    return out;
  }

  /** 每次输入都存一次；没有数字的行不存。 */
  function saveDraft() {
    if (!sheet) return;
    const all = readDrafts();
    const mine = {};
    for (const [lineId, rows] of crates) {
      const typed = rows.filter((r) => String(r.gross).trim() || String(r.tare).trim());
      if (typed.length) mine[lineId] = rows.map((r) => ({ gross: r.gross, tare: r.tare, unit }));
    }
    if (Object.keys(mine).length) all[sheet.order.id] = mine;
    else delete all[sheet.order.id];
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(all));
  }

  const weighable = (o) => (o.status === 'confirmed' || o.status === 'weighed') && o.load_id === null;

  // 称完之后这一单去哪里：装车、打包发快递，还是等买家来取。
  const FULFILMENT = window.Zhunong.labelsOf('fulfilment');
  const HOW = {
    load: FULFILMENT.load,
    parcel: `${FULFILMENT.parcel}（称完到“打包发货”里打包）`,
    pickup: `${FULFILMENT.pickup}（称完等买家来取，到“自提交货”里交货）`,
  };

  function renderSheet() {
    const o = sheet.order;
    const head = $('sheet-head');
    fill(head,
      el('div', { class: 'row spread' },
        el('h2', { testid: 'sheet-number', text: o.number }),
        badge('order', o.status, 'sheet-status')),
      kv([
        ['买家', sheet.buyer_name, 'sheet-buyer'],
        ['收货方式', HOW[o.fulfilment] || null, 'sheet-fulfilment'],
        ['下单金额', el('span', { class: 'money', text: money(o.total_fen) })],
        ['称后合计', o.final_total_fen === null ? '各行称重完成后计算' : el('span', { class: 'money', text: money(o.final_total_fen) }), 'sheet-final-total'],
        ['装车', o.load_id === null ? null : `第 ${o.load_id} 车`],
      ]),
      o.weights_flagged && !o.weights_approved
        ? el('div', { class: 'warn', testid: 'sheet-warning', text: '超出允许误差，需书记审批后才能装车' }) : null,
      o.weights_flagged && o.weights_approved
        ? el('div', { class: 'muted', text: '重量超出误差，已由书记审批。' }) : null,
      weighable(o) ? null : el('div', { class: 'muted', testid: 'sheet-not-weighable',
        text: o.load_id !== null ? '订单已在车上，不能再称重（先从车上移除）。' : `订单${ORDER_STATUS[o.status] || o.status}，不能称重。` }),
      station.complete.progress(sheet, weighable(o)),
      el('div', { class: 'btns' }, station.labelButtons(`order_id=${o.id}`)),
    );
    $('sheet-lines').replaceChildren(...sheet.lines.map((l) => renderLine(l, weighable(o))));
    $('sheet').hidden = false;
  }

  function renderLine(line, canWeigh) {
    const byWeight = line.pricing === 'by_weight';
    const pieceUnit = line.unit_label || '件';
    const qty = byWeight ? `${jin(line.quantity)} 斤（${line.quantity} 克）` : `${line.quantity} ${pieceUnit}`;
    const price = `${money(line.unit_price_fen)} / ${byWeight ? '斤' : pieceUnit}`;
    const live = liveTickets(line);
    const complete = isComplete(line);

    const card = el('article', { class: `card line${complete ? ' complete' : ''}`, testid: `line-${line.line_id}`, 'data-line-id': line.line_id },
      el('h3', {}, el('span', { testid: 'product', text: line.product_name }),
        complete ? el('span', { class: 'badge s-weighed', testid: 'line-complete', text: '已称重完成' })
          : el('span', { class: 'muted', text: `第 ${line.line_no} 行` })),
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

    // 称重完成的行已锁定：不再显示录入箱子的表格。
    if (canWeigh && !complete) card.append(renderCrates(line));
    card.append(...station.complete.lineControls(line, canWeigh));
    return card;
  }

  function renderCrates(line) {
    const rows = crates.get(line.line_id);
    const box = el('div', { class: 'crates', testid: 'crates' });
    box.append(el('div', { class: 'label', text: line.weighed_g === null ? '称重（每箱一行）' : '补称（每箱一行，与已称的合计）' }));
    rows.forEach((r, i) => {
      const gross = el('input', { inputmode: 'decimal', autocomplete: 'off', id: `gross-${line.line_id}-${i}`, testid: `gross-${i}`, value: r.gross, 'data-field': `crates[${i}]`,
        oninput: (e) => { r.gross = e.target.value; saveDraft(); updatePreview(line.line_id); } });
      const tare = el('input', { inputmode: 'decimal', autocomplete: 'off', id: `tare-${line.line_id}-${i}`, testid: `tare-${i}`, value: r.tare,
        oninput: (e) => { r.tare = e.target.value; saveDraft(); updatePreview(line.line_id); } });
      box.append(el('div', { class: 'crate', testid: `crate-${i}` },
        el('span', { class: 'no', text: `${i + 1}` }),
        el('div', {}, el('label', { for: gross.id, text: `毛重（${unitName(unit)}）` }), gross),
        el('div', {}, el('label', { for: tare.id, text: `皮重（${unitName(unit)}）` }), tare),
        el('button', { type: 'button', class: 'remove', 'aria-label': `删除第 ${i + 1} 箱`, testid: `remove-crate-${i}`, text: '×',
          disabled: rows.length === 1 ? true : null,
          onclick: () => { rows.splice(i, 1); saveDraft(); rerenderLine(line.line_id); } }),
        el('div', { class: 'net', testid: `net-${i}` })));
    });
    box.append(el('button', { type: 'button', class: 'btn block', testid: 'add-crate', text: '＋ 再加一箱',
      onclick: () => {
        rows.push({ gross: '', tare: rows.length ? rows[rows.length - 1].tare : rememberedTare() });
        rerenderLine(line.line_id);
        const input = document.getElementById(`gross-${line.line_id}-${rows.length - 1}`);
        if (input) input.focus();
      } }));
    box.append(el('div', { class: 'preview', testid: 'preview' },
      el('div', {}, '本次净重：', el('span', { class: 'money', testid: 'preview-net', text: '—' })),
      el('div', { testid: 'preview-total-row', hidden: true }, '合计净重（含已称）：', el('span', { class: 'money', testid: 'preview-total-net' })),
      el('div', { testid: 'preview-diff', class: 'muted' }),
      el('div', { testid: 'preview-warning', class: 'warn', hidden: true }),
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
    const warnings = any && !bad ? farOff(line, crates.get(lineId).map(crateValue).filter((v) => v && !v.error)) : [];
    const warn = q('preview-warning');
    warn.hidden = warnings.length === 0;
    warn.textContent = warnings.join(' ');
    const amount = line.pricing === 'by_weight' ? weightAmountFen(total, line.unit_price_fen) : line.amount_fen;
    q('preview-amount').textContent = any ? money(amount) : '—';
    q('confirm-weigh').toggleAttribute('data-invalid', bad || !any);
  }

  /**
   * 这一次的箱子哪里不对劲（按重量计价的行）：一箱比整行订购量还重得多，或本行合计远超订购量。
   * 多半是把斤当成克、多打了一个 0；发送前要人确认一下。
   */
  function farOff(line, values) {
    if (line.pricing !== 'by_weight' || !(line.quantity > 0)) return [];
    const limit = line.quantity * (100 + WARN_OVER_PCT) / 100;
    const out = [];
    values.forEach((v, i) => {
      if (v.net_g > limit) out.push(`第 ${i + 1} 箱净重 ${weightText(v.net_g)}，比整行订购量 ${weightText(line.quantity)} 还多一半以上。`);
    });
    const existing = line.tickets.filter((t) => !t.voided).reduce((s, t) => s + t.net_g, 0);
    const total = existing + values.reduce((s, v) => s + v.net_g, 0);
    if (!out.length && total > limit) {
      out.push(`本行合计 ${weightText(total)}，比订购量 ${weightText(line.quantity)} 多 ${fixed((total - line.quantity) * 100, line.quantity, 0)}%。`);
    }
    return out;
  }

  async function submitWeigh(lineId) {
    clearMessage();
    const rows = crates.get(lineId);
    const body = [];
    const values = [];
    const errors = [];
    rows.forEach((r, i) => {
      const v = crateValue(r);
      if (!v) return;
      if (v.error) errors.push({ field: `crates[${i}]`, message: v.error });
      else { body.push({ gross_g: v.gross_g, tare_g: v.tare_g }); values.push(v); }
    });
    if (errors.length) throw clientError('有箱子的重量不正确。', errors);
    if (!body.length) throw clientError('请至少输入一箱的毛重。');
    const scaleId = $('scale-id').value.trim();
    if (!scaleId) throw clientError('请填写秤号。', [{ field: 'scale_id', message: '不能为空' }]);
    const line = lineById(lineId);
    const warnings = line ? farOff(line, values) : [];
    if (warnings.length && !window.confirm(`${warnings.join('\n')}\n\n重量没有填错吗？确定发送吗？`)) return;

    // 先存进本机的待发送队列（带幂等键），再发送：网络断了也不丢，重发也不会记两次。
    const entry = {
      key: newKey(), order_id: sheet.order.id, line_id: lineId, created_at: Date.now(),
      product: line ? line.product_name : '', crates: rows.filter((r) => crateValue(r)).map((r) => ({ ...r, unit })),
      body: { order_line_id: lineId, scale_id: scaleId, crates: body },
    };
    station.pending.add(entry);
    if (body.length) localStorage.setItem(TARE_KEY, String(body[body.length - 1].tare_g));
    crates.set(lineId, [freshCrate()]);
    saveDraft();
    rerenderLine(lineId);
    station.pending.render();
    await station.pending.send();
  }

  /** 服务器拒绝的一张磅单（station-weigh-pending.js）：箱子放回它那一行的表单（如果那张称重单开着）。 */
  function putBack(e) {
    const all = readDrafts();
    const mine = all[e.order_id] || {};
    mine[e.line_id] = e.crates;
    all[e.order_id] = mine;
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(all));
    if (sheet && sheet.order.id === e.order_id) {
      crates = restoreDraft(e.order_id);
      renderSheet();
    }
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

  station.weigh = {
    current: () => sheet,
    openSheet,
    loadConfirmed,
    lineById,
    weighable,
    putBack,
    init() {
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
      scale.value = localStorage.getItem(SCALE_KEY) || '1号秤';
      scale.addEventListener('input', () => {
        const v = scale.value.trim();
        if (v) localStorage.setItem(SCALE_KEY, v);
      });

      station.pending.init();

      $(unit === 'kg' ? 'unit-kg' : 'unit-jin').checked = true;
      for (const r of document.querySelectorAll('input[name="unit"]')) {
        r.addEventListener('change', () => { if (r.checked) setUnit(r.value); });
      }
    },
    show() {
      run(null, loadConfirmed);
      station.pending.show();
      // 刷新之前开着的称重单：重新打开，录到一半的箱子还在。
      const open = Number(sessionStorage.getItem(OPEN_KEY) || 0);
      if (open && !sheet) run(null, () => openSheet(open, true));
    },
  };
})();
