// 基础资料 · 买家：个人和企业买家；企业买家的合同价和接口密钥（密钥只显示一次，可吊销）。
// 详情里的“个人信息”一节（导出、删除）在 office-buyer-privacy.js；已删除个人信息的买家不能再修改。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, money, table, form, act } = o;
  const { showNotice } = window.Zhunong;

  const KIND = window.Zhunong.labelsOf('buyer_kind');

  async function enterprisePart(b) {
    const [prices, keys, products] = await Promise.all([
      api('GET', `/buyers/${b.id}/contract-prices`), api('GET', `/buyers/${b.id}/api-keys`), api('GET', '/products?per_page=200')]);
    const pname = new Map(products.items.map((p) => [p.id, p.name]));
    const priceList = el('table', { class: 'table', testid: 'contract-prices' });
    table(priceList, ['对象', { text: '合同价', num: true }, '起订量', '有效期'], prices.map((p) => ({
      cells: [p.batch_id ? `批次 ${p.batch_id}` : pname.get(p.product_id) || `产品 ${p.product_id}`, money(p.price_fen),
        p.min_quantity ? String(p.min_quantity) : '', `${p.valid_from} 起` + (p.valid_to ? ` 至 ${p.valid_to}` : '')],
    })), { empty: '没有合同价：企业下单按批次的企业价。' });
    const today = window.Zhunong.localDate();
    const result = el('div', { testid: 'new-key' });
    const priceForm = form('contract-form', [
      { name: 'product_id', label: '产品', type: 'select', options: products.items.map((p) => [p.id, p.name]) },
      { name: 'price_fen', label: '合同价（元/斤或元/件）', type: 'money', required: true },
      { name: 'valid_from', label: '起始日期', type: 'date', value: today, required: true },
      { name: 'valid_to', label: '截止日期（可不填）', type: 'date' },
    ], '添加合同价', async (v) => {
      await api('POST', `/buyers/${b.id}/contract-prices`, { ...v, product_id: Number(v.product_id) });
      showNotice('合同价已添加。');
      await detail(b);
    });
    const keyList = el('table', { class: 'table', testid: 'api-keys' });
    table(keyList, ['密钥编号', '用途', '创建', '最近使用', '状态', ''], keys.map((k) => ({
      testid: `key-${k.key_id}`,
      cells: [k.key_id, k.label || '', o.localTime(k.created_at), k.last_used_at ? o.localTime(k.last_used_at) : '从未使用',
        k.revoked_at ? `已吊销（${o.localTime(k.revoked_at)}）` : '有效', ''],
    })), { empty: '还没有接口密钥。企业的系统要通过接口下单时，在这里生成。' });
    keyList.querySelectorAll('tbody tr').forEach((tr, i) => {
      const k = keys[i];
      if (!k || k.revoked_at) return;
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small danger', testid: `revoke-${k.key_id}`, text: '吊销',
        onclick: (ev) => act(ev.target, null, async () => {
          if (!window.confirm(`吊销密钥 ${k.key_id}？吊销后用它的系统立即不能下单，不能恢复。`)) return;
          await api('POST', `/buyers/${b.id}/api-keys/${encodeURIComponent(k.key_id)}/revoke`, {});
          await detail(b);
          showNotice('密钥已吊销。');
        }) }));
    });
    const keyForm = form('key-form', [{ name: 'label', label: '用途', placeholder: '如 工会采购系统' }], '生成接口密钥', async (v) => {
      const k = await api('POST', `/buyers/${b.id}/api-keys`, v);
      await detail(b);
      // 明文只在这里显示一次，服务器不保存明文。
      fill(document.querySelector('[data-testid=new-key]'), el('div', { class: 'card warn' },
        el('strong', { text: '新密钥（只显示这一次，请立即复制交给企业的技术人员）：' }),
        el('pre', { class: 'secret', testid: 'new-key-value', text: k.key })));
    });
    // 已删除个人信息的买家不再添加合同价、生成密钥（已有的密钥仍可吊销）。
    const erased = Boolean(b.erased_at);
    return [el('h3', { text: '合同价' }), el('div', { class: 'scroll' }, priceList), erased ? null : priceForm,
      el('h3', { text: '接口密钥' }), result, el('div', { class: 'scroll' }, keyList), erased ? null : keyForm];
  }

  let detailBox = null;
  let shown = null; // { box, params }：当前的买家页，删除个人信息后按它刷新
  async function detail(b) {
    const parts = b.kind === 'enterprise' ? await enterprisePart(b) : [el('p', { class: 'muted', text: '个人买家没有合同价和接口密钥。' })];
    const privacy = o.buyerPrivacy(b, async (out) => {
      await buyersPanel(shown.box, shown.params);
      await detail(out);
    });
    fill(detailBox, el('div', { class: 'detail-head' }, el('h2', { testid: 'buyer-name', text: `${b.name}（${KIND[b.kind]}）` }), privacy.tag),
      el('p', { text: [b.company, b.phone, b.address, b.payment_terms].filter(Boolean).join(' · ') }), parts, privacy.section);
    detailBox.hidden = false;
  }

  async function buyersPanel(box, params) {
    shown = { box, params };
    const q = params.get('q') || '';
    // 服务器按名称、单位、抖音昵称查 q；只有数字的（3 到 11 位）按电话号码的末几位查。
    const byPhone = /^\d{3,11}$/.test(q);
    const page = await api('GET', `/buyers?per_page=100${q ? `&${byPhone ? 'phone_ends' : 'q'}=${encodeURIComponent(q)}` : ''}`);
    const search = el('form', { class: 'row wrap', onsubmit: (ev) => {
      ev.preventDefault();
      location.hash = `#catalog?tab=buyers&q=${encodeURIComponent(ev.target.elements.q.value.trim())}`;
    } }, el('input', { name: 'q', value: q, testid: 'buyer-q', placeholder: '姓名、单位或电话', 'aria-label': '搜索买家' }),
    el('button', { type: 'submit', class: 'btn', text: '查找' }));
    const list = el('table', { class: 'table', testid: 'buyer-list' });
    table(list, ['编号', '名称', '类型', '单位', '电话', '结算方式'], page.items.map((b) => ({
      class: 'clickable', testid: `buyer-${b.id}`, onclick: () => act(null, null, () => detail(b)),
      cells: [String(b.id), b.name, KIND[b.kind], b.company || '', b.phone || '', b.payment_terms || ''],
    })), { empty: q ? '没有找到这个买家。' : '还没有买家。直播下单时会自动按电话建立个人买家；企业买家在下面添加。' });
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => {
      const tag = o.erasedTag(page.items[i], `buyer-erased-${page.items[i].id}`);
      if (tag) tr.children[1].append(' ', tag);
    });
    const f = form('buyer-form', [
      { name: 'kind', label: '类型', type: 'select', options: Object.entries(KIND) },
      { name: 'name', label: '名称', required: true, placeholder: '如 皖酒集团工会' },
      { name: 'company', label: '单位（企业）', placeholder: '如 皖酒集团有限公司' },
      { name: 'phone', label: '电话' },
      { name: 'address', label: '地址', wide: true },
      { name: 'payment_terms', label: '结算方式', placeholder: '如 月结 30 天' },
    ], '添加买家', async (v) => {
      const b = await api('POST', '/buyers', v);
      showNotice(`已添加买家 ${b.name}。`);
      await buyersPanel(box, params);
      await detail(b);
    });
    detailBox = el('section', { class: 'card', testid: 'buyer-detail', hidden: true });
    fill(box, el('section', { class: 'card' }, el('div', { class: 'row spread wrap' }, el('h2', { text: `买家（共 ${page.total} 个）` }), search),
      el('div', { class: 'scroll' }, list)), detailBox, f);
  }

  o.buyersPanel = buyersPanel;
})();
