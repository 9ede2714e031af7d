// 各页面共用的代码：村务办公（office）、称重装车（station）、直播下单（live）、直播大屏（board）都用它；
// 公开的溯源页（/t/…）由服务器生成整页，不用它。这个文件有页面设置、服务器错误码的中文、DOM、
// 数字与金额，以及离线发件箱（直播下单的订单、称重站的磅单先存在手机上再发）；消息框、API 和登录在
// common-api.js，实时数据流在 common-stream.js。三个文件按这个顺序、在页面自己的脚本之前加载；
// 它们只定义 window.Zhunong，不碰页面。纯 JavaScript，无框架、无外部资源。
// 页面先调用 Zhunong.configure({...}) 说明自己的登录凭据、错误用语和视图，再使用这里的函数。
'use strict';

window.Zhunong = (() => {
  const $ = (id) => document.getElementById(id);

  /** 页面的设置（见 configure；common-api.js 也读它）。 */
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
    not_a_parcel_order: '这张订单不是快递发货，不能打包。',
    not_a_pickup_order: '这张订单不是自提订单。',
    not_a_load_order: '这张订单走快递或自提，不能装车。',
    already_packed: '这些货已经打包了，不能再改；要改请先拆包。',
    tracking_number_taken: '这个运单号已经用在别的包裹上了。',
    recipients_differ: '收货人不同的订单不能合并成一个包裹。',
    wrong_pickup_code: '提货码不对，请让买家再核对一下。',
    fulfilment_fixed: '订单已装车、发货或取消，不能再改配送方式。',
    claim_window_closed: '已过售后申请期限，不能再申请。',
    case_open: '这些商品已有一个处理中的售后单。',
    already_reopened: '售后单只能重新打开一次。',
    unmapped_posting: '有一笔记账找不到对应的会计科目，请先在“账簿 · 科目对照”里设置。',
    month_closed: '这个月已经结账，不能再结一次。',
    month_open: '这个月还没有结账，结账后才能导出定稿的凭证。',
    posting_month_closed: '这个日期所在的月份已经结账，不能再记进去。请改用没结账的日期，或勾选“补记到本月”。',
    sheet_published: '这份财务公开表已经公布，不能再改；要更正请起草新的一版。',
    sheet_not_checked: '这份财务公开表的状态不对：要先由民主理财小组审核，审核后才能公布。',
    sheet_in_progress: '这一期已经有一份没公布的草稿，请在那份上修改。',
    sheet_not_published: '这份财务公开表还没有公布，公布后才能打印公开栏海报。',
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


  // 各种代码的中文说法只写一处：服务器的 domain/labels.rs，页面从 /app/labels.js 拿到（window.ZhunongLabels）。
  const LABELS = window.ZhunongLabels;
  if (!LABELS) throw new Error('/app/labels.js 没有先加载');

  /** 一张说法表；给了 codes 就只要这些，并按这个顺序（下拉框的顺序和默认项）。 */
  function labelsOf(table, codes) {
    const t = LABELS[table];
    if (!t) throw new Error(`没有说法表 ${table}`);
    if (!codes) return { ...t };
    return Object.fromEntries(codes.map((c) => [c, t[c]]));
  }

  /** 订单状态的中文（各页面共用；称重站把“已确认”说成“已确认（待称重）”）。 */
  const ORDER_STATUS = labelsOf('order_status');
  const PLATFORM = labelsOf('platform');

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

  // ---------------------------------------------------------------- 幂等键、重试与 JSON

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

  // ---------------------------------------------------------------- 离线发件箱

  /**
   * 手机上的发件箱：要交给服务器的东西（订单、磅单）先存进 localStorage，刷新、断电都不丢，再按存入的
   * 顺序一条一条发。每条带自己的幂等键（字段 key）：网络不通、服务器暂时出错时等一等用同一个键重发
   * （1 秒起，每次加倍，最多 retryMaxMs），服务器对同一个键只记一次，所以既不丢也不重；登录过期时停下，
   * 登录后页面再调用 pump()；服务器拒绝的一条交给页面（onRefused），接着发下一条。
   *
   * 选项：
   *   key            localStorage 的键：存着条目的数组（条目的样子由页面定，这里只用 key 和 state）。
   *   send(e)        发一条（async），返回结果；出错时抛出（ApiError 或页面自己的错误）。
   *   onDone(e, r)   发成功之后（r 是 send 的结果）；它抛出的错误和 send 的一样处理。
   *   onRefused(e, err)  服务器拒绝了（不是暂时性的错误）。
   *   onChange()     在等什么、有哪些条目变了：页面重画。
   *   retryMaxMs     最长等多久再重发。
   *   keepDone       给了：条目带 state，'queued' 和 'sending' 是待发的；发之前标成 'sending'（attempts 加一），
   *                  要等时标回 'queued'，最后的状态由 onDone / onRefused 写上；发完的只留最近 keepDone 条给页面显示。
   *                  不给：存着的都是待发的，发成或被拒绝就从数组里去掉。
   *   ready()        现在能不能发（如有人登录着）；不能就停下，等页面再调用 pump()。
   *   mine(e)        只发这些（如当前账号录的），别的留着。
   *   lock           Web Locks 的锁名：同一台手机开了几个标签页时只让一个发；拿不到锁就等一等再试。
   *                  没有 Web Locks 的浏览器直接发，服务器的幂等键兜底。
   *   trustOnLine    浏览器说离线（navigator.onLine 为 false）时不去试，直接等。
   *   restartBackoff 一条发完（成了或被拒绝）后，下一次等待重新从 1 秒算：直播时下一单要尽快发出去。
   *                  不给则一直加倍，直到发空为止：服务器吃力时不催它。
   *
   * 返回 {key, read(), add(e), update(key, patch), isPending(e), pump(), retryNow(), waiting}；
   * waiting 是为什么在等：'' | 'offline'（网络不通）| 'server'（服务器暂时没有应答）| 'other-tab'（另一个标签页在发）。
   * pump() 返回的 Promise 在这一轮发完或停下时完成（已经在发时马上完成）。
   */
  function outbox(opts) {
    const { key, send, onDone, onRefused, onChange = () => {}, retryMaxMs, keepDone, ready, mine, lock } = opts;
    const tracked = keepDone !== undefined;
    const isPending = (e) => !tracked || e.state === 'queued' || e.state === 'sending';

    function read() {
      try {
        const q = JSON.parse(localStorage.getItem(key) || '[]');
        return Array.isArray(q) ? q : [];
      } catch (_) { return []; }
    }

    /** 读—改—写：每次改动都重新读 localStorage，别的标签页刚加的条目不会被覆盖。 */
    function mutate(fn) {
      const q = read();
      const r = fn(q);
      // 只保留待发的和最近 keepDone 条发完的。
      const done = tracked ? new Set(q.filter((e) => !isPending(e)).slice(-keepDone)) : null;
      localStorage.setItem(key, JSON.stringify(tracked ? q.filter((e) => isPending(e) || done.has(e)) : q));
      return r;
    }

    /** 改一条（按幂等键找），返回改后的它；没有了则 undefined。 */
    function update(k, patch) {
      return mutate((q) => {
        const e = q.find((x) => x.key === k);
        if (e) Object.assign(e, patch);
        return e;
      });
    }

    const add = (e) => mutate((q) => { q.push(e); });
    const remove = (k) => mutate((q) => {
      const i = q.findIndex((x) => x.key === k);
      if (i >= 0) q.splice(i, 1);
    });

    let running = false;
    let timer = 0;
    let delay = 0;
    let waiting = '';

    function wait(why) {
      waiting = why;
      clearTimeout(timer);
      delay = Math.min(retryMaxMs, delay ? delay * 2 : 1000);
      timer = setTimeout(pump, delay);
      onChange();
    }

    async function work() {
      try {
        for (;;) {
          if (ready && !ready()) break;
          const e = read().find((x) => isPending(x) && (!mine || mine(x)));
          if (!e) { waiting = ''; delay = 0; break; }
          if (opts.trustOnLine && navigator.onLine === false) { wait('offline'); break; }
          if (tracked) {
            update(e.key, { state: 'sending', attempts: (e.attempts || 0) + 1 });
            onChange();
          }
          try {
            const r = await send(e);
            if (!tracked) remove(e.key);
            await onDone(e, r);
          } catch (err) {
            const relogin = Boolean(err && err.problem && err.problem.handled); // 回到了登录：登录后再发
            if (relogin || isTransient(err)) {
              if (tracked) update(e.key, { state: 'queued' });
              if (!relogin) wait(err.status === 0 ? 'offline' : 'server');
              break;
            }
            if (!tracked) remove(e.key);
            onRefused(e, err);
          }
          waiting = '';
          if (opts.restartBackoff) delay = 0;
          onChange();
        }
      } finally {
        running = false;
        onChange();
      }
    }

    function pump() {
      if (running) return Promise.resolve();
      running = true;
      clearTimeout(timer);
      if (lock && navigator.locks && navigator.locks.request) {
        return navigator.locks.request(lock, { ifAvailable: true }, async (held) => {
          if (!held) { running = false; wait('other-tab'); return; }
          await work();
        }).catch(() => { running = false; });
      }
      return work();
    }

    /** 马上再试（“重试”按钮、网络恢复时）：等待时间从头算。 */
    function retryNow() {
      delay = 0;
      return pump();
    }

    return {
      key, read, add, update, isPending, pump, retryNow,
      get waiting() { return waiting; },
    };
  }

  return {
    $, configure, page, CODE_TEXT, ORDER_STATUS, PLATFORM, labelsOf,
    el, fill,
    halfWidth, fixed, group, yuan, money, fenOf, weightAmountFen, byWeight, unitOf, qtyNumber, pad2, localDate, clock,
    parseJson, newKey, isTransient, outbox,
  };
})();
