// 操作记录：谁在什么时候改了什么（确认、取消、称重、审批、装车、批次、账号），按对象、编号和日期筛选。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, api, table } = o;
  const { run, clientError } = window.Zhunong;

  const ENTITY = { order: '订单', order_line: '订单行', weigh_ticket: '磅单', load: '装车单', batch: '批次', user: '账号' };
  /** 记录里的字段名 → 中文。 */
  const FIELD = {
    status: '状态', reason: '原因', automatic: '自动', role: '角色', active: '可登录', stock_qty: '库存',
    retail_price_fen: '零售价', enterprise_price_fen: '企业价', code: '批次号', storage_place: '存放',
    harvest_date: '采收日期', net_g: '净重', gross_g: '毛重', tare_g: '皮重', order_id: '订单', load_id: '装车单',
    weighed_g: '称重', plate: '车牌', received_by: '签收人',
  };
  const VALUE = {
    ...o.ORDER_STATUS, open: '在售 / 装车中', closed: '已关闭', departed: '已发车',
    admin: '管理员', secretary: '书记 / 会计', helper: '直播助手', station: '称重站',
  };

  /** 变更前后不同的字段，如“状态：已确认 → 已取消”。 */
  function changes(before, after) {
    const b = before || {};
    const a = after || {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    const show = (k, v) => {
      if (v === null || v === undefined) return '—';
      if (typeof v === 'boolean') return v ? '是' : '否';
      if (k.endsWith('_fen') && typeof v === 'number') return o.money(v);
      if (k.endsWith('_g') && typeof v === 'number') return o.jin(v);
      if (typeof v === 'object') return JSON.stringify(v);
      return VALUE[v] || String(v);
    };
    return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => (k in b ? `${FIELD[k] || k}：${show(k, b[k])} → ${show(k, a[k])}` : `${FIELD[k] || k}：${show(k, a[k])}`)).join('；');
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
