// 各页面共用的代码（村务办公、称重装车、直播下单、直播大屏）：DOM、数字与金额、消息框、API、登录、实时数据流。
// 在页面自己的脚本之前加载；只定义 window.Zhunong，不碰页面。纯 JavaScript，无框架、无外部资源。
// 页面先调用 Zhunong.configure({...}) 说明自己的登录凭据、错误用语和视图，再使用这里的函数。
'use strict';

window.Zhunong = (() => {
  const $ = (id) => document.getElementById(id);

  /** 页面的设置（见 configure）。 */
  const page = {
    tokenKey: '', // sessionStorage 里“本标签页谁登录着”的键（只有用户名和角色，凭据只在内存里）
    roles: [], // 可以登录这个页面的角色
    refused: (username, role) => `账号 ${username}（${role}）不能使用这个页面。`,
    afterLogin: () => {}, // 登录成功后
    showLogin: () => {}, // 切换到登录视图（toLogin 先清掉凭据，再调用它）
    codeText: {}, // 服务器错误码 → 页面用语
    fieldLabel: (field) => field, // 字段名 → 页面用语
    problemExtra: null, // (problem) => 附加在错误框末尾的节点，或 null
    chineseOnly: false, // 只显示中文：服务器的英文说明不显示，字段的英文提示换成“填写有误”
    cutOffAsNetwork: false, // 应答体读到一半断了，当作网络不通（可以用同一个幂等键重试）
  };

  function configure(opts) {
    Object.assign(page, opts);
  }

  // ---------------------------------------------------------------- 文本

  /** 服务器错误码 → 页面用语，各页通用的部分（页面再加上自己的）。 */
  const CODE_TEXT = {
    // 通用
    validation_failed: '输入有误，请检查以下内容。',
    invalid_query: '查询条件有误，请检查以下内容。',
    invalid_path: '地址有误：没有这个编号。',
    malformed_json: '请求格式有误。',
    body_unreadable: '请求没有完整送达，请重试。',
    payload_too_large: '提交的内容太大了。',
    unsupported_media_type: '请求格式有误。',
    not_found: '没有找到。',
    route_not_found: '没有这个页面或接口。',
    method_not_allowed: '这个操作不被支持。',
    http_error: '请求有误。',
    unauthorized: '用户名或密码不正确。',
    forbidden: '此账号没有权限进行这个操作。',
    rate_limited: '尝试次数太多，请稍后再试。',
    unavailable: '服务器暂时繁忙，请稍后重试。',
    storage_full: '服务器磁盘已满，这次没有保存，请联系管理员。',
    read_only: '数据库现在只能查看、不能保存（文件或磁盘是只读的），这次没有保存，请联系管理员。',
    cross_site_request: '这个请求不是从本系统的页面发出的，已拒绝。请从本系统页面重新登录。',
    internal_error: '服务器出错了，请稍后重试。',
    network: '无法连接服务器，请检查网络后重试。',
    duplicate: '已经有同名（或同一手机号）的记录了。',
    password_changed: '密码已经改过，请重新登录。',
    cannot_change_self: '不能停用自己的账号，也不能改自己的角色。',
    // 重复提交
    idempotency_key_invalid: '提交编号有误，请刷新页面后重试。',
    idempotency_key_required: '缺少提交编号，请刷新页面后重试。',
    idempotency_key_reused: '同一次提交的内容被改动过，服务器拒绝了。',
    idempotency_key_in_flight: '上一次提交还在处理，请稍候。',
    // 订单与库存
    insufficient_stock: '库存不足，这一单没有下成。',
    stock_shortfall: '库存不足：称得的重量比订购的多，批次剩余库存不够，本次称重未记录。',
    stock_would_be_negative: '库存不够减：不能调到订单已占用的量以下。',
    batch_closed: '这个批次已经停止销售。',
    buyer_limit_reached: '该买家已达到每人限购数量，这一单没有下成。',
    invalid_transition: '订单当前的状态不能进行这个操作。',
    order_cancelled: '订单已取消。',
    off_sale: '这件商品已下架，暂停接单。',
    on_a_load: '订单已在车上，请先从装车单上移除。',
    // 直播
    session_not_live: '本场直播不在直播中（未开播或已结束），不能下单。',
    session_ended: '本场直播已经结束。',
    not_featured: '这个商品不在本场直播的商品里。',
    // 称重与装车
    not_weighable: '该订单现在不能称重（未确认、已取消、已装车或已在车上）。',
    weighing_complete: '已经称重完成，不能再加箱；如需更正，请书记作废磅单后重称。',
    nothing_weighed: '还没有有效的磅单，请先称重，再点“称重完成”。',
    nothing_to_approve: '这个订单的称重没有超差，不需要审批。',
    already_voided: '这张磅单已经作废了。',
    not_weighed: '订单还没有称重，不能装车。',
    weights_not_approved: '超出允许误差，需书记审批后才能装车。',
    already_on_a_load: '该订单已经在另一辆车上。',
    load_not_open: '这辆车已不在装车中，订单不能再改动。',
    over_capacity: '超出车辆载重，不能再装这个订单。',
    // 钱
    overpayment: '收款超过了应收金额。',
    refund_exceeds_paid: '退款超过了已收金额。',
    payout_exceeds_balance: '付款超过了应付给种植户的钱。',
    nothing_to_state: '上一张对账单之后还没有新的记账，不用出对账单。',
    statement_exists: '这张对账单刚刚已经出具了。',
    // 企业
    not_an_enterprise: '只有企业买家才能有合同价和接口密钥。',
    not_failed: '这条通知没有失败，不用重新推送。',
  };


  /** 订单状态的中文（各页面共用；称重站把“已确认”说成“已确认（待称重）”）。 */
  const ORDER_STATUS = {
    pending: '待确认', confirmed: '已确认', weighed: '已称重', loaded: '已装车',
    delivered: '已送达', settled: '已结算', cancelled: '已取消',
  };

  const PLATFORM = {
    douyin: '抖音', kuaishou: '快手', wechat_channels: '视频号', taobao_live: '淘宝直播', other: '其他平台',
  };

  // ---------------------------------------------------------------- DOM

  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k === 'testid') node.setAttribute('data-testid', v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    // A frame that scrolls sideways must be reachable by keyboard, or its hidden columns are
    // out of reach for anyone without a mouse (WCAG 2.1.1).
    if (node.classList.contains('scroll') && !node.hasAttribute('tabindex')) node.tabIndex = 0;
    return node;
  }

  /** replaceChildren without the nulls of optional parts (replaceChildren would print “null”). */
  function fill(node, ...kids) {
    node.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
    return node;
  }

  // ---------------------------------------------------------------- 数字（整数运算）

  const FULL_WIDTH = { '０': '0', '１': '1', '２': '2', '３': '3', '４': '4', '５': '5', '６': '6', '７': '7', '８': '8', '９': '9', '．': '.', '。': '.' };
  const halfWidth = (s) => String(s || '').replace(/[０-９．。]/g, (c) => FULL_WIDTH[c]);

  /** n/d 保留 decimals 位小数，四舍五入（整数运算）。 */
  function fixed(n, d, decimals) {
    const neg = n < 0;
    const a = BigInt(Math.abs(n));
    const p = 10n ** BigInt(decimals);
    const D = BigInt(d);
    const q = (a * p * 2n + D) / (2n * D);
    const frac = (q % p).toString().padStart(decimals, '0');
    return (neg && q !== 0n ? '-' : '') + (q / p).toString() + (decimals ? '.' + frac : '');
  }
  const trimZeros = (s) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  /** 整数部分每三位加逗号：“10000” → “10,000”，“-1234.50” → “-1,234.50”。 */
  const group = (s) => s.replace(/^-?\d+/, (d) => d.replace(/\B(?=(\d{3})+$)/g, ','));
  /** 分 → “12.50”（不分组）。 */
  function yuan(fen) {
    const neg = fen < 0;
    const a = Math.abs(fen);
    return (neg ? '-' : '') + Math.floor(a / 100) + '.' + String(a % 100).padStart(2, '0');
  }
  /** 分 → “¥1,234.50”，负数“-¥100.00”（千位加逗号）。 */
  const money = (fen) => ((fen || 0) < 0 ? '-¥' : '¥') + group(yuan(Math.abs(fen || 0)));
  /** 输入的元（可带两位小数，全角也行）→ 分，整数运算；不是金额则 null。 */
  function fenOf(text) {
    const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(halfWidth(text).trim());
    return m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : null;
  }
  /** 称重金额：净重克 × 每斤单价分 / 500，四舍五入到分（服务器同样只舍入一次）。 */
  function weightAmountFen(netG, priceFen) {
    return Number((BigInt(netG) * BigInt(priceFen) * 2n + 500n) / 1000n);
  }

  const byWeight = (b) => b.pricing === 'by_weight';
  /** 批次的显示单位：按重量一律“斤”，按件用商品的单位（如“箱”）。 */
  const unitOf = (b) => (byWeight(b) ? '斤' : (b.unit_label || '件'));
  /** 基本单位的数量（克或件）→ 数字部分，如“12.5”“10,000”（斤最多 2 位小数）。 */
  const qtyNumber = (b, q) => (byWeight(b) ? group(trimZeros(fixed(q, 500, 2))) : group(String(q)));

  const pad2 = (n) => String(n).padStart(2, '0');
  /** 这台设备当地的日期“2026-12-01”（不是 UTC 的：北京时间零点到八点，UTC 还是前一天）。 */
  const localDate = (d = new Date()) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  /** 时:分:秒。 */
  const clock = (d) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;

  // ---------------------------------------------------------------- 消息

  function clearMessage() {
    for (const x of document.querySelectorAll('[data-field].invalid')) {
      x.classList.remove('invalid');
      x.removeAttribute('aria-invalid');
    }
    const box = $('message');
    box.hidden = true;
    box.replaceChildren();
    delete box.dataset.code;
  }

  /** 一项为什么不行：服务器的说法换成中文（messages.js）；本来就是中文的照用。 */
  function fieldMessage(text, shown) {
    const zh = window.ZhunongMessages && window.ZhunongMessages.chineseFor(text);
    if (zh) return zh;
    return shown(text) ? text : '填写有误，请检查';
  }

  function showError(err) {
    const problem = (err && err.problem) || { code: 'internal_error', detail: String((err && err.message) || err) };
    const box = $('message');
    // 页面自己发现的问题（code 为 client）直接用中文说明作标题；服务器的错误先给中文解释，再附 detail 原文。
    const own = problem.code === 'client';
    const title = own ? problem.detail : (problem.text || page.codeText[problem.code]
      || (page.chineseOnly ? null : problem.title) || '操作失败，请检查后重试。');
    fill(box,
      el('button', { type: 'button', class: 'close', 'aria-label': '关闭', text: '×', onclick: clearMessage }),
      el('strong', { testid: 'error-title', text: title }),
    );
    const chinese = (t) => /[\u4e00-\u9fff]/.test(String(t || ''));
    const shown = (t) => !page.chineseOnly || chinese(t);
    if (problem.detail && !own && shown(problem.detail)) box.append(el('div', { class: 'detail', testid: 'error-detail', text: problem.detail }));
    if (Array.isArray(problem.errors) && problem.errors.length) {
      box.append(el('ul', { testid: 'error-fields' },
        problem.errors.map((e) => el('li', { 'data-field': e.field,
          text: `${page.fieldLabel(e.field)}：${fieldMessage(e.message, shown)}` }))));
    }
    // 出错的输入框标红：页面在输入框上写 data-field="字段名"（与服务器 errors[].field 一致）。
    if (Array.isArray(problem.errors)) {
      for (const e of problem.errors) {
        for (const input of document.querySelectorAll(`[data-field="${CSS.escape(String(e.field))}"]`)) {
          if (input.closest('[hidden]') || input.tagName === 'LI') continue;
          input.classList.add('invalid');
          input.setAttribute('aria-invalid', 'true');
        }
      }
    }
    const extra = page.problemExtra && page.problemExtra(problem);
    if (extra) box.append(extra);
    box.dataset.code = problem.code || '';
    box.hidden = false;
    $('notice').hidden = true;
  }

  let noticeTimer = 0;
  function showNotice(text) {
    const n = $('notice');
    n.textContent = text;
    n.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
  }

  /** 页面自己发现的问题（不是服务器的回答）。 */
  function clientError(detail, errors) {
    const e = new Error(detail);
    e.problem = { code: 'client', detail, errors };
    return e;
  }

  // ---------------------------------------------------------------- 登录凭据

  // 访问凭据只在内存里：不写进任何存储，别的脚本或拷走的浏览器资料里都找不到它。
  // 刷新页面、打开新标签页（如直播大屏）时，用续期 Cookie（httpOnly，只发往 /api/v1/auth）换一个新的。
  // sessionStorage 里只记“本标签页谁登录着”（用户名和角色，没有凭据），离线刷新时据此留在页面上。
  let current = null; // {token, role, username, name, expires_at}

  /** 记下 POST /auth/login 或 /auth/refresh 的回答（提前 5 秒当作过期；有效期很短时提前四分之一）。 */
  function keep(username, r) {
    const ttl = r.expires_in || 0;
    current = {
      token: r.access_token, role: r.role, username, name: r.display_name || username,
      expires_at: Date.now() + Math.max(0, ttl - Math.min(5, ttl / 4)) * 1000,
    };
    if (page.tokenKey) sessionStorage.setItem(page.tokenKey, JSON.stringify({ username, name: current.name, role: r.role }));
  }

  /** 本标签页登录着的用户 {username（登录名）, name（显示名）, role}（凭据过期、离线时也有），没有则 null。 */
  function session() {
    if (current) return { username: current.username, name: current.name, role: current.role };
    try {
      const s = JSON.parse(sessionStorage.getItem(page.tokenKey) || 'null');
      if (s && s.username && s.role) return { username: s.username, name: s.name || s.username, role: s.role };
    } catch (_) { /* ignore */ }
    return null;
  }

  // ---------------------------------------------------------------- 续期（整场直播不掉线）

  let renewTimer = 0;
  let renewing = null;

  /** 在访问凭据过期前续期：提前一分钟（有效期很短时提前一半）。 */
  function scheduleRenewal(expiresIn) {
    clearTimeout(renewTimer);
    const lead = Math.min(60, expiresIn / 2);
    renewTimer = setTimeout(() => { renew(); }, Math.max(1, expiresIn - lead) * 1000);
  }

  /**
   * 几个标签页共用一个续期 Cookie，每个续期凭据只能用一次：同时用会被当成盗用，整个登录作废。
   * 所以续期在浏览器的锁里一个接一个地做，后一个拿到的是前一个换回的新 Cookie。
   */
  function oneAtATime(fn) {
    if (navigator.locks && typeof navigator.locks.request === 'function') return navigator.locks.request('zhunong.auth.refresh', fn);
    return fn();
  }

  /**
   * 用续期 Cookie 换一个新的访问凭据。返回 'ok'、'refused'（登录已结束，或账号不能用这个页面）
   * 或 'offline'（网络不通，稍后再试）。同时只发一个请求：几处同时发现过期时共用这一次。
   */
  function renew() {
    if (renewing) return renewing;
    renewing = (async () => {
      try {
        const res = await oneAtATime(() => fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin', cache: 'no-store' }));
        if (res.status === 401 || res.status === 403) return 'refused';
        if (!res.ok) return 'offline'; // 服务器暂时出错：和网络不通一样，稍后再试
        const r = await res.json();
        if (page.roles.length && !page.roles.includes(r.role)) return 'refused';
        const me = session();
        keep(r.username || (me && me.username) || '', r);
        scheduleRenewal(r.expires_in || 0);
        return 'ok';
      } catch (_) {
        if (session()) scheduleRenewal(10); // 离线：10 秒后再试
        return 'offline';
      } finally {
        renewing = null;
      }
    })();
    return renewing;
  }

  /**
   * 一个有效的访问凭据（过期了先续期）。续期被拒绝时回到登录视图并抛出（标有 handled）；
   * 网络不通时抛出 network，调用方照离线处理（如订单留在队列里）。
   */
  async function accessToken() {
    if (current && current.expires_at > Date.now()) return current.token;
    const r = await renew();
    if (r === 'ok') return current.token;
    if (r === 'offline') throw new ApiError(0, { code: 'network', detail: 'offline' });
    toLogin('登录已过期，请重新登录。');
    throw new ApiError(401, { code: 'unauthorized', detail: 'no token', handled: true });
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.detail || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  /** 出错应答的 problem+json；不是 JSON 时按状态码拼一个。 */
  async function problemOf(res) {
    let problem = null;
    try {
      const ct = res.headers.get('content-type') || '';
      if (ct.includes('json')) problem = await res.json();
    } catch (_) { /* not JSON */ }
    if (!problem || typeof problem !== 'object') {
      problem = { code: '', title: `HTTP ${res.status}`, status: res.status, detail: `HTTP ${res.status} ${res.statusText}` };
    }
    return problem;
  }

  /**
   * 调用 /api/v1（带登录凭据）。opts：auth（false 则不带凭据）、headers（附加请求头）、
   * raw（返回 Blob）、withHeaders（返回 {body, headers, status}）。
   * 出错时抛出 ApiError；401 先回到登录视图，抛出的 problem 标有 handled。
   */
  async function api(method, path, body, opts = {}) {
    const headers = { Accept: opts.raw ? '*/*' : 'application/json', ...(opts.headers || {}) };
    if (opts.auth !== false) headers.Authorization = `Bearer ${await accessToken()}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch('/api/v1' + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        // Cookie 只用于登录会话（/auth/…，续期 Cookie 也只对这个路径有效）；其余请求只带访问凭据。
        cache: 'no-store', credentials: path.startsWith('/auth/') ? 'same-origin' : 'omit',
      });
    } catch (e) {
      throw new ApiError(0, { code: 'network', detail: String((e && e.message) || e) });
    }
    if (res.status === 401 && opts.auth !== false) {
      // 凭据刚过期：续期后重发一次，输入的内容不丢。
      if (!opts.renewed) {
        current = null;
        const r = await renew();
        if (r === 'ok') return api(method, path, body, { ...opts, renewed: true });
        if (r === 'offline') throw new ApiError(0, { code: 'network', detail: 'offline' });
      }
      toLogin('登录已过期或无效，请重新登录。');
      throw new ApiError(401, { code: 'unauthorized', detail: 'unauthorized', handled: true });
    }
    if (!res.ok) throw new ApiError(res.status, await problemOf(res));
    if (opts.raw) return res.blob();
    if (res.status === 204) return null;
    const json = !page.cutOffAsNetwork ? await res.json() : await res.json().catch(() => {
      throw new ApiError(0, { code: 'network', detail: 'the answer was cut off' });
    });
    if (opts.withHeaders) return { body: json, headers: res.headers, status: res.status };
    return json;
  }

  /** 运行一个操作：按钮在请求期间不可再点（久了显示“…中”），出错时显示红色消息框。 */
  async function run(button, fn) {
    // A new action clears the last one's error: it no longer describes what is on screen.
    if (button) clearMessage();
    let busy = 0;
    let kids = null;
    let busyText = '';
    if (button) {
      button.disabled = true;
      // 请求超过 0.2 秒：按钮上写“登录中…”“刷新中…”（长的写“请稍候…”），让人知道在等。
      busy = setTimeout(() => {
        const first = button.firstChild;
        const label = String((first && first.nodeType === Node.TEXT_NODE ? first.textContent : button.textContent) || '').trim();
        if (!label) return;
        kids = [...button.childNodes];
        busyText = label.length <= 4 ? `${label}中…` : '请稍候…';
        button.setAttribute('aria-busy', 'true');
        button.textContent = busyText;
      }, 200);
    }
    try {
      return await fn();
    } catch (err) {
      if (!(err && err.problem && err.problem.handled)) showError(err);
      return undefined;
    } finally {
      if (button) {
        clearTimeout(busy);
        button.disabled = false;
        if (kids) {
          button.removeAttribute('aria-busy');
          // 操作自己改了按钮上的字（如“上架”变成别的）就不再改回去。
          if (button.textContent === busyText) button.replaceChildren(...kids);
        }
      }
    }
  }

  /** 带登录凭据取回一个打印页（装车单、溯源标签），用 blob 地址在新标签页打开；给了文件名则下载（CSV、Excel）。 */
  async function openFile(path, downloadName) {
    clearMessage();
    // 先同步打开新标签页，免得取回文件后再打开被浏览器当成弹窗拦截。
    const win = downloadName ? null : window.open('', '_blank');
    let blob;
    try {
      blob = await api('GET', path, undefined, { raw: true });
    } catch (err) {
      if (win) win.close();
      throw err;
    }
    const url = URL.createObjectURL(blob);
    setTimeout(() => URL.revokeObjectURL(url), 120000);
    if (downloadName) {
      const a = el('a', { href: url, download: downloadName, target: '_blank', rel: 'noopener' });
      document.body.append(a);
      a.click();
      a.remove();
    } else if (win) {
      win.location.href = url;
    } else {
      const n = $('notice');
      n.replaceChildren('浏览器拦截了新窗口：', el('a', { href: url, target: '_blank', testid: 'manifest-link', text: '点此打开' }));
      n.hidden = false;
    }
  }

  // ---------------------------------------------------------------- 登录

  /** 清掉登录凭据，回到登录视图（可附一句说明）。 */
  function toLogin(message) {
    current = null;
    sessionStorage.removeItem(page.tokenKey);
    clearTimeout(renewTimer);
    page.showLogin();
    if (message) showError(clientError(message));
    $('login-password').value = '';
    $('login-username').focus();
  }

  /** 登录表单的 submit。 */
  async function onLogin(ev) {
    ev.preventDefault();
    clearMessage();
    const username = $('login-username').value.trim();
    const password = $('login-password').value;
    if (!username || !password) {
      showError(clientError('请输入用户名和密码。'));
      return;
    }
    await run($('login-submit'), async () => {
      const r = await api('POST', '/auth/login', { username, password, cookie: true }, { auth: false });
      if (!page.roles.includes(r.role)) {
        // 这个账号不能用这个页面：它刚拿到的登录也随即结束，不留一个没人用的续期 Cookie。
        fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
        throw clientError(page.refused(username, r.role));
      }
      keep(username, r);
      scheduleRenewal(r.expires_in || 0);
      $('login-password').value = '';
      await page.afterLogin();
    });
  }

  // ---------------------------------------------------------------- 实时数据流（SSE，用 fetch 读，才能带上登录凭据）

  /**
   * 读 text/event-stream 并在断线后自动重连（0.5 秒起，每次加倍，最多 10 秒），状态显示在 #stream-status。
   * token()：访问凭据（可以是 Promise，如 accessToken）；onMessage(event, data)：每个有数据的事件（收到数据后页面调用 connected() 显示“实时”）；
   * toLogin(message)：服务器回答 401 时；onNoToken()：没有凭据时（不给则照常重连）。
   */
  function eventStream({ token, onMessage, toLogin: relogin, onNoToken }) {
    let stream = null; // {ctrl, url, stopped}
    let retry = 0;
    let timer = 0;

    function setStatus(state, text) {
      const s = $('stream-status');
      s.dataset.state = state;
      s.textContent = text;
    }

    function stop() {
      clearTimeout(timer);
      if (stream) { stream.stopped = true; stream.ctrl.abort(); }
      stream = null;
      setStatus('off', '未连接');
    }

    function start(url) {
      stop();
      const me = { ctrl: new AbortController(), url, stopped: false };
      stream = me;
      read(me).catch(() => {}).finally(() => {
        if (me.stopped || stream !== me) return;
        setStatus('retry', '重连中…');
        const wait = Math.min(10000, 500 * 2 ** retry++);
        timer = setTimeout(() => { if (stream === me) start(url); }, wait);
      });
    }

    /** 空行分隔事件；“:”开头是注释（keep-alive）。45 秒无数据视为断线。 */
    async function read(me) {
      let bearer;
      try {
        bearer = await token();
      } catch (err) {
        if (err && err.problem && err.problem.handled) { me.stopped = true; return; } // 已回到登录视图
        throw err; // 离线：稍后重连
      }
      if (!bearer) {
        if (onNoToken) { me.stopped = true; onNoToken(); }
        return;
      }
      setStatus(retry ? 'retry' : 'connecting', retry ? '重连中…' : '连接中…');
      let watchdog = 0;
      const kick = () => { clearTimeout(watchdog); watchdog = setTimeout(() => me.ctrl.abort(), 45000); };
      kick();
      try {
        const res = await fetch(me.url, {
          headers: { Authorization: `Bearer ${bearer}`, Accept: 'text/event-stream' },
          cache: 'no-store', credentials: 'omit', signal: me.ctrl.signal,
        });
        if (res.status === 401) { me.stopped = true; relogin('登录已过期或无效，请重新登录。'); return; }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.getReader();
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          kick();
          buf += dec.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let event = 'message';
            const data = [];
            for (const line of block.split('\n')) {
              if (line === '' || line.startsWith(':')) continue;
              const i = line.indexOf(':');
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
              if (field === 'event') event = val;
              else if (field === 'data') data.push(val);
            }
            if (data.length && !me.stopped) {
              // 直播结束：服务器发完最后的数据就关闭数据流，不再重连。
              if (event === 'ended') { me.stopped = true; setStatus('off', '直播已结束'); }
              onMessage(event, data.join('\n'));
            }
          }
        }
      } finally {
        clearTimeout(watchdog);
      }
    }

    return {
      start,
      stop,
      /** 收到了数据：显示“实时”，下次断线从头计算重连间隔。 */
      connected() { retry = 0; setStatus('on', '实时'); },
      /** 网络断了：马上断开（不再显示“实时”），照常等待重连。 */
      interrupt() { if (stream && !stream.stopped) stream.ctrl.abort(); },
      /** 马上重连（网络恢复时）。 */
      reconnect(url) { retry = 0; start(url); },
      get open() { return stream !== null; },
    };
  }

  /** 一次提交的幂等键（Idempotency-Key）：随机的 v4 UUID。 */
  function newKey() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    // 非安全上下文（如局域网 http）没有 randomUUID：用 getRandomValues 拼一个 v4 UUID。
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** 稍后用同一个幂等键重发会成功的失败：网络不通、超时、限流、服务器暂时出错、上一次还在处理。 */
  const isTransient = (err) => err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500
    || Boolean(err.problem && err.problem.code === 'idempotency_key_in_flight');

  /** JSON.parse，坏数据返回 null。 */
  function parseJson(text) {
    try { return JSON.parse(text); } catch (_) { return null; }
  }

  // ---------------------------------------------------------------- 启动

  /**
   * 页面打开时：访问凭据不在内存里了，用续期 Cookie 换一个。离线时先按本标签页记下的用户进入页面，
   * 网络恢复后再续期；续期被拒绝（登录已结束）则去掉记录，页面显示登录。
   */
  async function resume() {
    if (!page.tokenKey) return;
    const r = await renew();
    if (r === 'refused') sessionStorage.removeItem(page.tokenKey);
  }

  function ready(init) {
    const start = () => { resume().finally(init); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }

  /** 退出：结束这次登录（续期 Cookie 作废），回到登录视图。 */
  function logout() {
    fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
    toLogin();
  }

  return {
    $, configure, CODE_TEXT, ORDER_STATUS, PLATFORM,
    el, fill,
    halfWidth, fixed, group, yuan, money, fenOf, weightAmountFen, byWeight, unitOf, qtyNumber, pad2, localDate, clock,
    clearMessage, showError, showNotice, clientError,
    session, accessToken, ApiError, api, run, openFile, toLogin, onLogin, logout, renew,
    eventStream, parseJson, newKey, isTransient, ready,
  };
})();
