// 基础资料：村集体、种植户、产品、批次（库存、开放/关闭、价格，库存调整要写原因并记入操作记录，
// 不能调到订单已占用的量以下）。买家在 office-buyers.js，账号和企业通知在 office-users.js。
// 重量以克、金额以分计算，只在显示时换算成斤、元。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, jin, table, form, act } = o;
  const { showNotice, clientError } = window.Zhunong;

  const GROWER_KIND = window.Zhunong.labelsOf('grower_kind');
  const PRICING = window.Zhunong.labelsOf('pricing');
  const BATCH_STATUS = window.Zhunong.labelsOf('batch_status');

  const button = (text, testid, fn, cls) => el('button', { type: 'button', class: `btn small ${cls || ''}`, testid, text,
    onclick: (ev) => act(ev.target, null, fn) });

  // ---------------------------------------------------------------- 村集体

  async function collectivesPanel(box) {
    const page = await api('GET', '/collectives?per_page=200');
    const list = el('table', { class: 'table', testid: 'collective-list' });
    table(list, ['编号', '名称', '地区'], page.items.map((c) => ({ testid: `collective-${c.id}`, cells: [String(c.id), c.name, c.region || ''] })),
      { empty: '还没有村集体。先添加本村的股份经济合作社，再添加种植户。' });
    const f = form('collective-form', [
      { name: 'name', label: '名称', required: true, wide: true, placeholder: '如 红光村股份经济合作社' },
      { name: 'region', label: '地区', placeholder: '如 安徽 · 红光村' },
    ], '添加村集体', async (v) => {
      const c = await api('POST', '/collectives', v);
      showNotice(`已添加 ${c.name}。`);
      await collectivesPanel(box);
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: '村集体' }), el('div', { class: 'scroll' }, list)), f);
  }

  // ---------------------------------------------------------------- 种植户

  async function growersPanel(box) {
    const [page, collectives] = await Promise.all([api('GET', '/growers?per_page=200'), api('GET', '/collectives?per_page=200')]);
    const cname = new Map(collectives.items.map((c) => [c.id, c.name]));
    const list = el('table', { class: 'table', testid: 'grower-list' });
    table(list, ['编号', '姓名', '类型', '村集体', '电话', { text: '面积（亩）', num: true }, '备注'],
      page.items.map((g) => ({ testid: `grower-${g.id}`, cells: [String(g.id), g.name, GROWER_KIND[g.kind] || g.kind, cname.get(g.collective_id) || '',
        g.phone || '', g.area_mu === null || g.area_mu === undefined ? '' : String(g.area_mu), g.note || ''] })),
      { empty: '还没有种植户。' });
    const f = form('grower-form', [
      { name: 'collective_id', label: '村集体', type: 'select', options: collectives.items.map((c) => [c.id, c.name]) },
      { name: 'name', label: '姓名', required: true },
      { name: 'kind', label: '类型', type: 'select', options: Object.entries(GROWER_KIND) },
      { name: 'phone', label: '电话', placeholder: '11 位手机号' },
      { name: 'area_mu', label: '面积（亩）', type: 'number' },
      { name: 'note', label: '备注', wide: true, placeholder: '如 返乡种植上海青 28 亩' },
    ], '添加种植户', async (v) => {
      const g = await api('POST', '/growers', { ...v, collective_id: Number(v.collective_id) });
      showNotice(`已添加种植户 ${g.name}。`);
      await growersPanel(box);
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: '种植户' }), el('div', { class: 'scroll' }, list)),
      collectives.items.length ? f : el('p', { class: 'empty', text: '请先添加村集体。' }));
  }

  // ---------------------------------------------------------------- 产品

  async function productsPanel(box) {
    const page = await api('GET', '/products?per_page=200');
    const list = el('table', { class: 'table', testid: 'product-list' });
    table(list, ['编号', '名称', '计价', '单位'], page.items.map((p) => ({ testid: `product-${p.id}`,
      cells: [String(p.id), p.name, PRICING[p.pricing] || p.pricing, p.pricing === 'by_weight' ? '斤' : p.unit_label || '件'] })),
    { empty: '还没有产品。' });
    const f = form('product-form', [
      { name: 'name', label: '名称', required: true, placeholder: '如 阳光玫瑰葡萄' },
      { name: 'pricing', label: '计价', type: 'select', options: Object.entries(PRICING) },
      { name: 'unit_label', label: '单位（按件时）', placeholder: '如 箱、把' },
    ], '添加产品', async (v) => {
      if (v.pricing === 'by_weight') delete v.unit_label;
      const p = await api('POST', '/products', v);
      showNotice(`已添加产品 ${p.name}。`);
      await productsPanel(box);
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: '产品' }), el('div', { class: 'scroll' }, list)), f);
  }

  // ---------------------------------------------------------------- 批次

  /** 批次的数量：按斤的以克存，显示斤；按件的显示件数和单位。 */
  const qty = (p, q) => (p && p.pricing === 'by_piece' ? `${q} ${p.unit_label || '件'}` : jin(q));
  const unitPrice = (p, fen) => `${money(fen)}/${p && p.pricing === 'by_piece' ? p.unit_label || '件' : '斤'}`;

  function batchActions(b, p, refresh) {
    const patch = async (body, done) => {
      await api('PATCH', `/batches/${b.id}`, body);
      showNotice(done);
      await refresh();
    };
    const toggle = b.status === 'open'
      ? button('关闭', `close-${b.id}`, () => (window.confirm(`关闭批次 ${b.code || b.id}？关闭后不能再下单，已下的订单不受影响。`) ? patch({ status: 'closed' }, '批次已关闭。') : null))
      : button('重新开放', `open-${b.id}`, () => patch({ status: 'open' }, '批次已开放，可以下单。'));
    const price = button('改价', `price-${b.id}`, async () => {
      const r = window.prompt(`零售价（元/${p && p.pricing === 'by_piece' ? p.unit_label || '件' : '斤'}），现为 ${o.yuanText(b.retail_price_fen)}：`, o.yuanText(b.retail_price_fen));
      if (r === null) return;
      const e = window.prompt(`企业价，现为 ${o.yuanText(b.enterprise_price_fen)}：`, o.yuanText(b.enterprise_price_fen));
      if (e === null) return;
      const [rf, ef] = [o.fenOf(r), o.fenOf(e)];
      if (!rf || !ef) throw clientError('价格请写金额，如 15.00。');
      await patch({ retail_price_fen: rf, enterprise_price_fen: ef }, '价格已修改，新订单按新价格。');
    });
    const adjust = button('调整库存', `adjust-${b.id}`, async () => {
      const unit = p && p.pricing === 'by_piece' ? p.unit_label || '件' : '斤';
      const r = window.prompt(`调整库存（${unit}）：减少写负数，如 -3（霉烂、损耗），增加写正数（盘点多出）。现有 ${qty(p, b.stock_qty)}。`, '');
      if (r === null) return;
      const m = /^([-+]?)(\d{1,9}(?:\.\d{1,2})?)$/.exec(window.Zhunong.halfWidth(r).trim().replace(/^－/, '-'));
      const amount = m && (p && p.pricing === 'by_piece' ? (/^\d+$/.test(m[2]) ? Number(m[2]) : null) : o.gramsOf(m[2]));
      if (!amount) throw clientError(`请写要调整的${unit}数，如 -3 或 5。`);
      const reason = window.prompt('调整原因（如：霉烂、盘点、损耗）：', '');
      if (reason === null) return;
      if (!reason.trim()) throw clientError('库存调整要写原因。');
      const delta = m[1] === '-' ? -amount : amount;
      await patch({ stock_adjustment: delta, reason: reason.trim() }, `库存已${delta < 0 ? '减少' : '增加'} ${qty(p, Math.abs(delta))}，已记入操作记录。`);
    });
    const labels = button('溯源标签', `labels-${b.id}`, () => o.openPrint(`/labels?batch_id=${b.id}&copies=10&layout=a4`));
    return [toggle, price, adjust, labels];
  }

  async function batchesPanel(box) {
    const [page, products, growers] = await Promise.all([
      api('GET', '/batches?per_page=200'), api('GET', '/products?per_page=200'), api('GET', '/growers?per_page=200')]);
    const pmap = new Map(products.items.map((p) => [p.id, p]));
    const gname = new Map(growers.items.map((g) => [g.id, g.name]));
    const refresh = () => batchesPanel(box);
    const list = el('table', { class: 'table', testid: 'batch-list' });
    table(list, ['编号', '批次号', '产品', '种植户', '采收', { text: '库存', num: true }, { text: '零售价', num: true }, { text: '企业价', num: true }, '存放', '状态', '操作'],
      page.items.map((b) => {
        const p = pmap.get(b.product_id);
        return { testid: `batch-${b.id}`, cells: [String(b.id), b.code || '', p ? p.name : '', gname.get(b.grower_id) || '', b.harvest_date,
          qty(p, b.stock_qty), unitPrice(p, b.retail_price_fen), unitPrice(p, b.enterprise_price_fen), b.storage_place || '', BATCH_STATUS[b.status] || b.status, ''] };
      }), { empty: '还没有批次。采收入库后在下面添加。' });
    list.querySelectorAll('tbody tr').forEach((tr, i) => {
      const b = page.items[i];
      if (b) tr.lastChild.append(el('div', { class: 'row' }, batchActions(b, pmap.get(b.product_id), refresh)));
    });
    const today = window.Zhunong.localDate();
    const f = form('batch-form', [
      { name: 'product_id', label: '产品', type: 'select', options: products.items.map((p) => [p.id, `${p.name}（${PRICING[p.pricing]}）`]) },
      { name: 'grower_id', label: '种植户', type: 'select', options: growers.items.map((g) => [g.id, g.name]) },
      { name: 'code', label: '批次号', placeholder: '如 YGMG-0901' },
      { name: 'harvest_date', label: '采收日期', type: 'date', value: today, required: true },
      { name: 'quantity', label: '数量（斤，按件的写件数）', required: true },
      { name: 'retail_price_fen', label: '零售价（元）', type: 'money', required: true },
      { name: 'enterprise_price_fen', label: '企业价（元）', type: 'money', required: true },
      { name: 'storage_place', label: '存放地点', placeholder: '如 红光村冷库 1 号' },
    ], '添加批次', async (v) => {
      const p = pmap.get(Number(v.product_id));
      const quantity = p && p.pricing === 'by_piece' ? (/^\d{1,9}$/.test(window.Zhunong.halfWidth(v.quantity)) ? Number(window.Zhunong.halfWidth(v.quantity)) : null) : o.gramsOf(v.quantity);
      if (!quantity) throw clientError('数量请写斤数（如 3000）或件数。', [{ field: 'quantity', message: '如 3000' }]);
      const b = await api('POST', '/batches', { ...v, product_id: Number(v.product_id), grower_id: Number(v.grower_id), quantity });
      showNotice(`已添加批次 ${b.code || b.id}：${qty(p, b.stock_qty)}。`);
      await refresh();
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: '批次与库存' }),
      el('p', { class: 'muted', text: '库存是还能卖的量：订单占用的已经扣除，所以库存调整不会动到已下的订单。' }),
      el('div', { class: 'scroll' }, list)),
    products.items.length && growers.items.length ? f : el('p', { class: 'empty', text: '请先添加产品和种植户。' }));
  }

  const PANELS = {
    collectives: collectivesPanel, growers: growersPanel, products: productsPanel, batches: batchesPanel,
    buyers: (box, p) => o.buyersPanel(box, p), users: (box, p) => o.usersPanel(box, p), webhooks: (box, p) => o.webhooksPanel(box, p),
    trace: (box, p) => o.tracePanel(box, p),
    robots: (box, p) => o.robotsPanel(box, p),
  };

  async function show(params) {
    const tab = PANELS[params.get('tab')] ? params.get('tab') : 'batches';
    fill($('catalog-tabs'), o.tabs('catalog', [['batches', '批次'], ['products', '产品'], ['growers', '种植户'], ['collectives', '村集体'],
      ['buyers', '买家'], ['users', '账号'], ['webhooks', '企业通知'], ['robots', '群机器人'], ['trace', '溯源扫码']], tab));
    const box = $('catalog-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    await window.Zhunong.run(null, () => PANELS[tab](box, params));
  }

  o.register('catalog', { show });
})();
