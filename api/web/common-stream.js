// 各页面共用的代码（接 common.js）：实时数据流，直播下单和直播大屏用它读本场的实时数据。
// 在 common.js 之后、页面自己的脚本之前加载，把 eventStream 加进 window.Zhunong。纯 JavaScript，无框架、无外部资源。
'use strict';

(() => {
  const { $ } = window.Zhunong;

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

  window.Zhunong.eventStream = eventStream;
})();
