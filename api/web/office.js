// 村务办公（书记、会计，secretary 与 admin 角色）的公共部分：登录、导航、数字格式、表单。首页在
// office-dashboard.js（待处理里的数据备份、数据核对两行在 office-check.js），报表在 office-reports.js，
// 订单在 office-orders.js，发货在 office-shipping.js，售后在 office-after-sales.js，财务在 office-money*.js，
// 基础资料在 office-catalog.js、office-buyers.js、office-users.js，它们通过 window.Zhunong.office 取用这里的
// 函数。纯 JavaScript，无框架、无构建步骤、无外部资源（图表用随程序提供的 ECharts）。金额一律以“分”、
// 重量以“克”的整数计算，只在显示时换算成元、斤。
'use strict';

(() => {
  const { $, el, fill, group, yuan, fixed, onLogin, logout, session, api } = window.Zhunong;

  const USER_KEY = 'zhunong.office.user';

  const { ORDER_STATUS } = window.Zhunong;
  const PAYMENT_STATUS = window.Zhunong.labelsOf('payment_status');
  const CHANNEL = window.Zhunong.labelsOf('channel');
  const METHOD = window.Zhunong.labelsOf('payment_method');

  const CODE_TEXT = window.Zhunong.CODE_TEXT;

  const FIELD_TEXT = {
    from: '开始日期', to: '结束日期', interval: '时间粒度', group_by: '分组', limit: '前几名',
    compare: '对比', amount_fen: '金额', reason: '原因', method: '付款方式', q: '搜索',
    name: '名称', region: '地区', phone: '电话', area_mu: '面积', note: '备注', kind: '类型', pricing: '计价',
    unit_label: '单位', code: '批次号', harvest_date: '采收日期', quantity: '数量', retail_price_fen: '零售价',
    enterprise_price_fen: '企业价', storage_place: '存放地点', stock_adjustment: '库存调整', username: '登录名', display_name: '姓名',
    password: '密码', role: '角色', basis_points: '提成比例', percent: '提成比例', fen_per_jin: '每斤提成',
    valid_from: '生效日期', valid_to: '截止日期', shares: '分配份数', category: '类别', occurred_on: '日期',
    description: '摘要', price_fen: '合同价', label: '用途', company: '单位', address: '地址',
    payment_terms: '结算方式', order_ids: '订单', reference: '凭证号', buyer_id: '买家',
    file: '文件', decision: '处理方式', shipped_days_ago: '天数',
    sku_code: '商家编码', batch_id: '批次', product_id: '商品', units_per_item: '每件数量',
    account_code: '科目编码', effective_from: '生效日期', posting_kind: '记账类别', chart: '会计制度', month: '月份',
    period: '公开期间', url: '机器人地址', secret: '加签密钥', daily_at: '日报时间', 'notes.plan': '财务计划', 'notes.resources': '各类资源', 'notes.distribution': '收益分配', 'notes.other': '其他',
    layout: '格式',
  };

  /** ¥1,234.50；负数 -¥1,234.50。 */
  const { money } = window.Zhunong;
  /** 克 → “12.5 斤”（两位小数，去掉多余的 0）。 */
  const jin = (g) => group(fixed(g || 0, 500, 2).replace(/\.?0+$/, '')) + ' 斤';
  const count = (n) => group(String(n || 0));
  /** 1 万元起用“万元”：116,710,000 分 → “116.71万元”（四舍五入，整数运算），以下用 ¥。 */
  const wan = (fen) => (Math.abs(fen || 0) >= 1000000 ? group(fixed(fen, 1000000, 2)) + '万元' : money(fen));
  /** “45.89” → “+45.89%”，null → “—”（上期为 0）。 */
  function pct(p) {
    if (p === null || p === undefined) return '—';
    return (p.startsWith('-') ? '' : '+') + p + '%';
  }
  const pctClass = (p) => (p === null || p === undefined ? '' : p.startsWith('-') ? 'down' : 'up');
  const orderNumber = (id) => 'ZN' + String(id).padStart(6, '0');
  const localTime = (iso) => {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  };

  function table(node, headers, rows, opts = {}) {
    const head = el('tr', {}, headers.map((h) => el('th', { class: h.num ? 'num' : null, text: h.text || h })));
    const body = rows.map((r) => el('tr', { class: r.class || null, testid: r.testid || null, onclick: r.onclick || null },
      r.cells.map((c, i) => el('td', { class: headers[i] && headers[i].num ? 'num' : null, text: c }))));
    fill(node, el('thead', {}, head), el('tbody', {}, body));
    if (!rows.length && opts.empty) node.append(el('tbody', {}, el('tr', {}, el('td', { colspan: headers.length, class: 'empty', text: opts.empty }))));
  }

  /** 一个 ECharts 图，窗口变化时跟着变大小。 */
  const charts = new Map();
  function chart(id, option) {
    if (!window.echarts) return null;
    let c = charts.get(id);
    if (!c) {
      // 图表自带的文字（工具栏、加载中）用中文。
      c = window.echarts.init($(id), null, { locale: 'ZH' });
      charts.set(id, c);
    }
    c.setOption(option, true);
    // It may have been drawn while hidden (no data last time): take the frame's size now.
    c.resize();
    return c;
  }
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

  /** 元（可带两位小数，可用全角数字）→ 分，整数运算；不是金额则 null。 */
  const { fenOf } = window.Zhunong;
  /** 斤（可带两位小数）→ 克：1 斤 = 500 克，0.01 斤 = 5 克，整数运算。 */
  function gramsOf(text) {
    const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(window.Zhunong.halfWidth(text).trim());
    return m ? Number(m[1]) * 500 + Number((m[2] || '').padEnd(2, '0')) * 5 : null;
  }

  /**
   * 一张表单。fields：[{ name（即 API 字段名）, label, type（text、number、date、select、money（元→分）、
   * jin（斤→克）、password、checkbox）, options（[值, 文字]）, value, required, placeholder }]。
   * 提交时 read(form) 按类型换算，出错的字段标红（服务器回答里的字段名与 name 一致）。
   */
  function form(id, fields, submitText, onSubmit, extra) {
    const f = el('form', { class: 'card form-grid', id, testid: id, novalidate: true });
    for (const d of fields) {
      const attrs = { name: d.name, testid: `${id}-${d.name}`, placeholder: d.placeholder || null, required: d.required || null };
      let input;
      if (d.type === 'select') {
        input = el('select', attrs, (d.options || []).map(([v, t]) => el('option', { value: v, text: t })));
      } else if (d.type === 'checkbox') {
        input = el('input', { ...attrs, type: 'checkbox' });
      } else {
        const type = { number: 'text', money: 'text', jin: 'text', date: 'date', password: 'password' }[d.type] || 'text';
        const mode = ['number', 'money', 'jin'].includes(d.type) ? (d.type === 'number' ? 'numeric' : 'decimal') : null;
        input = el('input', { ...attrs, type, inputmode: mode, autocomplete: d.type === 'password' ? 'new-password' : 'off' });
      }
      input.dataset.kind = d.type || 'text';
      if (d.value !== undefined && d.value !== null) input.value = d.value;
      f.append(el('label', { class: d.wide ? 'span2' : null }, d.label, input));
    }
    const submit = el('button', { type: 'submit', class: 'btn primary', testid: `${id}-submit`, text: submitText });
    f.append(el('div', { class: 'btns span' }, submit, extra || null));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(submit, f, () => onSubmit(read(f), f));
    });
    return f;
  }

  /** 表单的值，按 data-kind 换算；空的可选项不发送；格式不对的抛出页面自己的错误并标红。 */
  function read(f) {
    const out = {};
    const bad = [];
    for (const input of f.querySelectorAll('[name]')) {
      const kind = input.dataset.kind;
      const raw = input.type === 'checkbox' ? input.checked : input.value.trim();
      if (raw === '' || raw === null) {
        if (input.required) bad.push({ field: input.name, message: '必填' });
        continue;
      }
      let v = raw;
      if (kind === 'money') v = fenOf(raw);
      else if (kind === 'jin') v = gramsOf(raw);
      else if (kind === 'number') v = /^-?\d{1,15}$/.test(window.Zhunong.halfWidth(raw)) ? Number(window.Zhunong.halfWidth(raw)) : null;
      if (v === null) bad.push({ field: input.name, message: kind === 'money' ? '请填写金额，如 29.10' : kind === 'jin' ? '请填写斤数，如 12.5' : '请填写整数' });
      else out[input.name] = v;
    }
    if (bad.length) throw window.Zhunong.clientError('请检查标红的内容。', bad);
    return out;
  }

  /** 运行表单的操作：先清掉标红，出错时把服务器或页面指出的字段标红。 */
  async function act(button, f, fn) {
    if (f) for (const x of f.querySelectorAll('.invalid')) x.classList.remove('invalid');
    return window.Zhunong.run(button, async () => {
      try {
        return await fn();
      } catch (err) {
        const errors = (err && err.problem && err.problem.errors) || [];
        for (const e of errors) {
          const input = f && e.field && f.querySelector(`[name="${CSS.escape(String(e.field).split(/[.[]/)[0])}"]`);
          if (input) input.classList.add('invalid');
        }
        throw err;
      }
    });
  }

  /** 一组标签页：[[名称, 文字]]，点击时改地址（#视图?tab=名称），浏览器的返回键可用。 */
  function tabs(view, items, currentTab) {
    return el('nav', { class: 'tabs', testid: `${view}-tabs` }, items.map(([name, text]) =>
      el('a', { href: `#${view}?tab=${name}`, testid: `tab-${name}`, 'aria-current': name === currentTab ? 'page' : null, text })));
  }

  /** 每次点击一个新的幂等键：同一次点击的重试不会重复记账。 */
  const { newKey } = window.Zhunong;

  // ---------------------------------------------------------------- 视图与导航

  const views = {}; // name → { show() }
  function register(name, v) {
    views[name] = v;
  }

  /** `#orders?status=pending` → 视图名 orders 和参数。 */
  function route() {
    const [name, query] = (location.hash || '#dashboard').slice(1).split('?');
    return { name: views[name] ? name : 'dashboard', params: new URLSearchParams(query || '') };
  }
  const current = () => route().name;

  async function show() {
    const name = current();
    // A message belongs to the view it was shown on.
    window.Zhunong.clearMessage();
    for (const v of Object.keys(views)) $(`${v}-view`).hidden = v !== name;
    for (const a of document.querySelectorAll('.office-nav a')) {
      if (a.dataset.view === name) {
        a.setAttribute('aria-current', 'page');
        // On a phone the menu scrolls sideways: keep the current view's name in sight.
        const nav = a.parentElement.getBoundingClientRect();
        const link = a.getBoundingClientRect();
        if (link.left < nav.left || link.right > nav.right) {
          a.parentElement.scrollLeft += link.left - nav.left - (nav.width - link.width) / 2;
        }
      } else a.removeAttribute('aria-current');
    }
    await views[name].show(route().params);
  }

  function toApp() {
    const s = session();
    $('login-view').hidden = true;
    $('nav').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = s ? s.name : '';
    return show();
  }

  window.Zhunong.configure({
    tokenKey: USER_KEY,
    // 审核员（民主理财小组成员）也用办公页面：能看，不能改，只能审核财务公开表。
    roles: ['secretary', 'admin', 'auditor'],
    refused: (username, role) => `账号 ${username}（${role}）不能使用村务办公页面，请用书记、管理员或民主理财小组的账号登录。`,
    afterLogin: toApp,
    showLogin() {
      for (const v of Object.keys(views)) $(`${v}-view`).hidden = true;
      $('nav').hidden = true;
      $('who').hidden = true;
      $('login-view').hidden = false;
    },
    codeText: CODE_TEXT,
    // The secretary reads Chinese only: the server's English detail stays out of the box.
    chineseOnly: true,
    fieldLabel: (f) => FIELD_TEXT[f] || (/^[a-z_]+$/.test(f) ? '这一项' : f),
  });

  const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  /**
   * 上传表格文件（原样的字节）到 path，返回服务器的回答；出错时抛出和 api() 一样的错误。
   * 表头不对（422，file 一项写着 found: …）时，错误带上文件里的表头 foundHeaders。
   */
  async function uploadFile(path, file) {
    const type = /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE ? XLSX_TYPE : 'text/csv';
    const send = async () => fetch(`/api/v1${path}`, {
      method: 'POST', cache: 'no-store', credentials: 'omit', body: file,
      headers: { Accept: 'application/json', 'Content-Type': type, Authorization: `Bearer ${await window.Zhunong.accessToken()}` },
    });
    let res;
    try {
      res = await send();
      if (res.status === 401 && (await window.Zhunong.renew()) === 'ok') res = await send();
    } catch (e) {
      if (e && e.problem) throw e;
      throw new window.Zhunong.ApiError(0, { code: 'network', detail: String((e && e.message) || e) });
    }
    if (res.status === 401) {
      window.Zhunong.toLogin('登录已过期或无效，请重新登录。');
      throw new window.Zhunong.ApiError(401, { code: 'unauthorized', detail: 'unauthorized', handled: true });
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const problem = body && typeof body === 'object' ? body : { code: '', detail: `HTTP ${res.status}` };
      const err = new window.Zhunong.ApiError(res.status, problem);
      const bad = (problem.errors || []).find((e) => e.field === 'file');
      const found = bad && /found: (.*)$/.exec(bad.message || '');
      if (found) err.foundHeaders = found[1] === 'nothing' ? [] : found[1].split(', ');
      throw err;
    }
    return body;
  }

  window.Zhunong.office = {
    ORDER_STATUS, PAYMENT_STATUS, CHANNEL, METHOD,
    money, wan, jin, count, pct, pctClass, orderNumber, localTime, table, chart, newKey, register, api, el, fill, $,
    fenOf, gramsOf, form, read, act, tabs, uploadFile, XLSX_TYPE,
    download: (path, filename) => window.Zhunong.openFile(path, filename),
    openPrint: (path) => window.Zhunong.openFile(path, null), yuanText: (fen) => window.Zhunong.yuan(fen || 0),
  };

  // After every deferred script: the views register themselves as they load.
  document.addEventListener('DOMContentLoaded', () => window.Zhunong.ready(() => {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', () => { if (session()) show(); });
    if (session()) toApp();
    else window.Zhunong.toLogin();
  }));
})();
