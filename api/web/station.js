// 称重装车页面（station 角色）的公共部分：文本、登录、标签页、数字换算。称重在 station-weigh.js，
// 待发送的磅单在 station-weigh-pending.js，称重完成和下一单在 station-complete.js，装车在 station-load.js，
// 快递的打包发货在 station-pack.js，自提交货在 station-pickup.js，
// 它们通过 window.Zhunong.station 取用这里的函数。纯 JavaScript，无框架、
// 无构建步骤、无外部资源；各页面共用的部分在 common.js（及 common-api.js、common-stream.js）。
// 所有金额以“分”、所有重量以“克”的整数计算；界面上的斤/公斤/元只在显示和输入时换算。
'use strict';

(() => {
  const {
    $, el, halfWidth, fixed, pad2, clearMessage, clientError, session, api, run, toLogin, onLogin, logout, openFile,
  } = window.Zhunong;

  const USER_KEY = 'zhunong.station.user';

  // ---------------------------------------------------------------- 文本

  const ORDER_STATUS = { ...window.Zhunong.ORDER_STATUS, confirmed: '已确认（待称重）' };
  const LOAD_STATUS = window.Zhunong.labelsOf('load_status');

  // 服务器错误码 → 页面用语（服务器的 detail 另行显示在下方）。
  const CODE_TEXT = {
    ...window.Zhunong.CODE_TEXT,
    not_weighable: '该订单现在不能称重（未确认、已取消、已装车或已在车上）。',
    stock_shortfall: '库存不足：称得的重量比订购的多，批次剩余库存不够，本次称重未记录。',
    over_capacity: '超出车辆载重，不能再装这个订单。',
    weights_not_approved: '超出允许误差，需书记审批后才能装车。',
    not_weighed: '订单还没有称重，不能装车。',
    already_on_a_load: '该订单已经在另一辆车上。',
    load_not_open: '这辆车已不在装车中，订单不能再改动。',
    invalid_transition: '当前状态下不能进行这个操作。',
    weighing_complete: '已经称重完成，不能再加箱；如需更正，请书记作废磅单后重称。',
    nothing_weighed: '还没有有效的磅单，请先称重，再点“称重完成”。',
  };

  const FIELD_TEXT = {
    username: '用户名', password: '密码', plate: '车牌', driver_name: '司机姓名',
    driver_phone: '司机电话', destination: '目的地', planned_date: '计划日期',
    capacity_kg: '载重', scale_id: '秤号', crates: '称重箱', order_line_id: '订单行',
    order_id: '订单', note: '备注',
    order_ids: '订单', crate_ids: '称重箱', weight_g: '包裹重量', carrier: '快递公司', tracking_no: '运单号',
    shipping_cost_fen: '运费', code: '提货码',
  };

  function fieldLabel(field) {
    const m = /^crates\[(\d+)\](?:\.(gross_g|tare_g))?$/.exec(field || '');
    if (m) {
      const part = m[2] === 'gross_g' ? '毛重' : m[2] === 'tare_g' ? '皮重' : '';
      return `第 ${Number(m[1]) + 1} 箱${part}`;
    }
    return FIELD_TEXT[field] || field;
  }

  window.Zhunong.configure({
    tokenKey: USER_KEY,
    roles: ['station', 'secretary', 'admin'],
    refused: (username, role) => `账号 ${username}（${role}）不能使用称重装车页面，请用称重站账号登录。`,
    afterLogin: toApp,
    showLogin() {
      $('app-view').hidden = true;
      $('who').hidden = true;
      $('login-view').hidden = false;
    },
    codeText: CODE_TEXT,
    // 过磅员只看中文：服务器的英文说明不显示。
    chineseOnly: true,
    fieldLabel,
    // 库存不足时列出各批次的缺口。
    problemExtra: (problem) => (Array.isArray(problem.shortages) && problem.shortages.length
      ? el('ul', {}, problem.shortages.map((s) => el('li', { text: `批次 ${s.batch_id}：需要 ${s.requested}，剩余 ${s.available}` })))
      : null),
  });

  // ---------------------------------------------------------------- DOM

  function badge(kind, status, testid) {
    const text = (kind === 'load' ? LOAD_STATUS : ORDER_STATUS)[status] || status;
    return el('span', { class: `badge s-${status}`, testid, 'data-status': status, text });
  }

  function kv(pairs) {
    const dl = el('dl', { class: 'kv' });
    for (const [k, v, testid] of pairs) {
      if (v === null || v === undefined) continue;
      dl.append(el('dt', { text: k }), el('dd', { testid }, v));
    }
    return dl;
  }

  // ---------------------------------------------------------------- 数字（整数运算）

  /** 把“6”“5.7”“0.35”按单位换成整数克（四舍五入到克）。空串返回 {empty:true}。 */
  function parseGrams(text, u) {
    const s = halfWidth(text).trim();
    if (s === '') return { empty: true };
    const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
    if (!m || (m[1] === '' && !m[2])) return { error: '不是有效的数字' };
    const frac = (m[2] || '').slice(0, 12);
    const scale = 10n ** BigInt(frac.length);
    const whole = BigInt(m[1] || '0') * scale + BigInt(frac || '0');
    const factor = u === 'kg' ? 1000n : 500n;
    const grams = (whole * factor * 2n + scale) / (2n * scale); // 四舍五入
    if (grams > BigInt(Number.MAX_SAFE_INTEGER)) return { error: '数字太大' };
    return { g: Number(grams) };
  }

  const jin = (g) => fixed(g, 500, 2);
  function kg(g) {
    // 最多 3 位小数，至少 2 位：4850 g → 4.85，3000 g → 3.00，2351 g → 2.351
    return fixed(g, 1000, 3).replace(/(\.\d\d)0$/, '$1');
  }

  /** 用当前单位显示克数（无损：克换斤/公斤最多 3 位小数）。 */
  function gramsInUnit(g, u) {
    const s = fixed(g, u === 'kg' ? 1000 : 500, 3);
    return s.replace(/\.?0+$/, '');
  }

  const unitName = (u) => (u === 'kg' ? '公斤' : '斤');
  const weightText = (g) => `${jin(g)} 斤（${kg(g)} 公斤）`;

  function orderNumber(id) {
    return 'ZN' + String(id).padStart(6, '0');
  }

  function normalizeNumber(text) {
    const s = String(text || '').trim().toUpperCase().replace(/\s+/g, '');
    if (/^\d+$/.test(s)) return 'ZN' + s.padStart(6, '0');
    return s;
  }

  const { localDate } = window.Zhunong;

  function timeText(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso || '';
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    return localDate(d) === localDate() ? hm : `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
  }

  /** 订单行是否已称重完成；它的有效（未作废）磅单。 */
  const isComplete = (line) => line.weighing_completed_at !== null;
  const liveTickets = (line) => line.tickets.filter((t) => !t.voided);

  async function findOrder(numberText) {
    const number = normalizeNumber(numberText);
    if (!number) throw clientError('请输入订单号，如 ZN000001。');
    $('order-number').value = number;
    let order;
    try {
      order = await api('GET', `/orders/by-number/${encodeURIComponent(number)}`);
    } catch (err) {
      if (err.status === 404) throw clientError(`没有找到订单 ${number}。`);
      throw err;
    }
    return order;
  }

  // ---------------------------------------------------------------- 登录后

  function toApp() {
    const s = session();
    if (!s) return toLogin();
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = s.name;
    selectTab(sessionStorage.getItem('zhunong.station.tab') || 'weigh');
    return undefined;
  }

  // ---------------------------------------------------------------- 标签页

  const TABS = ['weigh', 'load', 'pack', 'pickup'];

  function selectTab(wanted) {
    const name = TABS.includes(wanted) ? wanted : 'weigh';
    for (const t of document.querySelectorAll('.tab')) t.setAttribute('aria-selected', String(t.dataset.tab === name));
    for (const t of TABS) $(`${t}-view`).hidden = t !== name;
    sessionStorage.setItem('zhunong.station.tab', name);
    station[name].show();
  }

  // ---------------------------------------------------------------- 打印

  /** 溯源标签的两个按钮（A4 一页 10 张、热敏纸 60×40 毫米），query 如 `order_id=42`。 */
  function labelButtons(query) {
    return [['a4', '打印溯源标签（A4）'], ['thermal', '打印溯源标签（热敏）']].map(([layout, text]) =>
      el('button', { type: 'button', class: 'btn', testid: `labels-${layout}`, text,
        onclick: (e) => run(e.currentTarget, () => openFile(`/labels?${query}&layout=${layout}`, null)) }));
  }

  // ---------------------------------------------------------------- 启动

  /** station-weigh.js、station-weigh-pending.js、station-complete.js 和 station-load.js 把自己的函数放进来。 */
  const station = {
    ORDER_STATUS, badge, kv, parseGrams, jin, kg, gramsInUnit, unitName, weightText, orderNumber,
    localDate, timeText, findOrder, isComplete, liveTickets, openFile, labelButtons,
    weigh: null, pending: null, complete: null, load: null, pack: null, pickup: null,
  };
  window.Zhunong.station = station;

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => { logout(); clearMessage(); });
    for (const t of document.querySelectorAll('.tab')) t.addEventListener('click', () => { clearMessage(); selectTab(t.dataset.tab); });
    station.weigh.init();
    station.load.init();
    station.pack.init();
    station.pickup.init();
    if (session()) toApp();
    else toLogin();
  }

  // 各脚本都带 defer，按顺序在 DOMContentLoaded 之前执行完；这时再启动，各部分都已就位。
  document.addEventListener('DOMContentLoaded', () => window.Zhunong.ready(init));
})();
