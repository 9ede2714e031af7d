//! Erasing a buyer's personal data (PIPL art. 47): `buyers.erased_at`, and the audit log's one
//! exception to being append-only. An entry about a buyer who has been erased may have its
//! `before` and `after` rewritten (to drop the personal values), and nothing else of it may
//! change; every other UPDATE, and every DELETE, is refused as before.

use crate::util::{a, add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The row's identity and what it says happened stay as they were.
const SAME_ENTRY: &str = "NEW.id = OLD.id AND NEW.at = OLD.at \
     AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id \
     AND NEW.action = OLD.action AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id";

const ERASED_BUYER: &str = "OLD.entity = 'buyer' AND EXISTS (SELECT 1 FROM buyers b \
     WHERE b.id = OLD.entity_id AND b.erased_at IS NOT NULL)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            "buyers",
            vec![timestamp_with_time_zone_null(a("erased_at")).to_owned()],
        )
        .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN \
                       IF TG_OP = 'UPDATE' AND {ERASED_BUYER} AND {SAME_ENTRY} THEN RETURN NEW; END IF; \
                       RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; \
                     END $$"
                ))
                .await?;
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_append_only ON audit_log; \
                     CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()",
                )
                .await?;
            }
            _ => {
                // SQLite has no IS NOT DISTINCT FROM: IS compares NULLs as equal.
                let same = SAME_ENTRY.replace("IS NOT DISTINCT FROM", "IS");
                db.execute_unprepared(&format!(
                    "DROP TRIGGER audit_log_no_UPDATE; \
                     CREATE TRIGGER audit_log_no_UPDATE BEFORE UPDATE ON audit_log \
                     WHEN NOT ({ERASED_BUYER} AND {same}) \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_append_only ON audit_log; \
                     CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION refuse_change(); \
                     DROP FUNCTION refuse_audit_change()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_no_UPDATE; \
                     CREATE TRIGGER audit_log_no_UPDATE BEFORE UPDATE ON audit_log BEGIN \
                     SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
                )
                .await?;
            }
        }
        drop_columns(manager, "buyers", &["erased_at"]).await
    }
}
