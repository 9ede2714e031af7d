// 基础资料 · 买家详情里的“个人信息”一节（个人信息保护法第四十五、四十七条）：导出买家的全部个人信息
// （ZIP，带登录凭据下载，同报表的 CSV、Excel），和删除个人信息（先在页面里的确认框写明原因）。
// 删除后买家只剩“已删除的买家”，订单、收款和账目保留；已删除的买家仍可导出，不能再删除。
// office-buyers.js 的 detail() 调用 o.buyerPrivacy。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, api, act } = o;
  const { showNotice, clientError } = window.Zhunong;

  const WHAT_GOES = '将删除此买家的姓名、电话、地址、联系人和抖音昵称，无法恢复；订单、收款和账目保留，报表不变。';

  /** 已删除个人信息的标记（详情标题旁用 testid buyer-erased，列表里每行用 buyer-erased-编号）。 */
  function erasedTag(b, testid = 'buyer-erased') {
    return b.erased_at ? el('span', { class: 'badge erased', testid, text: '已删除个人信息' }) : null;
  }

  /** 导出个人信息：服务器打好的 ZIP，带登录凭据取回后下载。 */
  function exportButton(b) {
    return el('button', {
      type: 'button', class: 'btn', testid: 'buyer-export', text: '导出个人信息',
      onclick: (ev) => act(ev.currentTarget, null, () => o.download(`/buyers/${b.id}/personal-data`, `买家${b.id}_个人信息.zip`)),
    });
  }

  /** 删除前的确认框：说明删除什么、保留什么，必须写原因。after(删除后的买家) 刷新页面。 */
  function erasePanel(b, opener, after) {
    const reason = el('input', {
      name: 'reason', 'data-field': 'reason', testid: 'erase-reason', maxlength: 200, required: true,
      autocomplete: 'off', placeholder: '如 本人申请删除',
    });
    const confirm = el('button', { type: 'submit', class: 'btn danger', testid: 'erase-confirm', text: '确认删除' });
    const close = () => {
      panel.hidden = true;
      reason.value = '';
      reason.classList.remove('invalid');
      reason.removeAttribute('aria-invalid');
      opener.focus();
    };
    const cancel = el('button', { type: 'button', class: 'btn', testid: 'erase-cancel', text: '取消', onclick: close });
    const panel = el('form', {
      class: 'erase-panel', testid: 'erase-panel', hidden: true, novalidate: true, 'aria-labelledby': `erase-title-${b.id}`,
      onkeydown: (ev) => { if (ev.key === 'Escape') close(); },
      onsubmit: (ev) => {
        ev.preventDefault();
        act(confirm, panel, async () => {
          const text = reason.value.trim();
          if (!text) throw clientError('请填写删除原因。', [{ field: 'reason', message: '必填' }]);
          const out = await api('POST', `/buyers/${b.id}/erase`, { reason: text });
          await after(out);
          showNotice('已删除此买家的个人信息。');
        }).finally(() => { if (reason.classList.contains('invalid') && reason.isConnected) reason.focus(); });
      },
    },
    el('h4', { id: `erase-title-${b.id}`, text: `删除“${b.name}”的个人信息？` }),
    el('p', { class: 'erase-what', text: WHAT_GOES }),
    el('label', {}, '删除原因（必填）', reason),
    el('div', { class: 'btns' }, confirm, cancel));
    return panel;
  }

  /**
   * 买家详情的“个人信息”一节：{ tag（已删除的标记，没删除为 null）, section }。没删除的买家有导出和删除；
   * 已删除的只能导出。
   */
  function buyerPrivacy(b, after) {
    const tag = erasedTag(b);
    if (b.erased_at) {
      return {
        tag,
        section: el('section', { class: 'privacy', testid: 'buyer-privacy' },
          el('h3', { text: '个人信息' }),
          el('p', { class: 'muted', text: `${o.localTime(b.erased_at)} 已删除此买家的个人信息；订单、收款和账目保留。` }),
          el('div', { class: 'btns' }, exportButton(b))),
      };
    }
    const opener = el('button', { type: 'button', class: 'btn danger', testid: 'buyer-erase', text: '删除个人信息' });
    const panel = erasePanel(b, opener, after);
    opener.addEventListener('click', () => {
      window.Zhunong.clearMessage();
      panel.hidden = false;
      panel.querySelector('[name=reason]').focus();
    });
    return {
      tag,
      section: el('section', { class: 'privacy', testid: 'buyer-privacy' },
        el('h3', { text: '个人信息' }),
        el('p', { class: 'muted', text: '买家本人要求时，可导出或删除他的个人信息。' }),
        el('div', { class: 'btns' }, exportButton(b), opener),
        panel),
    };
  }

  Object.assign(o, { buyerPrivacy, erasedTag });
})();
