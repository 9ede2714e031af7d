//! Change notices between requests and across replicas: "an order in live session 7 changed",
//! "commission rules changed". In process they go through a tokio broadcast channel; on
//! PostgreSQL they are sent with NOTIFY inside the writing transaction (so they fire only on
//! commit) and every replica's listener feeds them into its own channel. Writers send them with
//! [`crate::db::Tx::notify`], the one path on both backends.

use sea_orm::{DatabaseConnection, DbBackend};
use std::time::Duration;
use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    LiveSession(i64),
    RulesChanged,
    /// A user was disabled, changed role or got a new password: forget what is cached of them.
    UserChanged(i64),
    /// This process is stopping: open streams end so that shutdown is not held up by them.
    /// Never sent to other replicas.
    ShuttingDown,
}

impl Notice {
    fn payload(self) -> String {
        match self {
            Self::LiveSession(id) => format!("live:{id}"),
            Self::RulesChanged => "rules".into(),
            Self::UserChanged(id) => format!("user:{id}"),
            Self::ShuttingDown => "shutdown".into(),
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s.split_once(':') {
            Some(("live", id)) => id.parse().ok().map(Self::LiveSession),
            Some(("user", id)) => id.parse().ok().map(Self::UserChanged),
            None if s == "rules" => Some(Self::RulesChanged),
            _ => None,
        }
    }
}

pub struct Hub {
    tx: broadcast::Sender<Notice>,
    /// The NOTIFY channel, one per schema so databases shared by several schemas stay apart.
    channel: String,
    postgres: bool,
}

/// Notices a subscriber may fall behind by before it is told it lagged.
const BACKLOG: usize = 4096;

impl Hub {
    pub fn new(backend: DbBackend, schema: Option<&str>) -> Self {
        let (tx, _) = broadcast::channel(BACKLOG);
        let channel = format!("zhunong_{}", schema.unwrap_or("public"))
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_");
        Self {
            tx,
            channel,
            postgres: backend == DbBackend::Postgres,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.tx.subscribe()
    }

    /// The statement that sends a notice from inside a transaction on PostgreSQL (delivered to
    /// every replica's listener at commit); `None` on SQLite, where [`Hub::after_commit`] hands
    /// it to this process's subscribers instead. Use [`crate::db::Tx::notify`], which does both.
    pub fn notify_sql(&self, notice: Notice) -> Option<String> {
        self.postgres
            .then(|| format!("NOTIFY {}, '{}'", self.channel, notice.payload()))
    }

    /// After the commit: on SQLite (one process) the notice goes straight to subscribers; on
    /// PostgreSQL the listener delivers the NOTIFY.
    /// Tells this process's subscribers (open streams) that the process is stopping.
    pub fn shut_down(&self) {
        let _ = self.tx.send(Notice::ShuttingDown);
    }

    pub(super) fn after_commit(&self, notice: Notice) {
        if !self.postgres {
            let _ = self.tx.send(notice);
        }
    }

    /// On PostgreSQL, listens for NOTIFY and feeds every notice to this process's subscribers;
    /// reconnects after errors.
    pub fn spawn_listener(self: &std::sync::Arc<Self>, db: &DatabaseConnection) {
        if !self.postgres {
            return;
        }
        let pool = db.get_postgres_connection_pool().clone();
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        if let Err(e) = listener.listen(&hub.channel).await {
                            tracing::warn!(error = %e, "LISTEN failed");
                        } else {
                            while let Ok(n) = listener.recv().await {
                                if let Some(notice) = Notice::parse(n.payload()) {
                                    let _ = hub.tx.send(notice);
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot connect the notice listener"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_through_their_payload() {
        for n in [
            Notice::LiveSession(42),
            Notice::RulesChanged,
            Notice::UserChanged(7),
        ] {
            assert_eq!(Notice::parse(&n.payload()), Some(n));
        }
        assert_eq!(Notice::parse("live:x"), None);
        assert_eq!(Notice::parse("other"), None);
        // Shutdown is local to a process: a NOTIFY can never carry it.
        assert_eq!(Notice::parse(&Notice::ShuttingDown.payload()), None);
    }

    #[test]
    fn channel_names_are_identifiers() {
        let h = Hub::new(DbBackend::Postgres, Some("t_ab-c"));
        assert_eq!(h.channel, "zhunong_t_ab_c");
    }
}
