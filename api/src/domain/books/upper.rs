//! An amount in capital Chinese numerals (大写金额), as a voucher's total is written so it cannot
//! be altered: 1,234.50 元 → 壹仟贰佰叁拾肆元伍角整.

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL: [&str; 4] = ["", "拾", "佰", "仟"];
const BIG: [&str; 4] = ["", "万", "亿", "万亿"];

/// The whole yuan of a four-digit group, zeros read as the rules say: one 零 for a run of them
/// inside the group, none at its end.
fn group(n: u64) -> String {
    let mut out = String::new();
    let mut zero = false;
    for pos in (0..4).rev() {
        let d = (n / 10u64.pow(pos)) % 10;
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[usize::try_from(d).unwrap_or(0)]);
        out.push_str(SMALL[usize::try_from(pos).unwrap_or(0)]);
    }
    out
}

/// `fen` in capitals: `壹佰元整`, `零元整`, `负伍角整`.
pub fn upper_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "负" } else { "" };
    let fen = fen.unsigned_abs();
    let (yuan, jiao, cents) = (fen / 100, (fen / 10) % 10, fen % 10);
    let mut whole = String::new();
    let mut rest = yuan;
    let mut groups = Vec::new();
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut need_zero = false;
    for (i, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            need_zero = !whole.is_empty();
            continue;
        }
        // A group under 1,000 after a higher one is read with a 零 before it.
        if (need_zero || *g < 1_000) && !whole.is_empty() {
            whole.push('零');
        }
        need_zero = false;
        whole.push_str(&group(*g));
        whole.push_str(BIG[i.min(3)]);
    }
    let mut out = String::from(sign);
    if whole.is_empty() && jiao == 0 && cents == 0 {
        out.push_str("零元整");
        return out;
    }
    if !whole.is_empty() {
        out.push_str(&whole);
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[usize::try_from(j).unwrap_or(0)]);
            out.push_str("角整");
        }
        (j, c) => {
            if j == 0 {
                if !whole.is_empty() {
                    out.push('零');
                }
            } else {
                out.push(DIGITS[usize::try_from(j).unwrap_or(0)]);
                out.push('角');
            }
            out.push(DIGITS[usize::try_from(c).unwrap_or(0)]);
            out.push('分');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::upper_yuan;

    #[test]
    fn amounts_read_in_capitals_as_vouchers_write_them() {
        for (fen, text) in [
            (0, "零元整"),
            (10_000, "壹佰元整"),
            (123_450, "壹仟贰佰叁拾肆元伍角整"),
            (100_001, "壹仟元零壹分"),
            (5, "伍分"),
            (50, "伍角整"),
            (1_000_500, "壹万零伍元整"),
            (116_710_000, "壹佰壹拾陆万柒仟壹佰元整"),
            (82_942_897, "捌拾贰万玖仟肆佰贰拾捌元玖角柒分"),
            (10_000_000_000, "壹亿元整"),
            (10_000_100_000, "壹亿零壹仟元整"),
            (-300, "负叁元整"),
        ] {
            assert_eq!(upper_yuan(fen), text, "{fen}");
        }
    }
}
