//! The loops a serving process runs beside its requests: forgetting cached rules and users when
//! any replica changes them, delivering parcels past their days and forgetting old recipients,
//! and folding the sales figures' log into the daily totals.

use crate::db::hub::Notice;
use crate::state::AppState;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Folds the sales figures' log into the daily totals, on every replica (one at a time).
pub fn spawn_sales_rollup(state: Arc<AppState>) {
    let every = Duration::from_millis(state.settings.sales_rollup_every_ms.max(1));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let done = state
                .db
                .write(async |tx| crate::services::reports::daily::roll_up(tx).await)
                .await;
            if let Err(e) = done {
                tracing::warn!(error = %e, "sales roll-up failed; retried next round");
            }
        }
    });
}

/// Counts parcels shipped `parcel_auto_deliver_days` ago as delivered, and forgets recipients
/// past `recipient_retention_days`, every `parcel_auto_deliver_every_secs`. Every replica may run
/// it: each parcel moves by a conditional UPDATE, so two replicas never deliver one twice.
pub fn spawn_auto_delivery(state: Arc<AppState>) {
    let every = Duration::from_secs(state.settings.parcel_auto_deliver_every_secs.max(1));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let s = &state.settings;
            match crate::services::fulfilment::progress::auto_deliver(
                &state.db,
                s.parcel_auto_deliver_days,
                s.parcel_auto_deliver_batch.max(1),
                state.today(),
            )
            .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(parcels = n, "parcels counted as delivered"),
                Err(e) => {
                    tracing::warn!(error = %e, "auto-delivery of parcels failed; retried next round")
                }
            }
            let days = s.recipient_retention_days;
            match crate::services::fulfilment::recipients::forget_old(&state.db, days).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(recipients = n, "recipients past their retention forgotten")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "forgetting old recipients failed; retried next round")
                }
            }
        }
    });
}

/// Forgets cached commission rules and user states whenever any replica changes them.
pub fn spawn_cache_invalidation(state: Arc<AppState>) {
    let mut notices = state.db.hub.subscribe();
    tokio::spawn(async move {
        loop {
            match notices.recv().await {
                Ok(Notice::RulesChanged) => state.rules.invalidate(),
                Ok(Notice::UserChanged(id)) => state.user_states.forget(id),
                // Notices were missed: forget everything that a notice would have corrected.
                Err(RecvError::Lagged(_)) => {
                    state.rules.invalidate();
                    state.user_states.forget_all();
                }
                Ok(_) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
}
