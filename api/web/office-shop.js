// 抖店：把抖店后台导出的订单表导进来（先预览、再确认导入），把抖店的商家编码对应到本村的批次，
// 查看以前的导入并下载逐行结果，下载“批量发货”表回传给抖店。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, table } = o;
  const { run, showNotice, clientError } = window.Zhunong;

  const OUTCOME = { new: '新增', unchanged: '无变化', updated: '已更新', skipped: '跳过', refused: '拒绝' };
  const yuan = (fen) => o.money(fen || 0);

  /** 开着的批次（给商家编码选批次用），带商品名和计价方式。 */
  async function openBatches() {
    const [batches, products] = await Promise.all([api('GET', '/batches?status=open&per_page=200'), api('GET', '/products?per_page=200')]);
    const byId = new Map(products.items.map((p) => [p.id, p]));
    return batches.items.map((b) => ({ ...b, product: byId.get(b.product_id) || { name: '', pricing: 'by_piece' } }));
  }

  const batchText = (b) => `${b.product.name} · 批次 ${b.code || b.id}（库存 ${b.product.pricing === 'by_weight' ? o.jin(b.stock_qty) : `${b.stock_qty} 个`}）`;

  /** 一个商家编码的对应表单：批次 + 每件多少斤（按重量）或多少个（按个）。保存后调用 done。 */
  function mapForm(code, batches, done, testid) {
    const select = el('select', { testid: `${testid}-batch`, 'data-field': 'batch_id', 'aria-label': '对应的批次' },
      el('option', { value: '', text: '选择批次…' }), batches.map((b) => el('option', { value: String(b.id), text: batchText(b) })));
    const amount = el('input', { testid: `${testid}-units`, inputmode: 'decimal', class: 'units', 'data-field': 'units_per_item', 'aria-label': '每件数量' });
    const unit = el('span', { text: '斤/件' });
    select.addEventListener('change', () => {
      const b = batches.find((x) => String(x.id) === select.value);
      unit.textContent = b && b.product.pricing === 'by_piece' ? '个/件' : '斤/件';
    });
    const save = el('button', { type: 'button', class: 'btn small primary', testid: `${testid}-save`, text: '保存对应',
      onclick: (ev) => run(ev.target, async () => {
        const b = batches.find((x) => String(x.id) === select.value);
        if (!b) throw clientError('请选择这个商家编码对应的批次。');
        const byWeight = b.product.pricing === 'by_weight';
        const units = byWeight ? o.gramsOf(amount.value) : (/^\d{1,9}$/.test(window.Zhunong.halfWidth(amount.value).trim()) ? Number(window.Zhunong.halfWidth(amount.value).trim()) : null);
        if (!units) throw clientError(byWeight ? '请填写每件多少斤，例如 5 或 2.5。' : '请填写每件多少个，例如 1 或 6。');
        await api('PUT', '/shop/sku-maps', { sku_code: code, batch_id: b.id, units_per_item: units });
        showNotice(`已把商家编码 ${code} 对应到 ${b.product.name}。`);
        await done();
      }) });
    return el('span', { class: 'row wrap' }, select, amount, unit, save);
  }

  // ---------------------------------------------------------------- 导入订单

  function summaryText(r) {
    const t = r.totals;
    return `共 ${t.rows} 行：新增 ${t.new} 行，无变化 ${t.unchanged} 行，已更新 ${t.updated} 行，跳过 ${t.skipped} 行，拒绝 ${t.refused} 行。新增订单的货款 ${yuan(t.new_sale_fen)}。`;
  }

  function resultView(file, r, batches, again) {
    const list = el('table', { class: 'table', testid: 'shop-rows' });
    table(list, [{ text: '行号', num: true }, '主订单编号', '子订单编号', '结果', '原因', '本系统订单号'], r.rows.map((x) => ({
      testid: `shop-row-${x.line}`, class: x.outcome === 'refused' ? 'refused' : null,
      cells: [String(x.line), x.platform_order_id, x.sub_order_id, OUTCOME[x.outcome] || '', x.reason, x.order_number || ''],
    })), { empty: '每一行都是新增或无变化。' });
    const unmapped = r.unmapped.length ? el('section', { class: 'card', testid: 'shop-unmapped' },
      el('h3', { text: '这些商家编码还没有对应的批次' }),
      el('p', { class: 'muted', text: '用到它们的订单会被拒绝。请选好批次并填写每件的数量，保存后重新预览。' }),
      el('table', { class: 'table' }, el('tbody', {}, r.unmapped.map((u) => el('tr', { testid: `unmapped-${u.sku_code}` },
        el('td', { text: u.sku_code }), el('td', { text: u.product_name }), el('td', { class: 'num', text: `${u.rows} 行` }),
        el('td', {}, mapForm(u.sku_code, batches, again, `map-${u.sku_code}`))))))) : null;
    return el('section', { class: 'card', testid: r.dry_run ? 'shop-preview' : 'shop-committed' },
      el('h2', { text: `${r.dry_run ? '预览' : '导入结果'}：${file.name}` }),
      el('p', { class: 'lead', testid: 'shop-summary', text: summaryText(r) }),
      r.columns_unknown.length ? el('p', { class: 'muted', testid: 'shop-unknown-columns', text: `文件里这些列没有读取：${r.columns_unknown.join('、')}。` }) : null,
      unmapped,
      r.dry_run ? null : el('button', { type: 'button', class: 'btn', testid: 'shop-results-csv', text: '下载逐行结果',
        onclick: (ev) => run(ev.target, () => o.download(`/shop/order-imports/${r.id}/results.csv`, `抖店导入结果_${r.id}.csv`)) }),
      el('div', { class: 'scroll', 'aria-label': '拒绝、跳过和更新的行' }, list));
  }

  async function importPanel(box) {
    const batches = await openBatches();
    const file = el('input', { type: 'file', id: 'shop-file', class: 'file-input', testid: 'shop-file', 'data-field': 'file',
      accept: `.csv,.xlsx,text/csv,${o.XLSX_TYPE}` });
    const chosen = el('span', { class: 'file-name muted', testid: 'shop-file-name', text: '还没有选择文件' });
    const result = el('div', { testid: 'shop-result-box' });
    const commit = el('button', { type: 'button', class: 'btn primary', testid: 'shop-commit', text: '确认导入', disabled: true });
    file.addEventListener('change', () => {
      const f = file.files && file.files[0];
      chosen.textContent = f ? f.name : '还没有选择文件';
      chosen.classList.toggle('muted', !f);
      commit.disabled = true;
      fill(result);
    });
    const chosenFile = () => {
      const f = file.files && file.files[0];
      if (!f) throw clientError('请先选择抖店导出的订单表（CSV 或 Excel）。');
      if (!/\.(csv|xlsx)$/i.test(f.name)) throw clientError('只能导入 CSV 或 Excel（.xlsx）表格文件。');
      return f;
    };
    const send = async (dryRun) => {
      const f = chosenFile();
      try {
        return [f, await o.uploadFile(`/shop/order-imports?dry_run=${dryRun}&file_name=${encodeURIComponent(f.name)}`, f)];
      } catch (e) {
        if (e && e.foundHeaders) {
          throw clientError(`这个文件不像抖店的订单导出表：表头里要有“主订单编号、商家编码、商品数量、订单应付金额、订单状态”。${e.foundHeaders.length ? `文件里的表头是：${e.foundHeaders.join('、')}。` : ''}`);
        }
        throw e;
      }
    };
    const preview = async () => {
      const [f, r] = await send(true);
      fill(result, resultView(f, r, batches, () => run(null, preview)));
      commit.disabled = r.totals.new + r.totals.updated === 0;
    };
    const go = el('button', { type: 'button', class: 'btn', testid: 'shop-preview-submit', text: '预览', onclick: (ev) => run(ev.target, preview) });
    commit.addEventListener('click', (ev) => run(ev.target, async () => {
      const [f, r] = await send(false);
      fill(result, resultView(f, r, batches, () => run(null, preview)));
      commit.disabled = true;
      showNotice(`导入完成：${summaryText(r)}`);
    }));
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '导入抖店订单' }),
      el('p', { class: 'muted', text: '在抖店后台“订单管理 → 批量导出”导出订单表（CSV 或 Excel），先预览看每一行会怎样，再确认导入。已付款的订单占用库存、按快递发货；已取消或已关闭的订单退回库存；售后退款成功的子订单记一笔退款。同一个文件导入两次不会重复。' }),
      el('p', { class: 'muted', text: '订单金额（提成按它计算）= 商品单价 × 数量 − 商家承担的优惠：平台和达人承担的优惠由他们补给店铺，运费付给快递，都不算产品的卖价。' }),
      el('div', { class: 'row wrap import-row' },
        el('div', { class: 'file-pick' }, file, el('label', { for: 'shop-file', class: 'btn', text: '选择订单表' })), chosen, go, commit)),
    result);
  }

  // ---------------------------------------------------------------- 商品对应

  async function skuPanel(box) {
    const [maps, batches] = await Promise.all([api('GET', '/shop/sku-maps'), openBatches()]);
    const all = (await api('GET', '/batches?per_page=200')).items;
    const byId = new Map(batches.map((b) => [b.id, b]));
    const list = el('table', { class: 'table', testid: 'sku-maps' });
    table(list, ['商家编码', '对应批次', { text: '每件数量', num: true }, '修改时间'], maps.map((m) => {
      const b = byId.get(m.batch_id);
      const closed = !b && all.some((x) => x.id === m.batch_id);
      return {
        testid: `sku-${m.sku_code}`,
        cells: [m.sku_code, b ? batchText(b) : (m.product_id ? `商品 ${m.product_id} 的最新批次` : `批次 ${m.batch_id}${closed ? '（已关闭）' : ''}`),
          b && b.product.pricing === 'by_weight' ? o.jin(m.units_per_item) : `${m.units_per_item} 个`, o.localTime(m.updated_at)],
      };
    }), { empty: '还没有对应任何商家编码。' });
    const code = el('input', { testid: 'sku-new-code', 'data-field': 'sku_code', 'aria-label': '商家编码', placeholder: '商家编码' });
    const holder = el('span');
    const refresh = () => skuPanel(box);
    const draw = () => fill(holder, mapForm(code.value.trim(), batches, refresh, 'sku-new'));
    code.addEventListener('input', draw);
    draw();
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '抖店商家编码对应的批次' }),
      el('p', { class: 'muted', text: '抖店里每个商品规格的“商家编码”，对应到本村的一个批次，并写明一件是多少斤（或多少个）。改过的对应从下一次导入起生效，已经导入的订单不变。' }),
      el('div', { class: 'scroll', 'aria-label': '商家编码' }, list),
      el('h3', { text: '新增或修改' }),
      el('div', { class: 'row wrap' }, code, holder)));
  }

  // ---------------------------------------------------------------- 导入记录

  async function historyPanel(box) {
    const imports = await api('GET', '/shop/order-imports');
    const list = el('table', { class: 'table', testid: 'shop-imports' });
    table(list, ['时间', '文件', '方式', { text: '行数', num: true }, { text: '新增', num: true }, { text: '更新', num: true },
      { text: '拒绝', num: true }, '校验码', ''], imports.map((i) => ({
      testid: `shop-import-${i.id}`,
      cells: [o.localTime(i.created_at), i.file_name, i.dry_run ? '预览' : '导入', String(i.totals.rows), String(i.totals.new),
        String(i.totals.updated), String(i.totals.refused), i.sha256.slice(0, 12), ''],
    })), { empty: '还没有导入过。' });
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, n) => {
      const i = imports[n];
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small', testid: `shop-import-csv-${i.id}`, text: '下载结果',
        onclick: (ev) => run(ev.target, () => o.download(`/shop/order-imports/${i.id}/results.csv`, `抖店导入结果_${i.id}.csv`)) }));
    });
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '导入记录' }),
      el('p', { class: 'muted', text: '每次预览和导入都留有记录：谁、什么时候、哪个文件（校验码）和每一行的结果。' }),
      el('div', { class: 'scroll', 'aria-label': '导入记录' }, list)));
  }

  // ---------------------------------------------------------------- 回传发货

  async function saveShipBack(onlyNew) {
    const blob = await api('POST', `/shop/ship-back-files${onlyNew ? '?only_new=true' : ''}`, {}, { raw: true });
    const url = URL.createObjectURL(blob);
    setTimeout(() => URL.revokeObjectURL(url), 120000);
    const a = el('a', { href: url, download: `抖店批量发货_${window.Zhunong.localDate()}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  async function shipBackPanel(box) {
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '回传发货到抖店' }),
      el('p', { class: 'muted', text: '已发货的抖店订单，按抖店“批量发货”的格式（订单号、物流公司、运单号）下载，在抖店后台上传一次即可全部标记发货。下载过的订单会记下来，“只下载新发货的”不再重复给出。' }),
      el('div', { class: 'btns left' },
        el('button', { type: 'button', class: 'btn primary', testid: 'ship-back-new', text: '只下载新发货的',
          onclick: (ev) => run(ev.target, () => saveShipBack(true)) }),
        el('button', { type: 'button', class: 'btn', testid: 'ship-back-all', text: '下载全部',
          onclick: (ev) => run(ev.target, () => saveShipBack(false)) }))));
  }

  // ---------------------------------------------------------------- 视图

  const PANELS = { import: importPanel, skus: skuPanel, history: historyPanel, shipback: shipBackPanel };

  async function show(params) {
    const tab = PANELS[params.get('tab')] ? params.get('tab') : 'import';
    fill($('shop-tabs'), o.tabs('shop', [['import', '导入订单'], ['skus', '商品对应'], ['history', '导入记录'], ['shipback', '回传发货']], tab));
    const box = $('shop-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    await run(null, () => PANELS[tab](box));
  }

  o.register('shop', { show });
})();
