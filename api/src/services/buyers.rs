use super::{conflict_on_duplicate, must_find, paginate};
use crate::db::Tx;
use crate::dto::Page;
use crate::dto::buyers::{BuyerFilter, BuyerOut, Contact, CreateBuyer, UpdateBuyer};
use crate::error::{AppError, AppResult, Validator};
use crate::services::audit::{self, Change};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use zhunong_entity::buyer::{ActiveModel, Column, Entity};
use zhunong_entity::enums::BuyerKind;
use zhunong_entity::enums::{AuditAction, AuditEntity};

const DUPLICATE_PHONE: &str = "a buyer with this phone number exists";
const MAX_CONTACTS: usize = 20;
/// The longest search text (`q`), as the OpenAPI document states.
const MAX_SEARCH_CHARS: usize = 100;

/// Phone numbers are kept as typed but must look like one: digits with an optional leading `+`,
/// spaces and dashes allowed, 5–20 characters.
fn valid_phone(p: &str) -> bool {
    let p = p.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&p.chars().count())
        && digits >= 5
        && p.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0))
}

fn check_phone(v: &mut Validator, phone: Option<&str>, field: &str) {
    if let Some(p) = phone {
        v.check(
            valid_phone(p),
            field,
            "must be a phone number (digits, optional leading +)",
        );
    }
}

fn check_contacts(v: &mut Validator, contacts: &[Contact]) {
    v.check(
        contacts.len() <= MAX_CONTACTS,
        "contacts",
        format!("at most {MAX_CONTACTS} contacts"),
    );
    for (i, c) in contacts.iter().enumerate() {
        v.text(&c.name, &format!("contacts[{i}].name"), 100);
        check_phone(v, c.phone.as_deref(), &format!("contacts[{i}].phone"));
        v.opt_text(c.title.as_deref(), &format!("contacts[{i}].title"), 100);
    }
}

fn contacts_json(contacts: &[Contact]) -> AppResult<serde_json::Value> {
    serde_json::to_value(contacts).map_err(|e| AppError::Internal(e.into()))
}

/// An optional text as kept: trimmed, and empty taken as absent.
fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// # Errors
/// Invalid fields (422) or a phone number already in use (409).
pub async fn create(
    db: &crate::db::Db,
    actor: Option<i64>,
    req: CreateBuyer,
) -> AppResult<BuyerOut> {
    db.write(async |tx| create_in(tx, actor, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(tx: &Tx, actor: Option<i64>, req: CreateBuyer) -> AppResult<BuyerOut> {
    let mut v = Validator::default();
    v.text(&req.name, "name", 100);
    check_phone(&mut v, req.phone.as_deref(), "phone");
    v.opt_text(req.address.as_deref(), "address", 300);
    v.opt_text(req.company.as_deref(), "company", 200);
    v.opt_text(req.payment_terms.as_deref(), "payment_terms", 200);
    v.opt_text(req.douyin_nickname.as_deref(), "douyin_nickname", 100);
    if req.kind == BuyerKind::Enterprise {
        v.check(
            req.company.as_deref().is_some_and(|c| !c.trim().is_empty()),
            "company",
            "an enterprise needs a company name",
        );
    }
    check_contacts(&mut v, &req.contacts);
    v.finish()?;
    let now = chrono::Utc::now();
    let m = ActiveModel {
        kind: Set(req.kind),
        name: Set(req.name.trim().to_owned()),
        phone: Set(req.phone.map(|p| p.trim().to_owned())),
        address: Set(req.address),
        company: Set(req.company),
        contacts: Set(contacts_json(&req.contacts)?),
        payment_terms: Set(req.payment_terms),
        douyin_nickname: Set(trimmed(req.douyin_nickname)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map_err(|e| conflict_on_duplicate(e, DUPLICATE_PHONE))?;
    audit::record(
        tx,
        Change::of(actor, AuditAction::CreateBuyer, AuditEntity::Buyer, m.id).after(audited(&m)),
    )
    .await?;
    Ok(m.into())
}

/// What the audit log keeps of a buyer.
fn audited(m: &zhunong_entity::buyer::Model) -> serde_json::Value {
    serde_json::json!({
        "name": m.name,
        "kind": m.kind,
        "phone": m.phone,
        "address": m.address,
        "company": m.company,
        "payment_terms": m.payment_terms,
        "douyin_nickname": m.douyin_nickname,
    })
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<BuyerOut> {
    Ok(must_find::<Entity, _>(db, id, "buyer").await?.into())
}

/// The buyer with exactly this phone number.
///
/// # Errors
/// 404 if none.
pub async fn by_phone(db: &impl ConnectionTrait, phone: &str) -> AppResult<BuyerOut> {
    Entity::find()
        .filter(Column::Phone.eq(phone.trim()))
        .one(db)
        .await?
        .map(BuyerOut::from)
        .ok_or(AppError::NotFound("buyer"))
}

/// # Errors
/// 404 if missing, 422 for invalid fields, 409 for a phone number in use.
pub async fn update(
    db: &crate::db::Db,
    actor: Option<i64>,
    id: i64,
    req: UpdateBuyer,
) -> AppResult<BuyerOut> {
    db.write(async |tx| {
        let mut v = Validator::default();
        if let Some(n) = &req.name {
            v.text(n, "name", 100);
        }
        check_phone(
            &mut v,
            req.phone.as_ref().and_then(|p| p.as_deref()),
            "phone",
        );
        v.opt_text(
            req.address.as_ref().and_then(|a| a.as_deref()),
            "address",
            300,
        );
        v.opt_text(
            req.company.as_ref().and_then(|c| c.as_deref()),
            "company",
            200,
        );
        v.opt_text(
            req.payment_terms.as_ref().and_then(|p| p.as_deref()),
            "payment_terms",
            200,
        );
        v.opt_text(
            req.douyin_nickname.as_ref().and_then(|n| n.as_deref()),
            "douyin_nickname",
            100,
        );
        if let Some(c) = &req.contacts {
            check_contacts(&mut v, c);
        }
        v.finish()?;
        let before = must_find::<Entity, _>(tx, id, "buyer").await?;
        let was = audited(&before);
        let mut m: ActiveModel = before.into();
        if let Some(name) = req.name {
            m.name = Set(name.trim().to_owned());
        }
        if let Some(phone) = req.phone {
            m.phone = Set(phone.map(|p| p.trim().to_owned()));
        }
        if let Some(address) = req.address {
            m.address = Set(address);
        }
        if let Some(company) = req.company {
            m.company = Set(company);
        }
        if let Some(contacts) = req.contacts {
            m.contacts = Set(contacts_json(&contacts)?);
        }
        if let Some(terms) = req.payment_terms {
            m.payment_terms = Set(terms);
        }
        if let Some(nickname) = req.douyin_nickname {
            m.douyin_nickname = Set(trimmed(nickname));
        }
        m.updated_at = Set(chrono::Utc::now());
        let m = m
            .update(tx)
            .await
            .map_err(|e| conflict_on_duplicate(e, DUPLICATE_PHONE))?;
        audit::record(
            tx,
            Change::of(actor, AuditAction::UpdateBuyer, AuditEntity::Buyer, m.id)
                .before(was)
                .after(audited(&m)),
        )
        .await?;
        Ok(m.into())
    })
    .await
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: BuyerFilter,
    paging: (u64, u64),
) -> AppResult<Page<BuyerOut>> {
    let mut v = Validator::default();
    if let Some(text) = f.q.as_deref() {
        v.check(
            text.chars().count() <= MAX_SEARCH_CHARS,
            "q",
            format!("at most {MAX_SEARCH_CHARS} characters"),
        );
    }
    if let Some(ending) = f.phone_ends.as_deref() {
        v.check(
            (3..=11).contains(&ending.len()) && ending.bytes().all(|b| b.is_ascii_digit()),
            "phone_ends",
            "must be 3 to 11 digits",
        );
    }
    v.finish()?;
    let mut q = Entity::find().order_by_asc(Column::Id);
    if let Some(k) = f.kind {
        q = q.filter(Column::Kind.eq(k));
    }
    if let Some(p) = f.phone.as_deref() {
        q = q.filter(Column::Phone.eq(p.trim()));
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = super::contains_pattern(text);
        q = q.filter(
            Condition::any()
                .add(Column::Name.like(pattern.clone()))
                .add(Column::Company.like(pattern.clone()))
                .add(Column::DouyinNickname.like(pattern)),
        );
    }
    if let Some(ending) = f.phone_ends.as_deref() {
        // Digits only, so the pattern holds no LIKE wildcards. Phones are few enough per
        // village that matching the end (no index) stays cheap.
        q = q.filter(Column::Phone.like(format!("%{ending}")));
    }
    paginate(db, q, paging, BuyerOut::from).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn phone_numbers() {
        for ok in ["13800000001", "+86 138-0000-0001", "0551-1234567"] {
            assert!(super::valid_phone(ok), "{ok}");
        }
        for bad in ["", "abc", "1234", "138000000011380000000", "13+800000001"] {
            assert!(!super::valid_phone(bad), "{bad}");
        }
    }
}
