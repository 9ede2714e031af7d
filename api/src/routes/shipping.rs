//! How orders reach their buyers: the address reader, address books, pickup points, fulfilment,
//! parcels, the pickup hand-over, and the buyer's own page.

use crate::auth::client_addr::client_addr;
use crate::auth::roles::{Office, Sales, Staff, Yard};
use crate::domain::address::{ParsedAddress, parse};
use crate::domain::shipping::CARRIERS;
use crate::domain::units::OrderId;
use crate::dto::fulfilment::{
    AddressOut, AddressQuery, BuyerView, CarrierOut, FulfilmentIn, FulfilmentOut, ImportReport,
    NewPickupPoint, PackParcel, ParcelFilter, ParcelOut, ParseAddress, PickupHandover,
    PickupPointOut, RecipientIn, ShipParcel, SlipQuery, ViewLink, WaitingQuery,
};
use crate::dto::orders::OrderOut;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::extract::{ApiJson, Auth};
use crate::services::fulfilment::{
    address_book, change, export, import, pack, pickup, pickup_points, progress, read, view,
};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(carriers)
        .service(parse_address)
        .service(list_addresses)
        .service(add_address)
        .service(default_address)
        .service(remove_address)
        .service(list_pickup_points)
        .service(create_pickup_point)
        .service(update_pickup_point)
        .service(get_fulfilment)
        .service(change_fulfilment)
        .service(hand_over)
        .service(reissue_link)
        .service(packing_slip)
        .service(pack_parcel)
        .service(waiting_parcels)
        .service(import_tracking)
        .service(list_parcels)
        .service(ship_parcel)
        .service(deliver_parcel)
        .service(unpack_parcel)
        .service(buyer_view);
}

/// The couriers a parcel may go with (codes as most Chinese tools write them).
#[utoipa::path(tag = "shipping", responses((status = 200, body = Vec<CarrierOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"])))]
#[get("/carriers")]
pub async fn carriers(_auth: Auth<Staff>) -> HttpResponse {
    let list: Vec<CarrierOut> = CARRIERS
        .iter()
        .map(|(code, name)| CarrierOut { code, name })
        .collect();
    HttpResponse::Ok().json(list)
}

/// Reads a recipient out of pasted text (智能识别): name, phone, province, city, district,
/// street and detail, against China's divisions. Fields it is unsure of are listed in `unsure`;
/// nothing is written.
#[utoipa::path(tag = "shipping", request_body = ParseAddress,
    responses((status = 200, body = ParsedAddress), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/addresses/parse")]
pub async fn parse_address(
    _auth: Auth<Sales>,
    body: ApiJson<ParseAddress>,
) -> AppResult<HttpResponse> {
    let mut v = Validator::default();
    v.text(&body.value.text, "text", 300);
    v.finish()?;
    Ok(HttpResponse::Ok().json(parse(&body.value.text)))
}

/// A buyer's address book, the default first.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "buyer id")),
    responses((status = 200, body = Vec<AddressOut>), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/buyers/{id}/addresses")]
pub async fn list_addresses(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(address_book::list(&state.db.read, id.into_inner()).await?))
}

/// Adds an address to a buyer's book; the first one, or one added with `default=true`, becomes
/// the default.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "buyer id"), AddressQuery),
    request_body = RecipientIn,
    responses((status = 201, body = AddressOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/buyers/{id}/addresses")]
pub async fn add_address(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<AddressQuery>,
    body: ApiJson<RecipientIn>,
) -> AppResult<HttpResponse> {
    let a = address_book::add(
        &state.db,
        id.into_inner(),
        body.value,
        q.default.unwrap_or(false),
    )
    .await?;
    Ok(HttpResponse::Created().json(a))
}

/// Makes an address the buyer's default.
#[utoipa::path(tag = "shipping",
    params(("id" = i64, Path, description = "buyer id"), ("address_id" = i64, Path, description = "address id")),
    responses((status = 200, body = AddressOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/buyers/{id}/addresses/{address_id}/default")]
pub async fn default_address(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (buyer, address) = path.into_inner();
    Ok(HttpResponse::Ok().json(address_book::make_default(&state.db, buyer, address).await?))
}

/// Removes an address from the book.
#[utoipa::path(tag = "shipping",
    params(("id" = i64, Path, description = "buyer id"), ("address_id" = i64, Path, description = "address id")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[delete("/buyers/{id}/addresses/{address_id}")]
pub async fn remove_address(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (buyer, address) = path.into_inner();
    address_book::remove(&state.db, buyer, address).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The pickup points (自提点).
#[utoipa::path(tag = "shipping", responses((status = 200, body = Vec<PickupPointOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"])))]
#[get("/pickup-points")]
pub async fn list_pickup_points(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(pickup_points::list(&state.db.read).await?))
}

/// Defines a pickup point: name, address, opening hours.
#[utoipa::path(tag = "shipping", request_body = NewPickupPoint,
    responses((status = 201, body = PickupPointOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/pickup-points")]
pub async fn create_pickup_point(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<NewPickupPoint>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(pickup_points::create(&state.db, body.value).await?))
}

/// Changes a pickup point, or closes it (`active: false`).
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "pickup point id")),
    request_body = NewPickupPoint,
    responses((status = 200, body = PickupPointOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[put("/pickup-points/{id}")]
pub async fn update_pickup_point(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<NewPickupPoint>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(pickup_points::update(&state.db, id.into_inner(), body.value).await?))
}

/// How an order reaches its buyer: recipient, pickup point and code, parcels, the buyer's link.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = FulfilmentOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper", "station"])))]
#[get("/orders/{id}/fulfilment")]
pub async fn get_fulfilment(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(read::fulfilment(&state.db.read, OrderId::new(id.into_inner())).await?))
}

/// Changes how an order reaches its buyer, until it is packed or put on a load.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "order id")),
    request_body = FulfilmentIn,
    responses((status = 200, body = FulfilmentOut), (status = 404, body = Problem),
        (status = 409, description = "packed, loaded, shipped or cancelled", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[put("/orders/{id}/fulfilment")]
pub async fn change_fulfilment(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<FulfilmentIn>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(change::change(&state.db, &auth, OrderId::new(id.into_inner()), body.value).await?))
}

/// Hands a weighed pickup order over at the pickup point, against the code the buyer shows.
/// A wrong code is 409; after `ZHUNONG_PICKUP_MAX_FAILURES` wrong codes in a row, 429 for
/// `ZHUNONG_PICKUP_LOCK_SECS`.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "order id")),
    request_body = PickupHandover,
    responses((status = 200, body = OrderOut), (status = 404, body = Problem),
        (status = 409, description = "a wrong code, not a pickup order, or not weighed", body = Problem),
        (status = 429, description = "too many wrong codes", body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/orders/{id}/pickup")]
pub async fn hand_over(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<PickupHandover>,
) -> AppResult<HttpResponse> {
    let out = pickup::hand_over(
        &state.db,
        auth.user_id,
        OrderId::new(id.into_inner()),
        &body.value.code,
        state.pickup_limits(),
        state.today(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The packing slip (发货单) as a printable page: the recipient, the contents with net weights,
/// the order number as a Code 128 barcode, and the trace code of the produce. `layout=a4` or
/// `thermal` (100 × 150 mm).
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "order id"), SlipQuery),
    responses((status = 200, description = "printable page", content_type = "text/html", body = String),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[get("/orders/{id}/packing-slip")]
pub async fn packing_slip(
    _auth: Auth<Yard>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<SlipQuery>,
) -> AppResult<HttpResponse> {
    let data = crate::services::fulfilment::slip::gather(
        &state.db,
        OrderId::new(id.into_inner()),
        state.settings.label_max,
    )
    .await?;
    let pickup = data
        .fulfilment
        .pickup_point
        .as_ref()
        .map(|p| format!("{}（{}，{}）", p.name, p.address, p.hours));
    let slip = crate::render::packing_slip::Slip {
        order_number: &data.number,
        recipient: data.fulfilment.recipient.as_ref(),
        pickup,
        note: data.note.as_deref(),
        labels: &data.labels,
    };
    let base = crate::routes::trace::public_base(&req, &state);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(crate::render::packing_slip::html_page(
            &slip, q.layout, &base,
        )))
}

/// Revokes the buyer's link to this order and makes a new one.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = ViewLink), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/orders/{id}/view-link")]
pub async fn reissue_link(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(view::reissue(&state.db, &auth, OrderId::new(id.into_inner())).await?))
}

/// Packs weighed crates of one order, or of several orders for the same recipient (合并发货),
/// into a parcel.
#[utoipa::path(tag = "shipping", request_body = PackParcel,
    responses((status = 201, body = ParcelOut),
        (status = 409, description = "not a weighed parcel order, recipients differ, crates packed already, tracking number taken", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/parcels")]
pub async fn pack_parcel(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    body: ApiJson<PackParcel>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(pack::pack(&state.db, &auth, body.value).await?))
}

/// The parcel orders waiting to ship, as a courier's batch-printing tool imports them (收件人,
/// 手机, 完整地址, 重量, 物品, 备注): CSV (UTF-8 with a BOM) or XLSX.
#[utoipa::path(tag = "shipping", params(WaitingQuery),
    responses((status = 200, description = "the file", content_type = "text/csv", body = String),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[get("/parcels/waiting")]
pub async fn waiting_parcels(
    _auth: Auth<Yard>,
    state: web::Data<AppState>,
    q: web::Query<WaitingQuery>,
) -> AppResult<HttpResponse> {
    let format = super::table_file::Format::parse(q.format.as_deref())?;
    let max = u64::try_from(state.settings.tracking_file_max_rows).unwrap_or(u64::MAX);
    let rows = export::waiting(&state.db.read, max).await?;
    let headers: Vec<String> = export::HEADERS.iter().map(|h| (*h).to_owned()).collect();
    let stem = format!("待发货_{}", state.today());
    super::table_file::respond(format, "待发货", &stem, "waiting", &headers, &rows)
}

/// Imports a file of tracking numbers (CSV or XLSX; columns 订单号, 物流公司, 运单号, and 签收 for
/// sign-offs, found by name): each row is applied, unchanged, or refused with its reason.
/// Importing the same file again changes nothing.
#[utoipa::path(tag = "shipping",
    request_body(content = String, description = "the CSV or XLSX file", content_type = "text/csv"),
    responses((status = 200, body = ImportReport),
        (status = 413, body = Problem),
        (status = 422, description = "not CSV or XLSX, no recognisable header (the headers found are listed), too many rows", body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/parcels/tracking-import")]
pub async fn import_tracking(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    let bytes = crate::extract::file_body(body, state.settings.tracking_file_max_bytes).await?;
    let report = import::import(
        &state.db,
        auth.user_id,
        &bytes,
        state.settings.tracking_file_max_rows,
        state.today(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Parcels, oldest first, at most the page size.
#[utoipa::path(tag = "shipping", params(ParcelFilter),
    responses((status = 200, body = Vec<ParcelOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"])))]
#[get("/parcels")]
pub async fn list_parcels(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    f: web::Query<ParcelFilter>,
) -> AppResult<HttpResponse> {
    Ok(
        HttpResponse::Ok()
            .json(read::list(&state.db.read, &f, state.settings.max_page_size).await?),
    )
}

/// Hands a packed parcel to the courier with its tracking number; an order whose every crate has
/// left is `shipped` (webhook `order.shipped`).
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "parcel id")),
    request_body = ShipParcel,
    responses((status = 200, body = ParcelOut), (status = 404, body = Problem),
        (status = 409, description = "not packed, or the tracking number is on another parcel", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/parcels/{id}/ship")]
pub async fn ship_parcel(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<ShipParcel>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(progress::ship(&state.db, auth.user_id, id.into_inner(), body.value).await?))
}

/// Marks a shipped parcel signed for; an order whose parcels are all delivered is `delivered`,
/// and settles if it is paid in full.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "parcel id")),
    responses((status = 200, body = ParcelOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/parcels/{id}/deliver")]
pub async fn deliver_parcel(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(progress::deliver(&state.db, auth.user_id, id.into_inner(), state.today()).await?))
}

/// Unpacks a parcel not yet shipped; its crates may be packed again.
#[utoipa::path(tag = "shipping", params(("id" = i64, Path, description = "parcel id")),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/parcels/{id}/unpack")]
pub async fn unpack_parcel(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    pack::unpack(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A buyer's own order, by the token in their link: no login, rate limited per address, the
/// recipient masked.
#[utoipa::path(tag = "shipping", params(("token" = String, Path, description = "the link's token")),
    responses((status = 200, body = BuyerView), (status = 404, body = Problem), (status = 429, body = Problem)))]
#[get("/public/orders/{token}")]
pub async fn buyer_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let who = client_addr(&req, &state.trusted_proxies).map_or_else(String::new, |a| a.to_string());
    if let Err(wait) = state.buyer_page_limits.check(&who) {
        return Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    let order = view::order_of(&state.db.read, &token).await?;
    let mut v = view::find(&state.db.read, &token)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    v.claim_until = v.delivered_at.map(|d| d + state.case_times().window);
    v.cases = crate::services::after_sales::for_buyer(&state.db.read, order).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .json(v))
}
