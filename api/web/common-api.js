// 各页面共用的代码（接 common.js）：消息框、登录凭据与续期、调用 API、登录与退出、页面启动。
// 在 common.js 之后、页面自己的脚本之前加载，把函数加进 window.Zhunong；页面的设置（Zhunong.configure）
// 在这里读。纯 JavaScript，无框架、无外部资源。
'use strict';

(() => {
  const { $, el, fill, page } = window.Zhunong;

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

  Object.assign(window.Zhunong, {
    clearMessage, showError, showNotice, clientError,
    session, accessToken, ApiError, api, run, openFile, toLogin, onLogin, logout, renew, ready,
  });
})();
