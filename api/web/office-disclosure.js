// 财务公开：按季度（或按月）从账簿起草财务公开表，民主理财小组成员（审核员账号）审核，书记公布；
// 公布后不能再改，可以打印 A3 公开栏海报（带二维码），村民用手机扫码看网上公开页。要更正就起草新的一版，旧版仍能查看。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { el, fill, api, table } = o;
  const { run, showNotice, session } = window.Zhunong;

  const STATUS = window.Zhunong.labelsOf('sheet_status');
  const QUARTER = ['一', '二', '三', '四'];

  /** 已经过完的最近 4 个季度和 6 个月：[值, 文字]。 */
  function periods() {
    const now = new Date();
    const out = [];
    let y = now.getFullYear();
    let q = Math.floor(now.getMonth() / 3); // 本季度（0 起）：还没过完
    for (let n = 0; n < 4; n += 1) {
      q -= 1;
      if (q < 0) { q = 3; y -= 1; }
      out.push([`${y}-Q${q + 1}`, `${y}年第${QUARTER[q]}季度`]);
    }
    const m = new Date(now.getFullYear(), now.getMonth(), 1);
    for (let n = 0; n < 6; n += 1) {
      m.setMonth(m.getMonth() - 1);
      out.push([`${m.getFullYear()}-${String(m.getMonth() + 1).padStart(2, '0')}`, `${m.getFullYear()}年${m.getMonth() + 1}月`]);
    }
    return out;
  }

  const NOTES = [['plan', '一、财务计划'], ['resources', '五、各类资源'], ['distribution', '七、收益分配'], ['other', '八、其他']];

  function notesFields(notes, prefix) {
    return NOTES.map(([k, label]) => el('label', { class: 'field' }, el('span', { text: `${label}（账簿里没有的，写明；不写则公布“本期无”）` }),
      el('textarea', { name: k, rows: 2, maxlength: 2000, testid: `${prefix}-${k}`, 'data-field': `notes.${k}` }, notes ? notes[k] || '' : '')));
  }

  const readNotes = (box, prefix) => Object.fromEntries(NOTES.map(([k]) => [k, box.querySelector(`[data-testid="${prefix}-${k}"]`).value]));

  /** 一份公开表的要点和可做的事。 */
  function detail(s, again) {
    const c = s.content;
    const me = session();
    const auditor = me && me.role === 'auditor';
    const box = el('section', { class: 'card', testid: 'sheet-detail' });
    const accounts = (list) => list.map((a) => ({ cells: [`${a.account_code} ${a.account_name}`, o.money(a.total_fen), a.items.map((i) => `${i.date || ''} ${i.text}：${o.money(i.amount_fen)}`).join('；')] }));
    const income = el('table', { class: 'table', testid: 'sheet-income' });
    table(income, ['科目', { text: '金额', num: true }, '明细'], accounts(c.income), { empty: '本期无收入。' });
    const spending = el('table', { class: 'table', testid: 'sheet-spending' });
    table(spending, ['科目', { text: '金额', num: true }, '明细'], accounts(c.spending), { empty: '本期无支出。' });
    const sales = el('table', { class: 'table', testid: 'sheet-sales' });
    table(sales, ['产品', { text: '销售额', num: true }, { text: '提成', num: true }], c.top_sales.map((x) => ({ cells: [x.product, o.money(x.net_sales_fen), o.money(x.commission_fen)] })), { empty: '本期无销售。' });
    const act = [];
    const step = (testid, text, work, primary) => el('button', { type: 'button', class: `btn${primary ? ' primary' : ''}`, testid, text,
      onclick: (ev) => run(ev.target, async () => { await work(); await again(s.id); }) });
    if (auditor && s.status === 'drafted') {
      const note = el('input', { testid: 'sheet-check-note', 'aria-label': '审核意见', placeholder: '审核意见（可不填）', maxlength: 500, 'data-field': 'note' });
      act.push(el('div', { class: 'row wrap' }, note, step('sheet-check', '审核通过', async () => {
        await api('POST', `/finance-sheets/${s.id}/check`, { note: note.value || null });
        showNotice('已审核通过，书记可以公布了。');
      }, true)));
    }
    let edit = null;
    if (!auditor && (s.status === 'drafted' || s.status === 'checked')) {
      edit = el('div', { class: 'form', testid: 'sheet-edit' }, ...notesFields(c.notes, 'sheet-note'));
      act.push(step('sheet-save', '保存修改（重新取数，需重新审核）', async () => {
        await api('PUT', `/finance-sheets/${s.id}`, { notes: readNotes(edit, 'sheet-note') });
        showNotice('已保存，数字已按账簿重新取；需要民主理财小组重新审核。');
      }));
    }
    if (!auditor && s.status === 'checked') {
      act.push(step('sheet-publish', '公布', async () => {
        if (!window.confirm('公布后这份表就不能再改了，确定公布吗？')) return;
        await api('POST', `/finance-sheets/${s.id}/publish`);
        showNotice('已公布。可以打印公开栏海报了。');
      }, true));
    }
    if (s.status === 'published' || s.status === 'replaced') {
      if (!auditor) {
        act.push(el('button', { type: 'button', class: 'btn primary', testid: 'sheet-poster', text: '打印公开栏海报（A3）',
          onclick: (ev) => run(ev.target, () => o.openPrint(`/finance-sheets/${s.id}/poster`)) }));
      }
      act.push(el('a', { class: 'btn', testid: 'sheet-public', href: s.public_path, target: '_blank', rel: 'noopener', text: '打开网上公开页' }));
    }
    const who = [`起草：${s.drafted_by}`, s.checked_by ? `审核：${s.checked_by}${s.check_note ? `（${s.check_note}）` : ''}` : '尚未审核',
      s.published_by ? `公布：${s.published_by}` : ''].filter(Boolean).join('；');
    fill(box,
      el('h2', { text: `${c.period_text}财务公开 · 第 ${s.version} 版` }),
      el('p', { class: 'lead', testid: 'sheet-status', text: `${STATUS[s.status] || ''}。收入合计 ${o.money(c.income_total_fen)}，支出合计 ${o.money(c.spending_total_fen)}，期末应付种植户 ${o.money(c.owed_to_growers_fen)}。` }),
      el('p', { class: 'muted', text: who }),
      c.books_closed ? null : el('p', { class: 'muted', text: '这一期的账还没有结账：结账后再起草，数字才不会再变。' }),
      el('div', { class: 'btns left' }, ...act),
      edit,
      el('h3', { text: '各项收入' }), el('div', { class: 'scroll' }, income),
      el('h3', { text: '销售提成来自的主要产品' }), el('div', { class: 'scroll' }, sales),
      el('h3', { text: '各项支出' }), el('div', { class: 'scroll' }, spending));
    return box;
  }

  /** 财务公开标签页：起草、列表、选中的一份。 */
  async function panel(box, id, pick, params) {
    const me = session();
    const auditor = me && me.role === 'auditor';
    const list = await api('GET', `/collectives/${id}/finance-sheets`);
    const chosen = Number(params.get('sheet')) || (list[0] && list[0].id);
    const again = (sheet) => { location.hash = `#books?tab=disclosure&collective=${id}&sheet=${sheet}&t=${Date.now()}`; };
    const rows = el('table', { class: 'table', testid: 'sheets' });
    table(rows, ['期间', '版本', '状态', { text: '收入合计', num: true }, '审核', ''], list.map((s) => ({
      testid: `sheet-${s.period}-v${s.version}`,
      cells: [s.content.period_text, `第 ${s.version} 版`, STATUS[s.status] || '', o.money(s.content.income_total_fen), s.checked_by || '', ''],
    })), { empty: '还没有财务公开表。' });
    rows.querySelectorAll('tbody tr[data-testid]').forEach((tr, n) => {
      tr.lastChild.append(el('a', { href: `#books?tab=disclosure&collective=${id}&sheet=${list[n].id}`, testid: `sheet-open-${list[n].id}`, text: '查看' }));
    });
    let draft = null;
    if (!auditor) {
      const period = el('select', { testid: 'sheet-period', 'aria-label': '公开期间', 'data-field': 'period' }, periods().map(([v, t]) => el('option', { value: v, text: t })));
      draft = el('div', { class: 'form', testid: 'sheet-draft-form' },
        el('div', { class: 'row wrap books-bar' }, el('label', { text: '公开期间' }), period),
        ...notesFields(null, 'draft-note'),
        el('div', { class: 'btns left' }, el('button', { type: 'button', class: 'btn primary', testid: 'sheet-draft', text: '从账簿起草',
          onclick: (ev) => run(ev.target, async () => {
            const s = await api('POST', `/collectives/${id}/finance-sheets`, { period: period.value, notes: readNotes(draft, 'draft-note') });
            showNotice(`已起草 ${s.content.period_text} 第 ${s.version} 版，请民主理财小组审核。`);
            again(s.id);
          }) })));
    }
    const current = list.find((s) => s.id === chosen);
    fill(box,
      el('section', { class: 'card' },
        el('h2', { text: '财务公开' }),
        el('p', { class: 'muted', text: auditor
          ? '您是民主理财小组成员：请核对书记起草的财务公开表，无误后点“审核通过”。审核后书记才能公布。'
          : '按季度（账目多时按月）公开集体的收入、支出、资产和债权债务。起草后由民主理财小组审核，审核通过才能公布；公布后不能再改，要更正就起草新的一版。' }),
        el('div', { class: 'row wrap books-bar' }, el('label', { text: '集体' }), pick),
        draft,
        el('div', { class: 'scroll', 'aria-label': '财务公开表' }, rows)),
      current ? detail(current, again) : null);
  }

  o.disclosurePanel = panel;
})();
