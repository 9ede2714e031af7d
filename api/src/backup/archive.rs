//! The backup file: a zip with `manifest.json` and `zhunong.db` (deflated).

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "zhunong.db";

/// What a backup holds, written beside the copy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout of this file (1).
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub zhunong_version: String,
    /// The last migration the copy has.
    pub schema_version: String,
    /// `PRAGMA integrity_check` on the copy: `ok`, or what is wrong.
    pub integrity: String,
    pub row_counts: BTreeMap<String, i64>,
    /// SHA-256 of the uncompressed database copy, hex.
    pub db_sha256: String,
}

/// SHA-256 of a file, hex.
pub fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes the backup file (to a temporary name first, so a half-written file never looks like
/// a backup; on a full or failing disk nothing is left behind).
pub fn write(file: &Path, db_copy: &Path, m: &Manifest) -> anyhow::Result<()> {
    let partial = file.with_extension("zip.partial");
    let written = (|| -> anyhow::Result<()> {
        let out = std::fs::File::create(&partial)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        let mut zip = zip::ZipWriter::new(out);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file(MANIFEST, deflated)?;
        zip.write_all(&serde_json::to_vec_pretty(m)?)?;
        zip.start_file(DATABASE, deflated)?;
        let mut db = std::fs::File::open(db_copy)?;
        std::io::copy(&mut db, &mut zip)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        zip.finish()?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        std::fs::remove_file(&partial).ok();
        return Err(e);
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot move the backup to {}", file.display()))
}

fn open(file: &Path) -> anyhow::Result<zip::ZipArchive<std::fs::File>> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    zip::ZipArchive::new(f).with_context(|| format!("{} is not a zhunong backup", file.display()))
}

/// The manifest of a backup file.
pub fn read_manifest(file: &Path) -> anyhow::Result<Manifest> {
    let mut zip = open(file)?;
    let entry = zip
        .by_name(MANIFEST)
        .with_context(|| format!("{} has no manifest", file.display()))?;
    serde_json::from_reader(entry)
        .with_context(|| format!("{}: unreadable manifest", file.display()))
}

/// Writes the database of a backup file to `to` and checks it against the manifest's checksum;
/// a mismatch removes what was written.
pub fn extract(file: &Path, to: &Path) -> anyhow::Result<Manifest> {
    let m = read_manifest(file)?;
    let mut zip = open(file)?;
    let mut entry = zip
        .by_name(DATABASE)
        .with_context(|| format!("{} holds no database", file.display()))?;
    let mut out =
        std::fs::File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let copied = std::io::copy(&mut entry, &mut out);
    drop(out);
    if let Err(e) = copied {
        std::fs::remove_file(to).ok();
        bail!("{} is damaged: {e}", file.display());
    }
    let sum = sha256_of(to)?;
    if sum != m.db_sha256 {
        std::fs::remove_file(to).ok();
        bail!(
            "{}: the checksum does not match its manifest (the file is damaged); nothing was restored",
            file.display()
        );
    }
    Ok(m)
}
