// 基础资料 · 群机器人：把企业微信或钉钉群里的“群机器人”地址填进来（钉钉还要加签密钥，SEC 开头），
// 选择告诉它什么：每日销售日报（几点发）、直播结束汇报、售后提醒、财务公开。消息排队发送，每分钟不超过机器人的限制；
// 机器人拒收的消息在这里显示原因。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, table, form, act } = o;
  const { showNotice } = window.Zhunong;

  const KIND = { wecom: '企业微信', dingtalk: '钉钉' };
  const STATUS = { pending: '排队中', delivered: '已发送', failed: '没发出' };
  const TOPIC = { daily_summary: '日报', show_summary: '直播汇报', after_sales: '售后提醒', finance_sheet: '财务公开', test: '测试' };

  /** 发送失败的原因，用中文说（服务器记的是技术原文；机器人的错误码照样给出，方便查）。 */
  function errorText(e) {
    if (!e) return '';
    const code = /^errcode (\d+)/.exec(e);
    if (code) return `机器人拒收（错误码 ${code[1]}）`;
    if (/^timed out/.test(e)) return '机器人的服务器没有及时回答';
    if (/^could not connect/.test(e)) return '连不上机器人的服务器';
    if (/private, loopback or reserved/.test(e)) return '机器人的地址指向内网，不能发送';
    if (/^cannot resolve |resolves to nothing/.test(e)) return '找不到机器人的服务器（请检查网络或地址）';
    const answered = /^answered (\d+)/.exec(e);
    if (answered) return `机器人的服务器出错（${answered[1]}）`;
    if (/switched off/.test(e)) return '机器人已停用';
    return '发送失败';
  }

  /** 一个机器人被告知的内容，用文字列出。 */
  function topics(r) {
    return [r.daily_summary ? `日报（${r.daily_at}）` : null, r.show_summary ? '直播汇报' : null,
      r.after_sales ? '售后提醒' : null, r.finance_sheets ? '财务公开' : null].filter(Boolean).join('、') || '（未选）';
  }

  async function messagesOf(box, r) {
    const list = await api('GET', `/robots/${r.id}/messages`);
    const t = el('table', { class: 'table', testid: 'robot-messages' });
    table(t, ['时间', '内容', '状态', '原因'], list.map((m) => ({
      testid: `robot-message-${m.id}`,
      cells: [o.localTime(m.created_at), `${TOPIC[m.topic] || ''}：${m.title}`,
        m.status === 'pending' && m.last_error ? '排队中，稍后重试' : STATUS[m.status] || '', errorText(m.last_error)],
    })), { empty: '还没有消息。' });
    fill(box, el('h3', { text: `“${r.name}”最近的消息` }), el('div', { class: 'scroll' }, t));
  }

  async function robotsPanel(box) {
    const robots = await api('GET', '/robots');
    const detail = el('div', { testid: 'robot-detail' });
    const list = el('table', { class: 'table', testid: 'robot-list' });
    table(list, ['名称', '类型', '地址', '告知', '状态', { text: '排队', num: true }, { text: '没发出', num: true }, '最近的错误', '操作'], robots.map((r) => ({
      testid: `robot-${r.id}`,
      cells: [r.name, KIND[r.kind] || '', r.url_hint, topics(r), r.enabled ? '启用' : '已停用', String(r.pending), String(r.failed), errorText(r.last_error), ''],
    })), { empty: '还没有群机器人。' });
    list.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => {
      const r = robots[i];
      tr.lastChild.append(el('div', { class: 'row wrap' },
        el('button', { type: 'button', class: 'btn small', testid: `robot-test-${r.id}`, text: '发测试消息',
          onclick: (ev) => act(ev.target, null, async () => {
            await api('POST', `/robots/${r.id}/test`, {});
            showNotice(`已给“${r.name}”排队一条测试消息，请到群里看是否收到。`);
            await robotsPanel(box);
          }) }),
        el('button', { type: 'button', class: 'btn small', testid: `robot-toggle-${r.id}`, text: r.enabled ? '停用' : '启用',
          onclick: (ev) => act(ev.target, null, async () => {
            await api('PUT', `/robots/${r.id}`, { enabled: !r.enabled });
            showNotice(r.enabled ? `已停用“${r.name}”。` : `已启用“${r.name}”。`);
            await robotsPanel(box);
          }) }),
        el('button', { type: 'button', class: 'btn small', testid: `robot-messages-${r.id}`, text: '最近的消息',
          onclick: (ev) => act(ev.target, null, () => messagesOf(detail, r)) })));
    });
    const add = form('robot-form', [
      { name: 'name', label: '名称', placeholder: '如：村干部群', required: true },
      { name: 'kind', label: '类型', type: 'select', options: Object.entries(KIND) },
      { name: 'url', label: '机器人地址', placeholder: '在群设置 · 群机器人里复制整个地址', required: true, wide: true },
      { name: 'secret', label: '加签密钥（仅钉钉，SEC 开头）', wide: true },
      { name: 'daily_summary', label: '每日销售日报', type: 'checkbox' },
      { name: 'daily_at', label: '日报时间（24 小时制）', value: '21:00', placeholder: '21:00' },
      { name: 'show_summary', label: '直播结束汇报', type: 'checkbox' },
      { name: 'after_sales', label: '售后提醒', type: 'checkbox' },
      { name: 'finance_sheets', label: '财务公开', type: 'checkbox' },
    ], '添加群机器人', async (v) => {
      if (v.kind !== 'dingtalk') delete v.secret;
      const r = await api('POST', '/robots', v);
      showNotice(`已添加“${r.name}”。可以点“发测试消息”试一试。`);
      await robotsPanel(box);
    });
    fill(box,
      el('section', { class: 'card' },
        el('h2', { text: '群机器人' }),
        el('p', { class: 'muted', text: '日报、直播汇报、售后提醒和财务公开可以自动发到村干部的企业微信群或钉钉群。机器人地址和密钥加密保存，页面上只显示末尾几位。' }),
        el('div', { class: 'scroll', 'aria-label': '群机器人' }, list),
        detail),
      add);
  }

  o.robotsPanel = robotsPanel;
})();
