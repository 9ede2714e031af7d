//! A table as the file asked for: `csv` (the default; UTF-8 with a BOM) or `xlsx`, named for
//! download. Shared by the routes whose lists download as either.

use crate::error::{AppError, AppResult};
use crate::render::table::{self, Cell};
use actix_web::HttpResponse;

/// The file a query's `format` asks for.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` (also when absent) or `xlsx`; read before any work, so a wrong one costs nothing.
    ///
    /// # Errors
    /// 422 for another format.
    pub fn parse(format: Option<&str>) -> AppResult<Self> {
        match format.unwrap_or("csv") {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::field("format", "csv or xlsx")),
        }
    }
}

/// The answer: the file of `format`, `{stem}.csv` or `{stem}.xlsx` (`fallback` where a client
/// cannot read the Chinese name), the XLSX's sheet named `sheet`.
///
/// # Errors
/// A workbook that could not be written (500).
pub fn respond(
    format: Format,
    sheet: &str,
    stem: &str,
    fallback: &str,
    headers: &[String],
    rows: &[Vec<Cell>],
) -> AppResult<HttpResponse> {
    match format {
        Format::Csv => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "content-disposition",
                table::content_disposition(stem, "csv", fallback),
            ))
            .body(table::csv(headers, rows))),
        Format::Xlsx => {
            let book = table::xlsx(sheet, headers, rows, &[], &[])
                .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
            Ok(HttpResponse::Ok()
                .content_type(super::reports::XLSX)
                .insert_header((
                    "content-disposition",
                    table::content_disposition(stem, "xlsx", fallback),
                ))
                .body(book))
        }
    }
}
