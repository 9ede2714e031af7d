// 首页“待处理”里的两行：数据备份（最近一次备份的情况；管理员可下载最新一份检验过的备份）和
// 数据核对（最近一次核对的结果；管理员可“立即核对”，核出的不符逐条用中文列出）。
// office-dashboard.js 的 attention() 调用 o.backupLine 和 o.checkLine。服务器给运维看的英文说明
// （detail）不显示给用户。
'use strict';

(() => {
  const o = window.Zhunong.office;
  const { $, el, fill, api, money, count } = o;
  const isAdmin = () => (window.Zhunong.session() || {}).role === 'admin';

  /** 各项检查的中文名（服务器的 rule）。 */
  const RULE = {
    ledger_balances: '每笔账目收支相抵',
    append_only: '账目、收款、过磅单、操作记录不可改动',
    settled_split: '已结算订单：农户应得 + 佣金 = 实收',
    payments: '订单已收金额与收款记录相符',
    stock: '批次库存与入库、调整、订单占用相符',
    daily_totals: '每日销售汇总与明细相符',
    facts: '订单的销售统计与订单相符',
    idempotency: '重复提交的应答指向的记录都在',
    order_state: '订单状态没有自相矛盾',
    shop_orders: '抖店订单的退款与子订单相符',
    platform_fees: '订单的平台费用与记账相符，对过账的收款都有账单为凭',
  };
  /** 这些检查的“应为、实为”是金额（分）。 */
  const MONEY_RULES = new Set(['ledger_balances', 'settled_split', 'payments', 'daily_totals', 'facts', 'shop_orders', 'platform_fees']);
  /** 不可改动的表（服务器的 table）。 */
  const TABLE = {
    ledger_transactions: '记账凭证表', ledger_entries: '账目明细表', payments: '收款记录表', weigh_tickets: '过磅单表',
    weigh_ticket_voids: '过磅单作废记录表', audit_log: '操作记录表', grower_statements: '对账单表',
  };

  // ---------------------------------------------------------------- 数据备份

  /** 下载一份备份：接口要登录凭据，用 blob 下载（同报表的 CSV、Excel）。 */
  function downloadLink(f) {
    const path = `/backups/${encodeURIComponent(f.name)}`;
    return el('a', {
      href: `/api/v1${path}`, class: 'attention-link', testid: 'backup-download', text: '下载',
      'aria-label': `下载备份（${o.localTime(f.taken_at)}）`,
      onclick: (ev) => {
        ev.preventDefault();
        window.Zhunong.run(null, () => o.download(path, f.name));
      },
    });
  }

  /** 数据备份一行：没设定时备份、最近一次失败、或太久没备份，都标红提醒；管理员可下载最新一份好的备份。 */
  function backupLine(b) {
    const good = b.files.find((f) => f.good);
    const item = (text, warn) => el('li', { class: 'attention-item', testid: 'attention-backup' },
      el('span', { class: 'attention-label', text: '数据备份' }),
      el('span', { class: 'attention-side' },
        el('span', { class: warn ? 'count warn-text' : 'count muted', text }),
        good && isAdmin() ? downloadLink(good) : null));
    banner(null);
    if (!b.scheduled) return item('未设置定时备份，请管理员设置备份目录', true);
    const newest = b.files[0];
    if (newest && !newest.good) {
      const text = `最近一次备份失败（${o.localTime(newest.taken_at)}），请检查备份盘`;
      banner(good ? `${text}；最近一份好的备份是 ${o.localTime(good.taken_at)} 的` : text);
      return item(text, true);
    }
    if (!good) return item('还没有备份', true);
    const late = Date.now() - new Date(good.taken_at).getTime() > 2 * b.every_minutes * 60000;
    if (late) banner(`已超过两个备份周期没有成功备份（最近一份是 ${o.localTime(good.taken_at)} 的），请检查备份盘`);
    return item(`最近备份 ${o.localTime(good.taken_at)}（${megabytes(good.bytes)}），已恢复检验${late ? '；已超过两个备份周期' : ''}`, late);
  }

  /** 备份大小，兆字节，一位小数。 */
  function megabytes(bytes) {
    return `${(bytes / 1048576).toLocaleString('zh-CN', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
  }

  /** 首页顶上的红色横幅：备份失败或太久没有好的备份时显示；text 为空则收起。 */
  function banner(text) {
    const b = $('backup-banner');
    if (!b) return;
    b.textContent = text || '';
    b.hidden = !text;
  }

  // ---------------------------------------------------------------- 数据核对

  /** 一处不符说的是什么：订单（可点开）、批次、记账凭证、某天的汇总、重复提交记录或一张表。 */
  function subject(f) {
    switch (f.subject) {
      case 'order': return ['订单 ', el('a', { href: `#orders?id=${f.id}`, text: o.orderNumber(f.id) })];
      case 'batch': return [`批次（编号 ${f.id}）`];
      case 'ledger_transaction': return [`记账凭证（编号 ${f.id}）`];
      case 'day': {
        const d = String(f.id);
        return [`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} 的销售汇总`];
      }
      case 'idempotency_key': return [`重复提交记录（编号 ${f.id}）`];
      case 'table': return [TABLE[f.table] || '数据表'];
      default: return [`记录（编号 ${f.id}）`];
    }
  }

  /** “，应为 X，实为 Y”（金额用元）；没有数字的不写。 */
  function figures(f) {
    const none = (v) => v === null || v === undefined;
    if (none(f.expected) && none(f.found)) return '';
    const fmt = MONEY_RULES.has(f.rule) ? money : count;
    const show = (v) => (none(v) ? '无' : fmt(v));
    // 每日汇总的“应为”是差额 0：直接说差多少。
    if (f.rule === 'daily_totals' && f.expected === 0 && !none(f.found)) return `，汇总与明细相差 ${money(f.found)}`;
    return `，应为 ${show(f.expected)}，实为 ${show(f.found)}`;
  }

  function findingLine(f, i) {
    return el('li', { testid: `finding-${i}` }, `${RULE[f.rule] || '其他检查'}：`, ...subject(f), figures(f));
  }

  /**
   * 核对结果列在待处理下面：有不符时逐条列出；全部相符时只在刚核对完（always）时说一声。
   */
  function showFindings(c, always) {
    const box = $('check-findings');
    if (!box) return;
    if (!c || (c.ok && !always)) {
      fill(box);
      box.hidden = true;
      return;
    }
    const took = `（用时 ${count(c.took_ms)} 毫秒）`;
    if (c.ok) {
      fill(box, el('p', { class: 'ok-text', text: `全部 ${c.rules.length} 项检查都相符${took}` }));
    } else {
      const broken = c.rules.filter((r) => r.violations > 0);
      const more = c.violations - c.findings.length;
      fill(box,
        el('p', { class: 'warn-text', text: `${c.rules.length} 项检查中有 ${broken.length} 项不符，共 ${count(c.violations)} 处${took}：` }),
        el('ul', { class: 'findings' }, c.findings.map(findingLine)),
        more > 0 ? el('p', { class: 'muted', text: `另有 ${count(more)} 处没有一一列出。` }) : null,
        el('p', { class: 'muted', text: '请把以上情况告诉技术人员查明原因。' }));
    }
    box.hidden = false;
  }

  /** 数据核对一行：最近一次核对的结果；管理员多一个“立即核对”。 */
  function checkLine(latest) {
    let text = '还没有核对过';
    let warn = false;
    if (latest) {
      const when = `最近核对 ${o.localTime(latest.checked_at)}`;
      text = latest.ok ? `${when}：全部相符` : `${when}：发现 ${count(latest.violations)} 处不符`;
      warn = !latest.ok;
    }
    return el('li', { class: 'attention-item', testid: 'attention-check' },
      el('span', { class: 'attention-label', text: '数据核对' }),
      el('span', { class: 'attention-side' },
        el('span', { class: warn ? 'count warn-text' : 'count muted', text }),
        isAdmin() ? el('button', { type: 'button', class: 'btn small', testid: 'run-check', text: '立即核对',
          onclick: (ev) => runCheck(ev.currentTarget) }) : null));
  }

  /** 管理员点“立即核对”：核对期间按钮不可再点、写“核对中…”，完了换上新的一行并列出结果。 */
  async function runCheck(button) {
    window.Zhunong.clearMessage();
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = '核对中…';
    const c = await window.Zhunong.run(null, () => api('POST', '/integrity-checks', {}));
    if (!c) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = '立即核对';
      return;
    }
    const line = $('attention').querySelector('[data-testid="attention-check"]');
    const next = checkLine(c);
    if (line) line.replaceWith(next);
    showFindings(c, true);
    const again = next.querySelector('button');
    if (again && next.isConnected) again.focus();
  }

  /** 首页待处理的“数据核对”一行（取最近一次核对），并列出它的不符之处。 */
  async function checkItem() {
    const latest = (await api('GET', '/integrity-checks?per_page=1')).items[0] || null;
    showFindings(latest, false);
    return checkLine(latest);
  }

  Object.assign(o, { backupLine, checkItem });
})();
