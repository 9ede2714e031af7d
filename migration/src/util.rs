//! Small helpers the migrations share: names, foreign keys, indexes, and the triggers that make a
//! table append-only on both databases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// A foreign key from `from_table.from_col` to `to_table.id`, declared in `create_table` (SQLite
/// cannot add one later).
pub fn fk(from_table: &str, from_col: &str, to_table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(a(from_table), a(from_col))
        .to(a(to_table), a("id"))
        .to_owned()
}

/// Adds `columns` to `table`, one ALTER each: SQLite takes no more in one statement.
pub async fn add_columns(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for mut c in columns {
        manager
            .alter_table(Table::alter().table(a(table)).add_column(&mut c).to_owned())
            .await?;
    }
    Ok(())
}

/// Drops `columns` from `table`, one ALTER each.
pub async fn drop_columns(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
) -> Result<(), DbErr> {
    for c in columns {
        manager
            .alter_table(Table::alter().table(a(table)).drop_column(a(c)).to_owned())
            .await?;
    }
    Ok(())
}

/// Creates each `(name, table, columns, unique)` index.
pub async fn indexes(
    manager: &SchemaManager<'_>,
    list: &[(&str, &str, &[&str], bool)],
) -> Result<(), DbErr> {
    for (name, table, cols, unique) in list {
        let mut idx = Index::create();
        idx.name(*name).table(a(table));
        for c in *cols {
            idx.col(a(c));
        }
        if *unique {
            idx.unique();
        }
        manager.create_index(idx.to_owned()).await?;
    }
    Ok(())
}

/// Makes `tables` refuse UPDATE and DELETE. On PostgreSQL the trigger function `refuse_change`
/// must exist (the weighing migration creates it).
pub async fn append_only(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for t in tables {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION refuse_change()"
                ))
                .await?;
            }
            _ => {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {t}_no_{op} BEFORE {op} ON {t} BEGIN SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END"
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}
