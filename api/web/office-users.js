// 基础资料 · 账号：新建工作人员账号（姓名用中文，登录名用字母）、改姓名、改角色、停用/启用、重置密码（书记不能动管理员账号）；
// 企业通知：推送失败的企业通知，可重新推送。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, table, form, act } = o;
  const { showNotice, clientError, session } = window.Zhunong;

  const ROLE = window.Zhunong.labelsOf('role', ['secretary', 'helper', 'station', 'auditor', 'admin']);
  const EVENT = {
    'order.confirmed': '订单已确认', 'order.weighed': '订单已称重', 'order.loaded': '订单已装车',
    'order.delivered': '订单已送达', 'order.cancelled': '订单已取消', 'payment.recorded': '已收款',
  };

  async function usersPanel(box) {
    const page = await api('GET', '/users?per_page=200');
    const me = session();
    const isAdmin = me && me.role === 'admin';
    const roles = Object.entries(ROLE).filter(([r]) => isAdmin || r !== 'admin');
    const list = el('table', { class: 'table', testid: 'user-list' });
    /** 页面和操作记录里显示的名字：姓名，没有则登录名。 */
    const nameOf = (u) => u.display_name || u.username;
    table(list, ['姓名', '登录名', '角色', '状态', '创建', '操作'], page.items.map((u) => ({
      testid: `user-${u.username}`,
      cells: [u.display_name || '（未填）', u.username, ROLE[u.role] || u.role, u.active ? '正常' : '已停用', o.localTime(u.created_at), ''],
    })));
    list.querySelectorAll('tbody tr').forEach((tr, i) => {
      const u = page.items[i];
      const self = me && u.username === me.username;
      if (!u || (u.role === 'admin' && !isAdmin)) return;
      const roleSel = el('select', { testid: `role-${u.username}`, 'aria-label': `${nameOf(u)} 的角色`, disabled: self || null },
        roles.map(([v, t]) => el('option', { value: v, text: t })));
      roleSel.value = u.role;
      roleSel.addEventListener('change', () => act(null, null, async () => {
        if (!window.confirm(`把 ${nameOf(u)} 的角色改为“${ROLE[roleSel.value]}”？他需要重新登录。`)) { roleSel.value = u.role; return; }
        await api('PATCH', `/users/${u.id}`, { role: roleSel.value });
        const said = `${nameOf(u)} 现在是${ROLE[roleSel.value]}。`;
        await usersPanel(box); // 先刷新列表，提示出现时表里已是新角色
        showNotice(said);
      }));
      const toggle = el('button', { type: 'button', class: `btn small ${u.active ? 'danger' : ''}`, testid: `toggle-${u.username}`,
        text: u.active ? '停用' : '启用', disabled: self || null,
        onclick: (ev) => act(ev.target, null, async () => {
          if (u.active && !window.confirm(`停用 ${nameOf(u)}？他会立即退出，不能再登录。`)) return;
          await api('PATCH', `/users/${u.id}`, { active: !u.active });
          await usersPanel(box);
          showNotice(u.active ? `${nameOf(u)} 已停用。` : `${nameOf(u)} 已启用。`);
        }) });
      const reset = el('button', { type: 'button', class: 'btn small', testid: `reset-${u.username}`, text: '重置密码',
        onclick: (ev) => act(ev.target, null, async () => {
          const pw = window.prompt(`给 ${nameOf(u)} 设一个新密码（至少 10 位）：`, '');
          if (pw === null) return;
          if (pw.length < 10) throw clientError('密码至少 10 位。');
          await api('POST', `/users/${u.id}/password`, { password: pw });
          showNotice(`${nameOf(u)} 的密码已重置，请当面告诉他。`);
        }) });
      const rename = el('button', { type: 'button', class: 'btn small', testid: `rename-${u.username}`, text: '改姓名',
        onclick: (ev) => act(ev.target, null, async () => {
          const name = window.prompt(`${nameOf(u)} 的姓名（页面和操作记录里显示）：`, u.display_name || '');
          if (name === null) return;
          if (!name.trim()) throw clientError('姓名不能为空。');
          await api('PATCH', `/users/${u.id}`, { display_name: name.trim() });
          await usersPanel(box);
          showNotice(`已改为“${name.trim()}”。`);
        }) });
      tr.lastChild.append(el('div', { class: 'row' }, rename, roleSel, toggle, reset));
    });
    const f = form('user-form', [
      { name: 'display_name', label: '姓名', required: true, placeholder: '如 张会计' },
      { name: 'username', label: '登录名', required: true, placeholder: '字母或数字，如 zhuli2' },
      { name: 'password', label: '初始密码（至少 10 位）', type: 'password', required: true },
      { name: 'role', label: '角色', type: 'select', options: roles },
    ], '新建账号', async (v) => {
      const u = await api('POST', '/users', v);
      showNotice(`已新建账号 ${nameOf(u)}（登录名 ${u.username}，${ROLE[u.role]}）。`);
      await usersPanel(box);
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: '工作人员账号' }),
      el('p', { class: 'muted', text: '停用或改角色后，这个账号已登录的页面会立即失效。企业通过接口密钥下单，不需要账号。' }),
      el('div', { class: 'scroll' }, list)), f);
  }

  async function webhooksPanel(box) {
    const page = await api('GET', '/webhook-deliveries?status=failed&per_page=100');
    const list = el('table', { class: 'table', testid: 'delivery-list' });
    table(list, ['编号', '事件', '创建', '尝试次数', '最后结果', ''], page.items.map((d) => ({
      testid: `delivery-${d.id}`,
      cells: [String(d.id), EVENT[d.event_type] || d.event_type, o.localTime(d.created_at), String(d.attempts),
        d.last_status_code ? `对方返回 ${d.last_status_code}` : d.last_error ? '连接失败' : '', ''],
    })), { empty: '没有推送失败的企业通知。' });
    list.querySelectorAll('tbody tr').forEach((tr, i) => {
      const d = page.items[i];
      if (!d) return;
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small', testid: `resend-${d.id}`, text: '重新推送',
        onclick: (ev) => act(ev.target, null, async () => {
          await api('POST', `/webhook-deliveries/${d.id}/resend`, {});
          showNotice('已重新排队推送。');
          await webhooksPanel(box);
        }) }));
    });
    fill(box, el('section', { class: 'card' }, el('h2', { text: `推送失败的企业通知（共 ${page.total} 条）` }),
      el('p', { class: 'muted', text: '企业的系统多次没有收到时会停止重试。请先与企业确认对方系统已恢复，再重新推送。' }),
      el('div', { class: 'scroll' }, list)));
  }

  o.usersPanel = usersPanel;
  o.webhooksPanel = webhooksPanel;
})();
