// 操作记录：谁在什么时候做了什么，每条读作一句中文（谁、做了什么、对哪张订单 / 哪位种植户 / 哪个批次、
// 从多少到多少，金额用元、重量用斤）。按类别、订单号和日期筛选，每页 50 条；管理员可展开原始记录。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, api, table, el } = o;
  const { run, clientError, session } = window.Zhunong;

  const PER_PAGE = 50;
  let page = 1;

  /** 订单号（ZN000123，或只写数字）→ 订单编号；空则 null。 */
  function orderIdOf(text) {
    const s = window.Zhunong.halfWidth(text).trim().toUpperCase();
    if (!s) return null;
    const m = /^(?:ZN)?0*(\d{1,15})$/.exec(s);
    if (!m || Number(m[1]) === 0) throw clientError('订单号的样子是 ZN000123（也可以只写数字）。');
    return m[1];
  }

  function filters() {
    const p = new URLSearchParams({ per_page: String(PER_PAGE), page: String(page) });
    const order = orderIdOf($('a-order').value);
    if (order) {
      p.set('entity', 'order');
      p.set('entity_id', order);
    } else if ($('a-entity').value) {
      p.set('entity', $('a-entity').value);
    }
    if ($('a-from').value) p.set('from', $('a-from').value);
    if ($('a-to').value) p.set('to', $('a-to').value);
    return p;
  }

  /** 原始记录（只给管理员看）：折叠着，点开才显示。 */
  function raw(x) {
    const text = JSON.stringify({ action: x.action, entity: x.entity, entity_id: x.entity_id, before: x.before, after: x.after }, null, 2);
    return el('details', { class: 'raw' }, el('summary', { text: '原始记录' }), el('pre', { text }));
  }

  async function list() {
    const query = filters();
    const result = await api('GET', `/audit-log?${query}`);
    const isAdmin = (session() || {}).role === 'admin';
    const node = $('audit-table');
    table(node, ['时间', '操作', '记录'],
      result.items.map((x, i) => ({ testid: `audit-row-${i}`, cells: [o.localTime(x.at), x.action_label, x.summary] })),
      { empty: '没有符合条件的操作记录。' });
    if (isAdmin) {
      node.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => tr.lastChild.append(raw(result.items[i])));
    }
    // What the table now shows (the tests wait on it rather than on the pager's text).
    node.dataset.query = query.toString();
    const pages = Math.max(1, Math.ceil(result.total / PER_PAGE));
    $('audit-pages').textContent = `共 ${result.total} 条，第 ${page} / ${pages} 页`;
    $('a-prev').disabled = page <= 1;
    $('a-next').disabled = page >= pages;
  }

  o.register('audit', { show: () => run(null, list) });
  document.addEventListener('DOMContentLoaded', () => {
    $('audit-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      page = 1;
      run($('a-find'), list);
    });
    $('a-prev').addEventListener('click', (ev) => { page = Math.max(1, page - 1); run(ev.target, list); });
    $('a-next').addEventListener('click', (ev) => { page += 1; run(ev.target, list); });
  });
})();
