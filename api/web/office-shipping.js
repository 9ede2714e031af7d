// 发货台：称好的订单按配送方式（快递、自提、装车）列出，写着收货人；买家的订单链接可以查看、作废重发。
// 快递单号：下载待发货的快递订单（CSV 或 Excel，给快递公司的批量打单工具），打好面单后把带“订单号、
// 物流公司、运单号”的表格导回来，逐行显示结果（已发货、无变化、未导入和原因）；同一个文件导入两次不会
// 重复发货。未签收：发货若干天后还没有签收的包裹，可以标记签收。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, table } = o;
  const { run, showNotice, clientError } = window.Zhunong;

  const FULFILMENT = window.Zhunong.labelsOf('fulfilment', ['parcel', 'pickup', 'load']);
  const PARCEL_STATUS = window.Zhunong.labelsOf('parcel_status');
  const PER_PAGE = 50;
  const GROUP_SHOWN = 10; // “全部”里每种方式先列几单
  const XLSX_TYPE = o.XLSX_TYPE;

  /** 导入结果每一行的结果与原因（服务器的 code → 中文）。 */
  const RESULT = { applied: '已发货', unchanged: '无变化', refused: '未导入' };
  const ROW_REASON = {
    unknown_order: '没有这个订单号',
    bad_tracking_no: '运单号格式不对：只能用英文字母、数字和 -，最多 40 位',
    unknown_carrier: '物流公司没有填写，或不是能识别的快递公司',
    not_a_parcel_order: '这张订单不是快递发货（是自提或装车）',
    tracking_number_taken: '这个运单号已经用在别的订单上了',
    already_shipped: '这张订单已经发货了',
    not_weighed: '这张订单还没有称重',
    weights_not_approved: '称重超出允许误差，需书记先审批',
    nothing_to_ship: '这张订单没有等待发货的货',
    several_parcels: '这张订单分了几个包裹或还有没打包的筐，请到称重站逐个发货',
  };
  function rowReason(r) {
    if (r.code === 'unknown_order' && !/^\s*ZN\d+\s*$/i.test(r.order_number || '')) return '订单号格式不对（应如 ZN000042）';
    if (r.code === 'already_shipped' && /earlier row/.test(r.reason || '')) return '文件里前面已有一行给这张订单发了货';
    if (r.code === 'tracking_number_taken' && /another row/.test(r.reason || '')) return '这个运单号在文件里另一行用在了别的订单上';
    return ROW_REASON[r.code] || '没有导入，请检查这一行';
  }

  const address = (r) => [r.province, r.city, r.district, r.street, r.detail].filter(Boolean).join('');
  const daysSince = (iso) => Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 86400000));

  /** 一组请求，每次同时发 size 个。 */
  async function inBatches(items, size, fn) {
    const out = [];
    for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
    return out;
  }

  // ---------------------------------------------------------------- 待发货

  const waitingState = { method: '', page: 1 };

  async function counts() {
    const n = await Promise.all(Object.keys(FULFILMENT).map((m) => api('GET', `/orders?status=weighed&fulfilment=${m}&per_page=1`)));
    const c = Object.fromEntries(Object.keys(FULFILMENT).map((m, i) => [m, n[i].total]));
    c.all = n.reduce((s, x) => s + x.total, 0);
    return c;
  }

  function whereTo(x, f) {
    if (x.fulfilment === 'parcel') {
      const r = f && f.recipient;
      return r ? [r.name, r.phone, address(r)] : ['（未填收货人）', '', ''];
    }
    if (x.fulfilment === 'pickup') {
      const p = f && f.pickup_point;
      return [x.buyer ? x.buyer.name : '', x.buyer ? x.buyer.phone || '' : '', p ? `自提点：${p.name}（${p.address}）` : '自提'];
    }
    return [x.buyer ? x.buyer.name + (x.buyer.company ? `（${x.buyer.company}）` : '') : '', x.buyer ? x.buyer.phone || '' : '', '随车送达（称重站装车）'];
  }

  /** 买家链接：显示完整地址，可复制；“重新生成”让旧链接失效。 */
  function linkRow(x, f, cols) {
    const input = el('input', { readonly: true, class: 'link-text', testid: `link-text-${x.id}`, 'aria-label': `${x.number} 的买家链接`,
      value: f && f.view_path ? `${location.origin}${f.view_path}` : '' });
    const note = el('span', { class: 'muted', testid: `link-note-${x.id}`,
      text: f && f.view_path ? '把这个链接发给买家，买家不用登录就能看订单、物流和申请售后。' : '这张订单的链接已作废，请重新生成。' });
    const copy = el('button', { type: 'button', class: 'btn small', testid: `link-copy-${x.id}`, text: '复制',
      onclick: (ev) => run(ev.target, async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(input.value);
          showNotice('买家链接已复制。');
        } catch (_) {
          showNotice('浏览器不让自动复制：链接已选中，请按 Ctrl+C 复制。');
        }
      }) });
    const renew = el('button', { type: 'button', class: 'btn small danger', testid: `link-renew-${x.id}`, text: '作废并重新生成',
      onclick: (ev) => run(ev.target, async () => {
        if (!window.confirm(`重新生成 ${x.number} 的买家链接？旧链接会立即失效，买家要用新链接才能打开。`)) return;
        const r = await api('POST', `/orders/${x.id}/view-link`, {});
        input.value = `${location.origin}${r.view_path}`;
        note.textContent = '已生成新链接，旧链接已失效。';
        showNotice(`已重新生成 ${x.number} 的买家链接。`);
      }) });
    return el('tr', { class: 'link-row', testid: `link-row-${x.id}` },
      el('td', { colspan: cols }, el('div', { class: 'link-box' }, input, copy, renew), note));
  }

  function orderRows(list, fulf, headCount) {
    const rows = [];
    for (const x of list) {
      const f = fulf.get(x.id);
      const [name, phone, where] = whereTo(x, f);
      const flagged = x.weights_flagged && !x.weights_approved;
      const tr = el('tr', { testid: `ship-order-${x.id}` },
        el('td', {}, el('a', { href: `#orders?id=${x.id}`, text: x.number })),
        el('td', { text: FULFILMENT[x.fulfilment] || '' }),
        el('td', { testid: `ship-name-${x.id}`, text: name }),
        el('td', { text: phone }),
        el('td', { class: 'wrap-cell', testid: `ship-where-${x.id}`, text: where }),
        el('td', { class: 'num', text: money(x.final_total_fen ?? x.total_fen) }),
        el('td', { class: flagged ? 'warn-text' : null, text: flagged ? '称重超差，待审批' : '可发货' }),
        el('td', {}));
      let open = null;
      tr.lastChild.append(el('button', { type: 'button', class: 'btn small', testid: `link-${x.id}`, text: '买家链接',
        'aria-expanded': 'false',
        onclick: (ev) => {
          if (open) { open.remove(); open = null; ev.target.setAttribute('aria-expanded', 'false'); return; }
          open = linkRow(x, f, headCount);
          tr.after(open);
          ev.target.setAttribute('aria-expanded', 'true');
        } }));
      rows.push(tr);
    }
    return rows;
  }

  const HEAD = ['订单号', '方式', '收货人', '电话', '地址 / 自提点', { text: '金额', num: true }, '状态', ''];

  async function fulfilments(list) {
    const got = await inBatches(list, 20, (x) => api('GET', `/orders/${x.id}/fulfilment`));
    return new Map(got.map((f) => [f.order_id, f]));
  }

  async function waitingPanel(box) {
    const c = await counts();
    const method = waitingState.method;
    const tabs = el('div', { class: 'status-tabs', role: 'tablist', 'aria-label': '按配送方式', testid: 'ship-methods' },
      [['', '全部'], ...Object.entries(FULFILMENT)].map(([m, text]) => el('button', {
        type: 'button', role: 'tab', class: `tab${m === method ? ' current' : ''}`, testid: `ship-method-${m || 'all'}`,
        'aria-selected': m === method ? 'true' : 'false',
        onclick: () => run(null, async () => { waitingState.method = m; waitingState.page = 1; await waitingPanel(box); }),
      }, text, ' ', el('span', { class: 'count', testid: `ship-count-${m || 'all'}`, text: String(m ? c[m] : c.all) }))));

    const node = el('table', { class: 'table', testid: 'ship-list' });
    const head = el('thead', {}, el('tr', {}, HEAD.map((h) => el('th', { class: h.num ? 'num' : null, text: h.text || h }))));
    const body = el('tbody');
    let pager = null;
    if (method) {
      const page = await api('GET', `/orders?status=weighed&fulfilment=${method}&per_page=${PER_PAGE}&page=${waitingState.page}`);
      const fulf = await fulfilments(page.items);
      body.append(...orderRows(page.items, fulf, HEAD.length));
      const pages = Math.max(1, Math.ceil(page.total / PER_PAGE));
      pager = el('div', { class: 'row pager' },
        el('button', { type: 'button', class: 'btn small', testid: 'ship-prev', text: '上一页', disabled: waitingState.page <= 1,
          onclick: (ev) => run(ev.target, async () => { waitingState.page -= 1; await waitingPanel(box); }) }),
        el('span', { class: 'muted', testid: 'ship-pages', text: `共 ${page.total} 单，第 ${waitingState.page} / ${pages} 页` }),
        el('button', { type: 'button', class: 'btn small', testid: 'ship-next', text: '下一页', disabled: waitingState.page >= pages,
          onclick: (ev) => run(ev.target, async () => { waitingState.page += 1; await waitingPanel(box); }) }));
    } else {
      // 全部：按方式分组，每组先列最新的 GROUP_SHOWN 单，其余点进那一种方式分页看。
      const pages = await Promise.all(Object.keys(FULFILMENT).map((m) => api('GET', `/orders?status=weighed&fulfilment=${m}&per_page=${GROUP_SHOWN}`)));
      const fulf = await fulfilments(pages.flatMap((p) => p.items));
      Object.keys(FULFILMENT).forEach((m, i) => {
        const p = pages[i];
        if (!p.total) return;
        body.append(el('tr', { class: 'group-head', testid: `ship-group-${m}` },
          el('td', { colspan: HEAD.length, text: `${FULFILMENT[m]}（${p.total} 单）` })));
        body.append(...orderRows(p.items, fulf, HEAD.length));
        if (p.total > p.items.length) {
          body.append(el('tr', { class: 'more-row' }, el('td', { colspan: HEAD.length },
            el('span', { class: 'muted', text: `还有 ${p.total - p.items.length} 单没有列出。` }), ' ',
            el('button', { type: 'button', class: 'btn small', testid: `ship-more-${m}`, text: `查看全部 ${p.total} 单${FULFILMENT[m]}订单`,
              onclick: () => run(null, async () => { waitingState.method = m; waitingState.page = 1; await waitingPanel(box); }) }))));
        }
      });
    }
    if (!body.children.length) {
      body.append(el('tr', {}, el('td', { colspan: HEAD.length, class: 'empty',
        text: method ? `没有等待${FULFILMENT[method]}的订单。` : '没有等待发货的订单：订单称重完成后会出现在这里。' })));
    }
    fill(node, head, body);
    fill(box, el('section', { class: 'card' },
      el('div', { class: 'row spread wrap' }, el('h2', { text: '称好待发的订单' }),
        el('button', { type: 'button', class: 'btn small', testid: 'ship-refresh', text: '刷新',
          onclick: (ev) => run(ev.target, () => waitingPanel(box)) })),
      el('p', { class: 'muted', text: '快递订单在“快递单号”里批量打单、回填运单号；自提订单由买家凭提货码到自提点提货；装车订单由称重站装车。' }),
      tabs,
      el('div', { class: 'scroll', 'aria-label': '待发货订单' }, node),
      pager));
  }

  // ---------------------------------------------------------------- 快递单号：下载与导入

  /** 上传表格文件，返回导入结果；表头不对时说清楚要哪几列、文件里有哪几列。 */
  async function upload(file) {
    try {
      return await o.uploadFile('/parcels/tracking-import', file);
    } catch (e) {
      if (e && e.foundHeaders) {
        const names = e.foundHeaders;
        throw clientError(`这个文件的表头里找不到“订单号”和“运单号”这两列。${names.length ? `文件里的表头是：${names.join('、')}。` : '文件里没有表头。'}请用快递打单工具导出的表格，或把第一行写成：订单号、物流公司、运单号。`);
      }
      throw e;
    }
  }

  function resultView(file, r) {
    const onlyRefused = el('input', { type: 'checkbox', testid: 'import-only-refused' });
    const list = el('table', { class: 'table', testid: 'import-rows' });
    const draw = () => {
      const rows = onlyRefused.checked ? r.rows.filter((x) => x.result === 'refused') : r.rows;
      table(list, [{ text: '行号', num: true }, '订单号', '运单号', '结果', '原因'], rows.map((x) => ({
        testid: `import-row-${x.line}`, class: x.result === 'refused' ? 'refused' : null,
        cells: [String(x.line), x.order_number, x.tracking_no, RESULT[x.result] || '', x.result === 'refused' ? rowReason(x) : ''],
      })), { empty: onlyRefused.checked ? '没有未导入的行。' : '文件里没有数据行。' });
    };
    onlyRefused.addEventListener('change', draw);
    draw();
    const chip = (key, text, n, cls) => el('div', { class: `stat ${cls || ''}`, testid: `import-${key}` },
      el('h3', { text }), el('div', { class: 'value', text: String(n) }));
    return el('section', { class: 'card', testid: 'import-result' },
      el('h2', { text: `导入结果：${file.name}` }),
      el('p', { class: 'lead', testid: 'import-summary',
        text: `共 ${r.rows.length} 行：已发货 ${r.applied} 行，无变化 ${r.unchanged} 行，未导入 ${r.refused} 行。` }),
      el('div', { class: 'cards' },
        chip('applied', '已发货', r.applied, 'ok'), chip('unchanged', '无变化（以前已导入）', r.unchanged),
        chip('refused', '未导入', r.refused, r.refused ? 'bad' : '')),
      r.refused ? el('p', { class: 'warn-text', text: '未导入的行请按原因改正后，把文件再导入一次；已发货的行不会重复发货。' }) : null,
      el('label', { class: 'row check' }, onlyRefused, '只看未导入的行'),
      el('div', { class: 'scroll', 'aria-label': '导入结果' }, list));
  }

  function importPanel(box) {
    const stamp = window.Zhunong.localDate();
    // 浏览器自带的文件框按系统语言写字（可能是英文）：把它藏起来，用中文的按钮和文件名代替。
    const file = el('input', { type: 'file', id: 'import-file', class: 'file-input', testid: 'import-file', 'data-field': 'file',
      accept: `.csv,.xlsx,text/csv,${XLSX_TYPE}` });
    const chosen = el('span', { class: 'file-name', testid: 'import-file-name', text: '还没有选择文件' });
    file.addEventListener('change', () => {
      const f = file.files && file.files[0];
      chosen.textContent = f ? f.name : '还没有选择文件';
      chosen.classList.toggle('muted', !f);
    });
    chosen.classList.add('muted');
    const result = el('div', { testid: 'import-result-box' });
    const go = el('button', { type: 'button', class: 'btn primary', testid: 'import-submit', text: '导入运单号',
      onclick: (ev) => run(ev.target, async () => {
        const f = file.files && file.files[0];
        if (!f) throw clientError('请先选择要导入的表格文件（CSV 或 Excel）。');
        if (!/\.(csv|xlsx)$/i.test(f.name)) throw clientError('只能导入 CSV 或 Excel（.xlsx）表格文件。');
        fill(result);
        const r = await upload(f);
        fill(result, resultView(f, r));
        showNotice(`导入完成：已发货 ${r.applied} 行，无变化 ${r.unchanged} 行，未导入 ${r.refused} 行。`);
      }) });
    fill(box,
      el('section', { class: 'card' },
        el('h2', { text: '第一步：下载待发货的快递订单' }),
        el('p', { class: 'muted', text: '表格里有收件人、手机、完整地址、重量和物品，可以直接导入快递公司的批量打单工具。' }),
        el('div', { class: 'btns left' },
          el('button', { type: 'button', class: 'btn', testid: 'waiting-csv', text: '下载 CSV',
            onclick: (ev) => run(ev.target, () => o.download('/parcels/waiting?format=csv', `待发货_${stamp}.csv`)) }),
          el('button', { type: 'button', class: 'btn', testid: 'waiting-xlsx', text: '下载 Excel',
            onclick: (ev) => run(ev.target, () => o.download('/parcels/waiting?format=xlsx', `待发货_${stamp}.xlsx`)) }))),
      el('section', { class: 'card' },
        el('h2', { text: '第二步：导入运单号' }),
        el('p', { class: 'muted', text: '打好面单后，把打单工具导出的表格导回来：要有“订单号”“物流公司”“运单号”三列（CSV 或 Excel 都可以）。每一行的订单随即发货；同一个文件导入两次不会重复发货。' }),
        el('div', { class: 'row wrap import-row' },
          el('div', { class: 'file-pick' }, file, el('label', { for: 'import-file', class: 'btn', text: '选择表格文件' })), chosen, go)),
      result);
  }

  // ---------------------------------------------------------------- 未签收

  const chaseState = { days: 7 };
  const CHASE_CAP = 200; // 服务器每页最多的条数（ZHUNONG_MAX_PAGE_SIZE 的默认值）

  async function chasePanel(box) {
    const days = el('input', { id: 'chase-days', testid: 'chase-days', inputmode: 'numeric', class: 'days', value: String(chaseState.days), 'data-field': 'shipped_days_ago' });
    const find = el('button', { type: 'submit', class: 'btn primary', testid: 'chase-find', text: '查询' });
    const f = el('form', { class: 'row wrap chase-form', novalidate: true },
      el('label', { for: 'chase-days', class: 'label', text: '发货' }), days, el('span', { text: '天以上还没有签收的包裹' }), find);
    const list = el('table', { class: 'table', testid: 'chase-list' });
    const head = el('p', { class: 'lead', testid: 'chase-summary' });
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      run(find, async () => {
        const n = window.Zhunong.halfWidth(days.value).trim();
        if (!/^\d{1,3}$/.test(n)) {
          days.classList.add('invalid');
          throw clientError('请填写天数（0 到 365 的整数）。');
        }
        days.classList.remove('invalid');
        chaseState.days = Math.min(365, Number(n));
        await draw();
      });
    });
    async function draw() {
      const parcels = (await api('GET', `/parcels?status=shipped&shipped_days_ago=${chaseState.days}`))
        .sort((a, b) => (a.shipped_at < b.shipped_at ? -1 : a.shipped_at > b.shipped_at ? 1 : a.id - b.id));
      const firsts = parcels.map((p) => p.order_ids[0]).filter(Boolean);
      const fulf = await inBatches([...new Set(firsts)], 20, (id) => api('GET', `/orders/${id}/fulfilment`));
      const by = new Map(fulf.map((x) => [x.order_id, x]));
      head.textContent = parcels.length
        ? `发货 ${chaseState.days} 天以上还没有签收的包裹：${parcels.length} 个。请向快递公司或买家核实，已收到的点“标记签收”。`
        : `没有发货 ${chaseState.days} 天以上还没有签收的包裹。`;
      // 服务器一次最多给 CAP 个（最近发货的）：满了就说一声，请把天数调大再查更早的。
      if (parcels.length >= CHASE_CAP) head.textContent += `一次最多列出 ${CHASE_CAP} 个，更早发货的请把天数调大后再查。`;
      table(list, ['订单号', '收货人', '电话', '快递公司', '运单号', '发货时间', { text: '已过天数', num: true }, '状态', ''],
        parcels.map((p) => {
          const r = (by.get(p.order_ids[0]) || {}).recipient;
          return {
            testid: `chase-${p.id}`,
            cells: [p.order_ids.map(o.orderNumber).join('、'), r ? r.name : '', r ? r.phone : '', p.carrier_name, p.tracking_no || '',
              p.shipped_at ? o.localTime(p.shipped_at) : '', p.shipped_at ? `${daysSince(p.shipped_at)} 天` : '',
              PARCEL_STATUS[p.status] || '', ''],
          };
        }), { empty: '没有这样的包裹。' });
      list.querySelectorAll('tbody tr[data-testid]').forEach((tr, i) => {
        const p = parcels[i];
        tr.lastChild.append(el('button', { type: 'button', class: 'btn small primary', testid: `deliver-${p.id}`, text: '标记签收',
          onclick: (ev) => run(ev.target, async () => {
            const numbers = p.order_ids.map(o.orderNumber).join('、');
            if (!window.confirm(`确认 ${numbers} 的包裹（${p.carrier_name} ${p.tracking_no || ''}）买家已经签收？`)) return;
            await api('POST', `/parcels/${p.id}/deliver`, {});
            showNotice(`已标记签收：${numbers}。`);
            await draw();
          }) }));
      });
    }
    fill(box, el('section', { class: 'card' },
      el('h2', { text: '发货后未签收的包裹' }),
      el('p', { class: 'muted', text: '最早发货的在前。签收后订单变为已送达，收齐货款的订单自动结算。' }),
      f, head, el('div', { class: 'scroll', 'aria-label': '未签收的包裹' }, list)));
    await draw();
  }

  // ---------------------------------------------------------------- 视图

  const PANELS = { waiting: waitingPanel, import: importPanel, chase: chasePanel };

  async function show(params) {
    const tab = PANELS[params.get('tab')] ? params.get('tab') : 'waiting';
    if (params.get('method') !== null && (params.get('method') === '' || FULFILMENT[params.get('method')])) {
      waitingState.method = params.get('method');
      waitingState.page = 1;
    }
    fill($('shipping-tabs'), o.tabs('shipping', [['waiting', '待发货'], ['import', '快递单号'], ['chase', '未签收']], tab));
    const box = $('shipping-panel');
    fill(box, el('p', { class: 'empty', text: '正在加载……' }));
    await run(null, () => PANELS[tab](box));
  }

  o.register('shipping', { show });
})();
