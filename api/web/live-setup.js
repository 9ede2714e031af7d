// 直播下单页面：没有正在直播的场次时，助农员自己新建一场、给批次定直播价上架、开播。
// live.js 调用 Zhunong.liveSetup.show(...)；这里只管“新建—上架—开播”这几步。
'use strict';

(() => {
  const { $, el, fill, money, fenOf, unitOf, qtyNumber, PLATFORM, api, run, showNotice, clientError } = window.Zhunong;

  let onStarted = () => {}; // 开播后：live.js 打开这一场
  let current = null; // 正在准备的场次

  const today = () => {
    const d = new Date();
    return `${d.getMonth() + 1}月${d.getDate()}日产地直播`;
  };

  function init(opts) {
    onStarted = opts.onStarted;
    fill($('ns-platform'), Object.entries(PLATFORM).map(([v, t]) => el('option', { value: v, text: t })));
    $('new-session-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      run($('ns-create'), create);
    });
    $('setup-start').addEventListener('click', (e) => run(e.currentTarget, () => start()));
  }

  /** 场次列表页上的“新建直播”表单（标题预先填好今天的日期）。 */
  function resetForm() {
    if (!$('ns-title').value) $('ns-title').value = today();
    $('setup-box').hidden = true;
    $('new-session-form').hidden = false;
  }

  async function create() {
    const title = $('ns-title').value.trim();
    const host = $('ns-host').value.trim();
    const errors = [];
    if (!title) errors.push({ field: 'title', message: '不能为空' });
    if (!host) errors.push({ field: 'host', message: '不能为空' });
    if (errors.length) throw clientError('请填写直播标题和主播。', errors);
    const ls = await api('POST', '/live-sessions', {
      platform: $('ns-platform').value, host, title,
      planned_start: new Date().toISOString(), board_full_names: $('ns-full-names').checked,
    });
    $('ns-title').value = '';
    showNotice(`已新建“${ls.title}”，请上架商品`);
    await open(ls);
  }

  /** 给一场待开播的直播上架商品：列出在售批次，每个填直播价（默认零售价）。 */
  async function open(ls) {
    current = ls;
    $('new-session-form').hidden = true;
    $('setup-box').hidden = false;
    $('setup-title').textContent = `上架商品：${ls.title}`;
    $('setup-start').disabled = !(ls.featured || []).length;
    const [batches, products] = await Promise.all([
      api('GET', '/batches?status=open&per_page=200'), api('GET', '/products?per_page=200')]);
    const product = new Map((products.items || []).map((p) => [p.id, p]));
    const featured = new Map((ls.featured || []).map((f) => [f.batch_id, f]));
    const rows = (batches.items || []).filter((b) => b.stock_qty > 0).map((b) => {
      const p = product.get(b.product_id) || {};
      const shape = { pricing: p.pricing, unit_label: p.unit_label };
      return row(b, p, shape, featured.get(b.id));
    });
    fill($('setup-batches'), rows.length ? rows : el('li', { class: 'empty', text: '没有在售的批次：请村务办公室先录入批次。' }));
    $('setup-start').disabled = featured.size === 0;
    $('setup-box').scrollIntoView({ block: 'start' });
  }

  function row(b, p, shape, done) {
    const unit = unitOf(shape);
    const price = el('input', {
      id: `setup-price-${b.id}`, testid: `setup-price-${b.id}`, inputmode: 'decimal', autocomplete: 'off', 'data-field': 'live_price_fen',
      value: ((done ? done.live_price_fen : b.retail_price_fen) / 100).toFixed(2), 'aria-label': '直播价（元）', disabled: !!done,
    });
    const limit = el('input', {
      id: `setup-limit-${b.id}`, testid: `setup-limit-${b.id}`, inputmode: 'numeric', autocomplete: 'off', 'data-field': 'per_buyer_limit',
      placeholder: '不限', 'aria-label': `每人限购（${unit}）`,
      value: done && done.per_buyer_limit ? String(done.per_buyer_limit) : '', disabled: !!done,
    });
    const state = el('span', { class: 'muted', testid: `setup-state-${b.id}`, text: done ? `已上架 ${money(done.live_price_fen)}/${unit}` : '' });
    const li = el('li', { class: 'setup-row', testid: `setup-batch-${b.id}` },
      el('div', { class: 'info' },
        el('strong', { text: p.name || `商品 ${b.product_id}` }),
        el('span', { class: 'muted', text: ` · 批次 ${b.id} · 剩 ${qtyNumber(shape, b.stock_qty)} ${unit}` })),
      el('div', { class: 'setup-inputs' },
        el('label', { for: price.id, text: `直播价（元/${unit}）` }), price,
        shape.pricing === 'by_weight' ? null : el('label', { for: limit.id, text: `每人限购（${unit}）` }),
        shape.pricing === 'by_weight' ? null : limit),
      el('div', { class: 'row spread' }, state,
        done ? null : el('button', { type: 'button', class: 'btn small primary', testid: `setup-feature-${b.id}`, text: '上架',
          onclick: (e) => run(e.currentTarget, async () => {
            const fen = fenOf(price.value);
            if (!fen) throw clientError('直播价要大于 0 元，最多两位小数。', [{ field: 'live_price_fen', message: '填写有误' }]);
            const n = limit.value.trim() === '' ? null : Number(limit.value);
            if (n !== null && !(Number.isInteger(n) && n > 0)) throw clientError('每人限购要填正整数，或者留空。', [{ field: 'per_buyer_limit', message: '填写有误' }]);
            current = await api('POST', `/live-sessions/${current.id}/featured`, { batch_id: b.id, live_price_fen: fen, per_buyer_limit: n });
            state.textContent = `已上架 ${money(fen)}/${unit}`;
            // 上架后价格就定了（服务器不接受同一批次再上架一次）。
            price.disabled = true;
            limit.disabled = true;
            li.querySelector(`[data-testid=setup-feature-${b.id}]`).remove();
            $('setup-start').disabled = false;
          }) })));
    return li;
  }

  /** 开播：这里准备好的一场，或场次列表里待开播的一场（`ls`）。 */
  async function start(ls = current) {
    if (!ls) return;
    if (!window.confirm(`现在开始直播“${ls.title}”吗？`)) return;
    const started = await api('POST', `/live-sessions/${ls.id}/start`);
    showNotice(`“${started.title}”已开播`);
    current = null;
    $('setup-box').hidden = true;
    onStarted(started);
  }

  window.Zhunong.liveSetup = { init, resetForm, open, start };
})();
