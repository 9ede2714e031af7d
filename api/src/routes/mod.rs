//! HTTP only: each handler extracts, calls one service function (which opens any transaction; a
//! route never does), and shapes the answer, choosing the status. Who may
//! call a route is declared twice on purpose — by the `Auth<…>` extractor, which enforces it, and
//! by the `security` roles in its OpenAPI annotation, which documents it; the role test checks
//! both against one table.

pub mod after_sales;
pub mod answers;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod batches;
pub mod bills;
pub mod books;
pub mod buyers;
pub mod collectives;
pub mod disclosure;
pub mod growers;
pub mod health;
pub mod integrity;
pub mod live;
pub mod loads;
pub mod money;
pub mod orders;
pub mod pages;
pub mod partner;
pub mod partner_admin;
pub mod personal_data;
pub mod pick_list;
pub mod products;
pub mod receivables;
pub mod reports;
pub mod robots;
pub mod shipping;
pub mod shop;
pub mod table_file;
pub mod trace;
pub mod users;
pub mod weighings;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every `/api/v1` route.
pub fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope::scope("/api/v1")
            .configure(auth::routes)
            .configure(users::routes)
            .configure(collectives::routes)
            .configure(growers::routes)
            .configure(products::routes)
            .configure(batches::routes)
            .configure(buyers::routes)
            .configure(orders::routes)
            .configure(shipping::routes)
            .configure(shop::routes)
            .configure(bills::routes)
            .configure(books::routes)
            .configure(disclosure::routes)
            .configure(robots::routes)
            .configure(after_sales::routes)
            .configure(weighings::routes)
            .configure(loads::routes)
            .configure(pick_list::routes)
            .configure(money::routes)
            .configure(receivables::routes)
            .configure(reports::routes)
            .configure(audit::routes)
            .configure(backups::routes)
            .configure(integrity::routes)
            .configure(trace::routes)
            .configure(live::routes)
            .configure(partner::routes)
            .configure(partner_admin::routes)
            .configure(personal_data::routes),
    );
}
