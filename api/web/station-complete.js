// 称重装车页面的“称重完成”：每行的“称重完成”按钮、“整单称重完成”、完成后锁定的说明和
// “下一单”。订单行称完所有箱子后由称重员标记完成；此前订购量一直为这一行保留，完成时少于订购量
// 的部分才退回库存，整单都完成后订单才变为“已称重”。
'use strict';

(() => {
  const { $, el, fill, money, clearMessage, showNotice, api, run } = window.Zhunong;
  const station = window.Zhunong.station;
  const { ORDER_STATUS, badge, kv, weightText, timeText, isComplete, liveTickets } = station;

  /** 几行已称重完成；整单称重完成、下一单两个按钮。 */
  function progress(sheet, canWeigh) {
    const o = sheet.order;
    const done = sheet.lines.filter(isComplete).length;
    const open = sheet.lines.filter((l) => !isComplete(l));
    const box = el('div', { class: 'progress' },
      el('div', { testid: 'sheet-progress', text: `称重完成 ${done} / ${sheet.lines.length} 行` }));
    if (sheet.weighing_complete) {
      box.append(el('div', { class: 'done-note', testid: 'sheet-complete', text: '整单已称重完成，称重单已锁定。' }),
        el('button', { type: 'button', class: 'btn primary block', testid: 'next-order', text: '下一单',
          onclick: (e) => run(e.currentTarget, nextOrder) }));
    } else if (canWeigh) {
      const unweighed = open.filter((l) => liveTickets(l).length === 0);
      box.append(el('button', { type: 'button', class: 'btn block', testid: 'complete-order', text: '整单称重完成',
        disabled: unweighed.length ? true : null,
        onclick: (e) => run(e.currentTarget, () => completeOrder(o.id)) }));
      if (unweighed.length) {
        box.append(el('div', { class: 'muted', testid: 'complete-order-hint',
          text: `还有 ${unweighed.length} 行没有称重，称完后才能整单完成。` }));
      }
    }
    return box;
  }

  /** 一行称重单下方的内容：已完成时的锁定说明，未完成且有磅单时的“称重完成”按钮。 */
  function lineControls(line, canWeigh) {
    if (isComplete(line)) {
      return [el('div', { class: 'muted', testid: 'line-locked',
        text: `${timeText(line.weighing_completed_at)} 称重完成，本行不能再加箱；如需更正，请书记作废磅单后重称。` })];
    }
    if (!canWeigh || liveTickets(line).length === 0) return [];
    return [
      el('button', { type: 'button', class: 'btn block', testid: 'complete-line', text: '称重完成',
        onclick: (e) => run(e.currentTarget, () => completeLine(line.line_id)) }),
      el('div', { class: 'muted', text: '这一行的箱子都称完后点“称重完成”：少于订购量的部分这时才退回库存。' }),
    ];
  }

  async function completeLine(lineId) {
    clearMessage();
    const o = await api('POST', `/order-lines/${lineId}/complete-weighing`);
    showCompleted(o, lineId);
    await station.weigh.openSheet(o.id, false);
    run(null, station.weigh.loadConfirmed);
  }

  async function completeOrder(orderId) {
    clearMessage();
    // 整单完成后称重单锁定，多称、少称都只能请书记作废磅单重称：先问一句。
    if (!window.confirm('整单称重完成？完成后这张称重单锁定，不能再加箱。')) return;
    const o = await api('POST', `/orders/${orderId}/complete-weighing`);
    showCompleted(o, null);
    await station.weigh.openSheet(o.id, false);
    run(null, station.weigh.loadConfirmed);
  }

  /** 称重完成后的结果：本行（或整单）的最终重量和金额。 */
  function showCompleted(o, lineId) {
    const line = lineId === null ? null : o.lines.find((l) => l.line_id === lineId);
    const sheetLine = lineId === null ? null : station.weigh.lineById(lineId);
    const flaggedWaiting = o.weights_flagged && !o.weights_approved;
    const box = $('weigh-result');
    box.className = `card result ${flaggedWaiting ? 'flagged' : 'ok'}`;
    fill(box,
      el('div', { class: 'row spread' },
        el('h2', { text: line ? '本行称重完成' : '整单称重完成' }),
        badge('order', o.status, 'result-status')),
      kv([
        ['订单', o.number, 'result-number'],
        ['产品', sheetLine ? sheetLine.product_name : null],
        ['本行净重', line && line.weighed_g !== null ? weightText(line.weighed_g) : null, 'result-line-weight'],
        ['本行金额', line && line.final_amount_fen !== null
          ? el('span', { class: 'money big', text: money(line.final_amount_fen) }) : null, 'result-line-amount'],
        ['订单状态', ORDER_STATUS[o.status] || o.status, 'result-status-text'],
        ['订单称后合计', o.final_total_fen === null ? '还有未称重完成的行'
          : el('span', { class: 'money big', text: money(o.final_total_fen) }), 'result-final-total'],
      ]),
      flaggedWaiting ? el('div', { class: 'warn', testid: 'result-warning', text: '超出允许误差，需书记审批后才能装车' }) : null,
    );
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  /** 打开待称重订单中的下一单（不是当前这一单的第一单）。 */
  async function nextOrder() {
    clearMessage();
    const sheet = station.weigh.current();
    const current = sheet ? sheet.order.id : null;
    const r = await api('GET', '/orders?status=confirmed&per_page=50');
    const next = r.items.find((o) => o.id !== current);
    await station.weigh.loadConfirmed();
    if (!next) {
      showNotice('没有待称重的订单了。');
      return;
    }
    $('order-number').value = next.number;
    $('confirmed-orders').value = next.number;
    $('weigh-result').hidden = true;
    await station.weigh.openSheet(next.id, true);
    window.scrollTo(0, 0);
  }

  station.complete = { progress, lineControls };
})();
