use super::*;

fn unsure(p: &ParsedAddress) -> Vec<&str> {
    p.unsure.iter().map(String::as_str).collect()
}

#[test]
fn a_viewers_message_splits_into_its_fields() {
    let p = parse("张三 13800001234 安徽省亳州市利辛县张村镇红光村3组");
    assert_eq!(p.name, "张三");
    assert_eq!(p.phone, "13800001234");
    assert_eq!(p.province, "安徽省");
    assert_eq!(p.city, "亳州市");
    assert_eq!(p.district, "利辛县");
    assert_eq!(p.street, "张村镇");
    assert_eq!(p.detail, "红光村3组");
    assert!(p.unsure.is_empty(), "{:?}", p.unsure);
}

#[test]
fn labels_punctuation_and_order_do_not_matter() {
    let p =
        parse("收货人：李四，手机号：139-1234-5678\n地址：浙江省杭州市西湖区文新街道学院路77号");
    assert_eq!((p.name.as_str(), p.phone.as_str()), ("李四", "13912345678"));
    assert_eq!((p.city.as_str(), p.district.as_str()), ("杭州市", "西湖区"));
    assert_eq!(
        (p.street.as_str(), p.detail.as_str()),
        ("文新街道", "学院路77号")
    );
    let q = parse("广东省深圳市南山区粤海街道科技园 王五 +86 13700001111");
    assert_eq!((q.name.as_str(), q.phone.as_str()), ("王五", "13700001111"));
    assert_eq!(q.district, "南山区");
}

#[test]
fn short_forms_are_read_and_marked_for_a_check() {
    let p = parse("赵六 13600002222 安徽亳州利辛张村镇红光村");
    assert_eq!(
        (p.province.as_str(), p.city.as_str(), p.district.as_str()),
        ("安徽省", "亳州市", "利辛县")
    );
    assert_eq!(unsure(&p), ["province", "city", "district"]);
}

#[test]
fn a_missing_province_or_city_is_inferred_and_marked() {
    let p = parse("钱七 13500003333 亳州市利辛县城关镇人民路1号");
    assert_eq!(p.province, "安徽省");
    assert_eq!(unsure(&p), ["province"]);
    let q = parse("孙八 13500004444 利辛县城关镇人民路1号");
    assert_eq!((q.province.as_str(), q.city.as_str()), ("安徽省", "亳州市"));
    assert_eq!(unsure(&q), ["province", "city"]);
}

#[test]
fn municipalities_are_their_own_city() {
    let p = parse("周九 13400005555 北京市朝阳区建国路88号");
    assert_eq!(
        (p.province.as_str(), p.city.as_str(), p.district.as_str()),
        ("北京市", "北京市", "朝阳区")
    );
    assert_eq!(p.detail, "建国路88号");
    assert_eq!(unsure(&p), ["street"]);
    let q = parse("吴十 13400006666 上海市上海市浦东新区张江镇1号");
    assert_eq!(
        (q.city.as_str(), q.district.as_str(), q.street.as_str()),
        ("上海市", "浦东新区", "张江镇")
    );
}

#[test]
fn a_district_name_two_places_share_is_not_guessed() {
    // 朝阳区 is in Beijing and in Changchun.
    let p = parse("郑一 13300007777 朝阳区某某路1号");
    assert!(p.district.is_empty());
    assert_eq!(p.detail, "朝阳区某某路1号");
    assert!(unsure(&p).contains(&"district"));
}

#[test]
fn text_that_does_not_parse_stays_whole() {
    let p = parse("老地方 村口小卖部旁边");
    assert!(p.province.is_empty() && p.district.is_empty());
    assert_eq!(p.raw_text, "老地方 村口小卖部旁边");
    assert!(unsure(&p).contains(&"phone"));
    assert!(!p.detail.is_empty());
}

#[test]
fn a_county_level_city_under_its_province_names_itself() {
    let p = parse("冯二 13200008888 河南省济源市沁园街道1号");
    assert_eq!((p.city.as_str(), p.district.as_str()), ("济源市", "济源市"));
}
