//! Every `code` a problem answer can carry, in one list: clients and the pages' Chinese texts key
//! on them, so a code is added here or nowhere.

macro_rules! error_codes {
    ($($variant:ident = $text:literal,)+) => {
        /// The stable machine-readable `code` of a problem answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            /// Every code, for the test that each has its Chinese text in the pages.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as clients see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }
    };
}

error_codes! {
    ValidationFailed = "validation_failed",
    Unauthorized = "unauthorized",
    Forbidden = "forbidden",
    NotFound = "not_found",
    InsufficientStock = "insufficient_stock",
    IdempotencyKeyReused = "idempotency_key_reused",
    IdempotencyKeyInFlight = "idempotency_key_in_flight",
    PayloadTooLarge = "payload_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    RateLimited = "rate_limited",
    Unavailable = "unavailable",
    StorageFull = "storage_full",
    ReadOnly = "read_only",
    InternalError = "internal_error",
    AlreadyVoided = "already_voided",
    BatchClosed = "batch_closed",
    BodyUnreadable = "body_unreadable",
    BuyerLimitReached = "buyer_limit_reached",
    CannotChangeSelf = "cannot_change_self",
    CrossSiteRequest = "cross_site_request",
    Duplicate = "duplicate",
    IdempotencyKeyInvalid = "idempotency_key_invalid",
    IdempotencyKeyRequired = "idempotency_key_required",
    InvalidPath = "invalid_path",
    InvalidQuery = "invalid_query",
    InvalidTransition = "invalid_transition",
    LoadNotOpen = "load_not_open",
    MalformedJson = "malformed_json",
    MethodNotAllowed = "method_not_allowed",
    NotAnEnterprise = "not_an_enterprise",
    NotFailed = "not_failed",
    NotWeighable = "not_weighable",
    NothingToApprove = "nothing_to_approve",
    NothingToState = "nothing_to_state",
    NothingWeighed = "nothing_weighed",
    OffSale = "off_sale",
    OnALoad = "on_a_load",
    OrderCancelled = "order_cancelled",
    OverCapacity = "over_capacity",
    Overpayment = "overpayment",
    PasswordChanged = "password_changed",
    PayoutExceedsBalance = "payout_exceeds_balance",
    RefundExceedsPaid = "refund_exceeds_paid",
    RouteNotFound = "route_not_found",
    SessionEnded = "session_ended",
    SessionNotLive = "session_not_live",
    StatementExists = "statement_exists",
    StockShortfall = "stock_shortfall",
    StockWouldBeNegative = "stock_would_be_negative",
    WeighingComplete = "weighing_complete",
    AlreadyOnALoad = "already_on_a_load",
    NotWeighed = "not_weighed",
    WeightsNotApproved = "weights_not_approved",
    HttpError = "http_error",
    NotAParcelOrder = "not_a_parcel_order",
    NotAPickupOrder = "not_a_pickup_order",
    AlreadyPacked = "already_packed",
    TrackingNumberTaken = "tracking_number_taken",
    RecipientsDiffer = "recipients_differ",
    WrongPickupCode = "wrong_pickup_code",
    FulfilmentFixed = "fulfilment_fixed",
    NotALoadOrder = "not_a_load_order",
    ClaimWindowClosed = "claim_window_closed",
    CaseOpen = "case_open",
    AlreadyReopened = "already_reopened",
    UnmappedPosting = "unmapped_posting",
    MonthClosed = "month_closed",
    MonthOpen = "month_open",
    PostingMonthClosed = "posting_month_closed",
    SheetPublished = "sheet_published",
    SheetNotChecked = "sheet_not_checked",
    SheetInProgress = "sheet_in_progress",
    SheetNotPublished = "sheet_not_published",
}
