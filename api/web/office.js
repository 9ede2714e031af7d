// 村务办公（书记、会计，secretary 与 admin 角色）的公共部分：登录、导航、数字格式。首页在
// office-dashboard.js，报表在 office-reports.js，订单在 office-orders.js，它们通过
// window.Zhunong.office 取用这里的函数。纯 JavaScript，无框架、无构建步骤、无外部资源（图表用随程序
// 提供的 ECharts）。金额一律以“分”、重量以“克”的整数计算，只在显示时换算成元、斤。
'use strict';

(() => {
  const { $, el, fill, group, yuan, fixed, onLogin, logout, session, api } = window.Zhunong;

  const TOKEN_KEY = 'zhunong.office.token';

  const ORDER_STATUS = {
    pending: '待确认', confirmed: '已确认', weighed: '已称重', loaded: '已装车',
    delivered: '已送达', settled: '已结算', cancelled: '已取消',
  };
  const PAYMENT_STATUS = { unpaid: '未付款', partially_paid: '部分付款', paid: '已付款', refunded: '已退款' };
  const CHANNEL = { livestream: '直播', partner_api: '企业接口', expo: '展会', phone: '电话', walk_in: '到店' };
  const METHOD = { wechat_pay: '微信支付', alipay: '支付宝', cash: '现金', bank_transfer: '银行转账', invoice: '挂账（发票）' };

  const CODE_TEXT = {
    ...window.Zhunong.CODE_TEXT,
    invalid_transition: '订单当前的状态不能进行这个操作。',
    on_a_load: '订单已在车上，请先从装车单上移除。',
    overpayment: '收款超过了应收金额。',
    refund_exceeds_paid: '退款超过了已收金额。',
    order_cancelled: '订单已取消。',
    not_flagged: '这个订单的称重没有超差，不需要审批。',
    idempotency_key_in_flight: '上一次提交还在处理，请稍候。',
  };
  const FIELD_TEXT = {
    from: '开始日期', to: '结束日期', interval: '时间粒度', group_by: '分组', limit: '前几名',
    compare: '对比', amount_fen: '金额', reason: '原因', method: '付款方式', q: '搜索',
  };

  /** ¥1,234.50 */
  const money = (fen) => '¥' + group(yuan(fen || 0));
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
    return c;
  }
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

  /** 每次点击一个新的幂等键：同一次点击的重试不会重复记账。 */
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

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
    for (const v of Object.keys(views)) $(`${v}-view`).hidden = v !== name;
    for (const a of document.querySelectorAll('.office-nav a')) {
      if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    await views[name].show(route().params);
  }

  function toApp() {
    const s = session();
    $('login-view').hidden = true;
    $('nav').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = s ? s.username : '';
    return show();
  }

  window.Zhunong.configure({
    tokenKey: TOKEN_KEY,
    roles: ['secretary', 'admin'],
    refused: (username, role) => `账号 ${username}（${role}）不能使用村务办公页面，请用书记或管理员账号登录。`,
    afterLogin: toApp,
    showLogin() {
      for (const v of Object.keys(views)) $(`${v}-view`).hidden = true;
      $('nav').hidden = true;
      $('who').hidden = true;
      $('login-view').hidden = false;
    },
    codeText: CODE_TEXT,
    fieldLabel: (f) => FIELD_TEXT[f] || f,
  });

  window.Zhunong.office = {
    ORDER_STATUS, PAYMENT_STATUS, CHANNEL, METHOD,
    money, wan, jin, count, pct, pctClass, orderNumber, localTime, table, chart, newKey, register, api, el, fill, $,
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
