// 直播下单 · 商品管理：直播中主播说“这个先不卖了”“降到 25 元”“每人限 2 箱”，助手在这里点一下——
// 下架 / 上架、改直播价、改限购。已经下的单价格不变；大屏马上跟着变。直播结束后不能再改。
'use strict';

(() => {
  const { el, fill, api, run, showNotice, clientError, money, fenOf, unitOf, qtyNumber } = window.Zhunong;

  /** 斤或件的数量文字 → 基本单位（克或件）；不是数量则 null。 */
  function limitOf(b, text) {
    const t = String(text).trim();
    if (b.pricing === 'by_weight') {
      const m = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(window.Zhunong.halfWidth(t));
      return m ? Number(m[1]) * 500 + Number((m[2] || '').padEnd(2, '0')) * 5 : null;
    }
    return /^\d{1,9}$/.test(t) && Number(t) > 0 ? Number(t) : null;
  }
  const limitText = (b) => (b.per_buyer_limit ? `${qtyNumber(b, b.per_buyer_limit)} ${unitOf(b)}` : '不限');

  /**
   * 画出本场的商品和它们的三个按钮。changed(session) 在服务器答应后被调用，带着场次的新样子。
   */
  function render(live, batches, changed) {
    const box = document.getElementById('featured-admin');
    const list = document.getElementById('featured-admin-list');
    box.hidden = live.status !== 'live' || !batches.length;
    if (box.hidden) return;
    const patch = async (b, body, said) => {
      const s = await api('PATCH', `/live-sessions/${live.id}/featured/${b.batch_id}`, body);
      showNotice(said);
      changed(s);
    };
    fill(list, batches.map((b) => el('li', { class: 'row wrap', testid: `featured-${b.batch_id}` },
      el('span', { class: 'info' }, el('strong', { text: b.product_name }), ' ',
        el('span', { class: 'muted', testid: `featured-${b.batch_id}-terms`,
          text: `${money(b.live_price_fen)}/${unitOf(b)} · 限购 ${limitText(b)}${b.on_sale === false ? ' · 已下架' : ''}` })),
      el('button', { type: 'button', class: `btn small ${b.on_sale === false ? 'primary' : 'danger'}`, testid: `featured-${b.batch_id}-sale`,
        text: b.on_sale === false ? '上架' : '下架',
        onclick: (ev) => run(ev.currentTarget, () => (b.on_sale === false
          ? patch(b, { on_sale: true }, `“${b.product_name}”已上架，可以下单了。`)
          : patch(b, { on_sale: false }, `“${b.product_name}”已下架，暂停接单。`))) }),
      el('button', { type: 'button', class: 'btn small', testid: `featured-${b.batch_id}-price`, text: '改价',
        onclick: (ev) => run(ev.currentTarget, async () => {
          const text = window.prompt(`“${b.product_name}”的新直播价（元/${unitOf(b)}）：`, (b.live_price_fen / 100).toFixed(2));
          if (text === null) return;
          const fen = fenOf(text);
          if (!fen || fen <= 0) throw clientError('请输入价格，如 25 或 25.50。');
          await patch(b, { live_price_fen: fen }, `“${b.product_name}”改为 ${money(fen)}/${unitOf(b)}，已下的单价格不变。`);
        }) }),
      el('button', { type: 'button', class: 'btn small', testid: `featured-${b.batch_id}-limit`, text: '限购',
        onclick: (ev) => run(ev.currentTarget, async () => {
          const text = window.prompt(`“${b.product_name}”每位买家最多买多少${unitOf(b)}？不限购请留空。`,
            b.per_buyer_limit ? String(qtyNumber(b, b.per_buyer_limit)) : '');
          if (text === null) return;
          if (!text.trim()) {
            await patch(b, { per_buyer_limit: null }, `“${b.product_name}”不再限购。`);
            return;
          }
          const limit = limitOf(b, text);
          if (!limit) throw clientError(`请输入${unitOf(b)}数，如 2。`);
          await patch(b, { per_buyer_limit: limit }, `“${b.product_name}”每人限购 ${text.trim()} ${unitOf(b)}。`);
        }) }))));
  }

  window.Zhunong.liveFeatured = { render };
})();
