//! `zhunong backup` on PostgreSQL: `pg_dump` in its custom format, where the client tools are
//! installed, checked by `pg_restore --list` reading it back whole. The operator's production
//! path is the server's own: WAL archiving and point-in-time recovery (README, "Keeping your
//! data"); this dump is the portable copy to carry away or to restore elsewhere with
//! `pg_restore`.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a dump made.
#[derive(Debug)]
pub struct Dumped {
    pub file: PathBuf,
    pub bytes: u64,
    /// Tables whose data the dump holds, as `pg_restore --list` reads them back.
    pub tables: usize,
    pub sha256: String,
}

/// Dumps the database `url` (only `schema`, if given) into `dir`.
///
/// # Errors
/// `pg_dump` is not installed (said plainly, with what to do), or it or the read-back failed;
/// a dump that does not read back is removed.
pub fn dump(url: &str, schema: Option<&str>, dir: &Path) -> anyhow::Result<Dumped> {
    let pg_dump = tool("pg_dump")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f");
    let file = dir.join(format!("zhunong-{stamp}.pgdump"));
    let partial = dir.join(format!(".zhunong-{stamp}.pgdump.partial"));
    let mut cmd = Command::new(pg_dump);
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(&partial);
    if let Some(s) = schema {
        cmd.arg(format!("--schema={s}"));
    }
    // The password goes by the environment, not the command line, where `ps` would show it.
    let (url, password) = split_password(url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.arg("--dbname").arg(url);
    let out = cmd.output().context("cannot run pg_dump")?;
    if !out.status.success() {
        std::fs::remove_file(&partial).ok();
        bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let tables = match read_back(&partial) {
        Ok(n) => n,
        Err(e) => {
            std::fs::remove_file(&partial).ok();
            return Err(e);
        }
    };
    std::fs::rename(&partial, &file)
        .with_context(|| format!("cannot move the dump to {}", file.display()))?;
    Ok(Dumped {
        bytes: std::fs::metadata(&file).map_or(0, |m| m.len()),
        sha256: super::archive::sha256_of(&file)?,
        tables,
        file,
    })
}

/// How many tables' data `pg_restore --list` finds in the dump (at least one, or it is refused).
fn read_back(file: &Path) -> anyhow::Result<usize> {
    let out = Command::new(tool("pg_restore")?)
        .arg("--list")
        .arg(file)
        .output()
        .context("cannot run pg_restore")?;
    if !out.status.success() {
        bail!(
            "the dump does not read back: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let tables = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with(';') && l.contains(" TABLE DATA "))
        .count();
    anyhow::ensure!(tables > 0, "the dump holds no table data");
    Ok(tables)
}

/// The URL without its password, and the password (percent-decoding is left to libpq's
/// environment variable, which takes it as written).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_owned(), None);
    };
    let password = percent_decode(password);
    (format!("{scheme}://{user}@{host}/{tail}"), Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A PostgreSQL client tool on the PATH, or a plain refusal saying what to install.
fn tool(name: &str) -> anyhow::Result<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    found.ok_or_else(|| {
        anyhow::anyhow!(
            "{name} is not installed on this machine, so zhunong cannot dump the PostgreSQL \
             database here. Install the PostgreSQL client tools of the server's version or later \
             (Debian: apt-get install postgresql-client), or back up on the server itself \
             (pg_dump, or WAL archiving with pgBackRest, as the README shows)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::split_password;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://zhunong:p%40ss@db:5432/zhunong?sslmode=disable"),
            (
                "postgres://zhunong@db:5432/zhunong?sslmode=disable".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/test"),
            ("postgres://postgres@127.0.0.1:5432/test".to_owned(), None)
        );
    }
}
