// 操作记录：谁在什么时候改了什么（确认、取消、称重、审批、装车、账号），按对象、编号和日期筛选。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, api, table } = o;
  const { run, clientError } = window.Zhunong;

  const ENTITY = { order: '订单', order_line: '订单行', weigh_ticket: '磅单', load: '装车单', user: '账号' };

  /** 变更前后不同的字段，如“status: confirmed → cancelled”。 */
  function changes(before, after) {
    const b = before || {};
    const a = after || {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => `${k}：${show(b[k])} → ${show(a[k])}`).join('；');
  }

  async function list() {
    const p = new URLSearchParams({ per_page: '100' });
    if ($('a-entity').value) p.set('entity', $('a-entity').value);
    const id = $('a-id').value.trim();
    if (id) {
      if (!/^\d+$/.test(id)) throw clientError('编号只能是数字。');
      p.set('entity_id', id);
    }
    if ($('a-from').value) p.set('from', $('a-from').value);
    if ($('a-to').value) p.set('to', $('a-to').value);
    const page = await api('GET', `/audit-log?${p}`);
    table($('audit-table'), ['时间', '操作人', '操作', '对象', '编号', '变更'],
      page.items.map((x, i) => ({
        testid: `audit-row-${i}`,
        cells: [o.localTime(x.at), x.actor || '—', x.action_label, ENTITY[x.entity] || x.entity,
          x.entity === 'order' ? o.orderNumber(x.entity_id) : String(x.entity_id), changes(x.before, x.after)],
      })), { empty: '没有符合条件的操作记录。' });
  }

  o.register('audit', { show: () => run(null, list) });
  document.addEventListener('DOMContentLoaded', () => {
    $('audit-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      run($('a-find'), list);
    });
  });
})();
