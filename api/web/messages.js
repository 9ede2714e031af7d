// 服务器对某一项说“为什么不行”时用英文（给接口的调用方看）；页面把同一句话换成中文给村里的用户看。
// 每一条服务器可能说的话都在这里有中文（tests/browser/messages.test.mjs 从服务器源码里找出全部说法逐条核对），
// 所以页面上不会只写“填写有误”。金额的上限按分说，这里换成元。
'use strict';

(() => {
  const yuan = (fen) => {
    const n = Number(fen);
    return Number.isFinite(n) ? `${(n / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元` : `${fen} 分`;
  };
  const n = (x) => Number(x).toLocaleString('zh-CN');

  /** [说法, 中文]；说法里的数字用括号取出来放进中文。顺序要紧：具体的在前，笼统的在后。 */
  const RULES = [
    // 文字长短
    [/^must not be empty$/, () => '不能为空'],
    [/^(?:must be )?at most (\d+) characters$/, (m) => `最多 ${n(m[1])} 个字`],
    [/^at least (\d+) characters$/, (m) => `至少 ${n(m[1])} 个字符`],
    [/^between (\d+) and (\d+) characters$/, (m) => `${n(m[1])} 到 ${n(m[2])} 个字符`],
    [/^1 to (\d+) characters, not only spaces$/, (m) => `1 到 ${n(m[1])} 个字，不能只有空格`],
    [/^letters, digits, '\.', '_' and '-' only$/, () => '只能用英文字母、数字和 . _ -'],
    [/^strings must not contain NUL characters$/, () => '含有不能使用的字符'],
    // 数字范围
    [/^must be between 1 and (\d+) fen$/, (m) => `应在 0.01 元到 ${yuan(m[1])}之间`],
    [/^non-zero, at most (\d+) either way$/, (m) => `不能为 0，最多 ${yuan(m[1])}`],
    [/^must be between the years (\d+) and (\d+)$/, (m) => `年份应在 ${m[1]} 到 ${m[2]} 之间`],
    [/^(?:must be )?between (-?\d+) and (\d+)$/, (m) => `应在 ${n(m[1])} 到 ${n(m[2])} 之间`],
    [/^must be within ±(\d+)$/, (m) => `应在 ±${n(m[1])} 之内`],
    [/^must be positive$/, () => '必须大于 0'],
    [/^must be 3 to 11 digits$/, () => '应是 3 到 11 位数字'],
    [/^between 1 and (\d+) collectives$/, (m) => `应选 1 到 ${m[1]} 个村集体`],
    [/^between 1 and (\d+) orders$/, (m) => `一次 1 到 ${n(m[1])} 个订单`],
    [/^between 1 and (\d+) events$/, (m) => `应选 1 到 ${m[1]} 种通知`],
    [/^at most (\d+) days$/, (m) => `最多 ${m[1]} 天`],
    [/^has (\d+) orders; an export holds at most (\d+)$/, (m) => `有 ${n(m[1])} 个订单，一次最多能导出 ${n(m[2])} 个，请联系技术人员`],
    [/^at most (\d+) contacts$/, (m) => `最多 ${m[1]} 个联系人`],
    [/^at most (\d+) dimensions$/, (m) => `最多按 ${m[1]} 项分组`],
    [/^at most (\d+) values$/, (m) => `最多选 ${m[1]} 个`],
    [/^at most (\d+) lines per order$/, (m) => `一张订单最多 ${n(m[1])} 样货`],
    [/^at most (\d+) crates per request$/, (m) => `一次最多称 ${n(m[1])} 筐`],
    [/^more than (\d+) labels; print a smaller set$/, (m) => `超过 ${n(m[1])} 张标签，请分几次打印`],
    [/^the span may be at most (\d+) years$/, (m) => `时间跨度最多 ${m[1]} 年`],
    [/^the period may be at most (\d+) days$/, (m) => `期间最长 ${n(m[1])} 天`],
    [/^the report would have (\d+) rows/, (m) => `报表会有 ${n(m[1])} 行，太多了；请把时间粒度选粗一些，或少选几项分组`],
    [/^(?:amount too large|order total too large|the order total is too large)$/, () => '金额太大了'],
    [/^the weighed amount is too large$/, () => '称重金额太大了'],
    [/^cannot split$/, () => '份数分不开，请检查各村的份数'],
    // 日期
    [/^must not be before from$/, () => '不能早于开始日期'],
    [/^must not be before valid_from$/, () => '不能早于生效日期'],
    [/^is required \(YYYY-MM-DD\)$/, () => '必须填写日期（如 2026-09-01）'],
    [/^must be a date YYYY-MM-DD between (\d+) and (\d+)$/, (m) => `应是 ${m[1]} 到 ${m[2]} 年之间的日期，如 2026-09-01`],
    [/^not a day$/, () => '不是一个有效的日期'],
    // 称重
    [/^gross weight must be at most (\d+) g$/, (m) => `毛重最多 ${n(Number(m[1]) / 500)} 斤`],
    [/^gross weight must be more than 0 g$/, () => '毛重必须大于 0'],
    [/^tare must be less than gross$/, () => '皮重必须小于毛重'],
    [/^tare must not be negative$/, () => '皮重不能是负数'],
    [/^at least one crate$/, () => '至少称一筐'],
    // 缺什么、多什么
    [/^a refund needs a reason$/, () => '退款要写原因'],
    [/^a stock adjustment needs a reason$/, () => '调整库存要写原因'],
    [/^an erasure needs a reason$/, () => '删除个人信息要写原因'],
    [/^an enterprise needs a company name$/, () => '企业买家要填单位名称'],
    [/^an order needs at least one line$/, () => '订单里至少要有一样货'],
    [/^is required$/, () => '必须填写'],
    [/^give either date or load_id$/, () => '请选日期或车辆中的一个'],
    [/^give exactly one of order_id, load_id, batch_id$/, () => '请在订单、车辆和批次中选一个'],
    [/^give exactly one of product_id and batch_id$/, () => '产品和批次只能选一个'],
    [/^give role, active and\/or display_name$/, () => '请至少改一项：角色、能否登录或姓名'],
    [/^give live_price_fen, per_buyer_limit and\/or on_sale$/, () => '请至少改一项：直播价、限购或上下架'],
    [/^name exactly the target of the scope/, () => '按适用范围选一个：批次、产品或渠道'],
    [/^listed twice$|^.+ is given twice$|^may be given once$/, () => '重复了'],
    [/^must be a phone number/, () => '应是电话号码（数字，可以 + 开头）'],
    [/^must be a batch id$/, () => '应是一个批次'],
    // 没有这个东西
    [/^no batch with id (\d+)$/, () => '没有这个批次'],
    [/^no buyer with id (\d+)$/, () => '没有这个买家'],
    [/^no collective with id (\d+)$/, () => '没有这个村集体'],
    [/^no product with id (\d+)$/, () => '没有这个产品'],
    [/^no grower with id (\d+)$/, () => '没有这个种植户'],
    [/^no live session with id (\d+)$/, () => '没有这场直播'],
    [/^no order line with id (\d+)$/, () => '没有这一行订单'],
    [/^no order with id (\d+)$/, () => '没有这个订单'],
    [/^no open pickup point with id (\d+)$/, () => '没有这个自提点，或已停用'],
    [/^no .+ with id (\d+)$/, () => '没有这一项'],
    [/^.+ is not an id$/, () => '不是有效的编号'],
    // 规则
    [/^orders in a live session are livestream orders$/, () => '直播场次里的订单只能是直播渠道'],
    [/^partner_api orders come through the partner API$/, () => '企业接口的订单只能由企业的系统下'],
    [/^partners sign in with API keys, not passwords$/, () => '合作企业用接口密钥，不用账号密码'],
    [/^sales commission comes from settling orders$/, () => '销售提成来自订单结算，不能在这里录入'],
    [/^this batch is not featured in the live session$/, () => '这个批次不在本场直播的商品里'],
    // 收货、快递与自提
    [/^a buyer keeps at most (\d+) addresses$/, (m) => `每位买家最多存 ${n(m[1])} 个地址`],
    [/^a parcel is shipped with its tracking number$/, () => '发货要填运单号'],
    [/^a parcel order needs a recipient, and the buyer has no default address$/, () => '快递订单要填收货信息（这位买家没有默认地址）'],
    [/^a partner's order goes by load or parcel$/, () => '企业接口的订单只能装车或快递'],
    [/^a pickup order needs a pickup point$/, () => '自提订单要选自提点'],
    [/^an order is named twice$/, () => '同一张订单写了两次'],
    [/^between 1 and (\d+) grams$/, (m) => `应在 1 克到 ${n(Number(m[1]) / 1000)} 公斤之间`],
    [/^crate (\d+) is not a weighed crate of these orders$/, () => '这一筐不是这些订单称过的筐'],
    // 报表日期
    [/^not a day this server can read$/, () => '这个日期无法识别'],
    [/^on or before `to`, at most ten years before$/, () => '开始日期要在结束日期之前，最多查十年'],
    // 售后
    [/^a rejection needs a reason the buyer can read$/, () => '拒绝要写明原因，买家能看到'],
    [/^agreeing in full refunds what was claimed$/, () => '同意退款就按买家申请的金额退'],
    [/^at least 1 fen, and less than the claim$/, () => '至少 0.01 元，且少于买家申请的金额'],
    [/^at most (\d+) photos per case$/, (m) => `每个售后单最多 ${n(m[1])} 张照片`],
    [/^line (\d+) is not a line of this order$/, () => '所选商品不在这张订单里'],
    [/^not a JPEG, PNG or WebP picture$/, () => '照片格式不对，只收 JPG、PNG 或 WebP'],
    [/^the claim names no amount: agree to part of it with amount_fen$/, () => '买家没写申请金额，请用“部分退款”填写金额'],
    [/^the link names the order$/, () => '订单链接里已经有订单了'],
    [/^which order the case is about$/, () => '请选择是哪张订单的售后'],
    [/^letters, digits and '-' only, at most (\d+)$/, (m) => `只能用英文字母、数字和 -，最多 ${m[1]} 位`],
    [/^one to (\d+) orders$/, (m) => `一个包裹合并 1 到 ${n(m[1])} 张订单`],
    [/^only a parcel order has a recipient$/, () => '只有快递订单才填收货人'],
    [/^only a pickup order has a pickup point$/, () => '只有自提订单才选自提点'],
    [/^province, city and district must together name one place/, () => '省、市、区县要都填并且对得上（是同一个地方），或者都不填'],
    [/^unknown carrier/, () => '没有这家快递公司'],
    [/^at most (\d+) rows per file$/, (m) => `一个文件最多 ${n(m[1])} 行`],
    [/^csv or xlsx$/, () => '格式应是表格文件（CSV 或 Excel）'],
    [/^not a CSV or XLSX file$/, () => '不是表格文件（CSV 或 Excel）'],
    [/^no header naming the order number/, () => '表头里找不到“订单号”和“运单号”这两列'],
    // 抖店订单导入
    [/^no header naming the order id \(主订单编号\)/, () => '表头里找不到“主订单编号”和“商家编码”这两列'],
    [/^the header lacks ([^;]*); found/, (m) => `表头里缺少这些列：${m[1].split(', ').join('、')}`],
    [/^give either batch_id or product_id$/, () => '请选一个批次（或一个商品），只选一个'],
    [/^douyin_shop orders come from the shop's order export/, () => '抖店的订单请从抖店导出的订单表导入'],
    // 对账
    [/^not a known bill/, () => '不是认得的账单：请上传抖店结算账单或资金账单、微信支付交易账单或支付宝业务明细'],
    [/^the bill has no lines$/, () => '账单里没有明细'],
    [/^row (\d+): (.*)$/s, (m) => `第 ${m[1]} 行：${m[2]}`],
    [/^the totals at the end disagree with the lines: (.*)$/s, (m) => `账单末尾的汇总与明细对不上：${m[1]}`],
    [/^the bill is for merchant (\S+), not this village's (\S+)$/, (m) => `这是商户号 ${m[1]} 的账单，本村的是 ${m[2]}`],
    [/^an explanation needs a note$/, () => '说明原因要写备注'],
    // 账簿
    [/^the chart \S+ has no account (.*)$/, (m) => `所选会计制度里没有科目 ${m[1]}`],
    [/^a mapping applies from today or a later day, never to the past$/, () => '科目对照只能从今天或以后生效，不能改过去的账'],
    [/^a month such as \d{4}-\d{2}$/, () => '月份应写成 2026-11 这样'],
    [/^lines or blocks$/, () => '格式应是“每行一条分录”或“每张凭证一块”'],
    [/^only a month that is over can be closed$/, () => '这个月还没过完，过完后才能结账'],
    [/^a local time, HH:MM$/, () => '应是一天中的时刻，如 21:00'],
    [/^1 to 32 characters$/, () => '1 到 32 个字'],
    [/^a DingTalk signing secret begins with SEC$/, () => '钉钉的加签密钥以 SEC 开头'],
    [/^is required for DingTalk$/, () => '钉钉机器人要填加签密钥'],
    [/^WeCom robots take no secret$/, () => '企业微信机器人不用填密钥'],
    [/^a (wecom|dingtalk) robot's address is on (.+)$/, (m) => `${m[1] === 'wecom' ? '企业微信' : '钉钉'}机器人的地址应在 ${m[2]} 上`],
    [/^a (wecom|dingtalk) robot's address is (.+)$/, (m) => `${m[1] === 'wecom' ? '企业微信' : '钉钉'}机器人的地址应是 ${m[2]}`],
    [/^not a URL/, () => '不是一个网址'],
    [/^credentials in the URL are not allowed$/, () => '网址里不能带用户名和密码'],
    [/^webhook URLs must use https$/, () => '地址必须以 https:// 开头'],
    [/^loopback hosts are not allowed$|is a private, loopback or reserved address$/, () => '不能用内网或本机地址'],
    [/^the URL has no host$/, () => '网址不完整'],
    [/^the address has no (key|access_token)$/, () => '地址里缺少机器人的密钥，请从群机器人设置里完整复制'],
    [/^only a period that is over can be published$/, () => '这一期还没过完，过完后才能起草财务公开'],
    [/^a quarter \(2026-Q3\) or a month \(2026-09\)$/, () => '应是一个季度（如 2026-Q3）或一个月（如 2026-09）'],
    [/^must be a day of the year$/, () => '应是这一年里的一天'],
    [/^json, csv or xlsx$/, () => '格式应是表格文件（CSV 或 Excel）'],
    // 报表的选项
    [/^is not a parameter of this (?:report|route)$/, () => '没有这一项'],
    [/^must be json, csv or xlsx$/, () => '格式应是表格文件（CSV 或 Excel）'],
    [/^must be readable or with_integers$/, () => '金额和重量的列只能是“元和斤”或“另加分和克”'],
    [/^must be none, day, week, month, quarter or year$/, () => '时间粒度应是不分、日、周、月、季或年'],
    [/^must be placed or settled$/, () => '应是按下单时间或按结算时间'],
    [/^must be previous_period or previous_year$/, () => '应是与上一期或与去年同期对比'],
    [/^the direction must be asc or desc$/, () => '排序应是从小到大或从大到小'],
    [/^.+ is not a dimension/, () => '不能按这一项分组'],
    [/^.+ is not a metric/, () => '没有这个指标'],
    [/^(?:.+ is not )?one of /, () => '不是可选的值'],
    // 请求的格式（JSON 和查询参数）
    [/^the body must be a JSON object$/, () => '提交的内容格式不对'],
    [/^missing field/, () => '必须填写'],
    [/^unknown field/, () => '没有这一项'],
    [/^unknown variant/, () => '不是可选的值'],
    [/^invalid (?:type|value|length)|^invalid digit|^cannot parse|^number too large/, () => '格式不对'],
  ];

  /** 服务器说的一句话 → 中文；不认识的返回 null。 */
  function chineseFor(text) {
    const t = String(text || '').trim();
    for (const [re, zh] of RULES) {
      const m = re.exec(t);
      if (m) return zh(m);
    }
    return null;
  }

  window.ZhunongMessages = { chineseFor };
})();
