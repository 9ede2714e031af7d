//! The shape of the code, read from its source: who opens transactions, and no module circles.
//! Both are rules a newcomer could break without any behaviour changing, so they are held here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src")
}

/// The source without comments and without its unit tests, which may reach anywhere.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let text = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `services/orders/mod.rs` → `["services", "orders"]`.
fn module_of(root: &Path, path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

#[test]
fn routes_never_open_a_transaction() {
    let mut files = Vec::new();
    rust_files(&src_root().join("routes"), &mut files);
    assert!(files.len() > 10, "found the routes: {files:?}");
    let mut offenders = Vec::new();
    for f in &files {
        let code = code_of(f);
        for needle in ["begin_write", ".write(", "keyed_write", "Tx"] {
            let hit = code.match_indices(needle).any(|(i, _)| {
                // `Tx` as a word only (not `TxOut`, `ctx`).
                needle != "Tx"
                    || (!code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                        && !code[i + 2..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            });
            if hit {
                offenders.push(format!("{} uses {needle}", f.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "a route calls a service, which owns its transaction: {offenders:?}"
    );
}

/// Every `crate::…` and `super::…` path of a file, as module paths from the crate root.
fn paths_named(me: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, _) in flat
        .match_indices("crate::")
        .chain(flat.match_indices("super::"))
    {
        if flat[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &flat[i..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let mut parts: Vec<&str> = rest[..end].split("::").filter(|p| !p.is_empty()).collect();
        let mut base: Vec<String> = Vec::new();
        if parts.first() == Some(&"crate") {
            parts.remove(0);
        } else {
            base = me.to_vec();
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
        }
        base.extend(parts.iter().map(|p| (*p).to_owned()));
        // A `use a::{b, c}` names its items after the brace; the prefix is enough to place it.
        out.push(base);
    }
    out
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let root = src_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&root, f)).collect();
    // Modules are compared two levels deep (`services::orders`, `auth::throttle`); a parent and
    // its own children may name each other.
    let key = |m: &[String]| m.iter().take(2).cloned().collect::<Vec<_>>().join("::");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let me = module_of(&root, f);
        for path in paths_named(&me, &code_of(f)) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let (a, b) = (key(&me), key(&target));
            if a != b && !b.starts_with(&format!("{a}::")) && !a.starts_with(&format!("{b}::")) {
                edges.entry(a).or_default().insert(b);
            }
        }
    }
    assert!(
        edges
            .get("routes::orders")
            .is_some_and(|e| e.contains("services::orders")),
        "the scan sees imports: {edges:?}"
    );
    // A circle exists when some module can reach itself.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((m, trail)) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if next == start {
                    circles.push(trail.join(" → ") + " → " + start);
                } else if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    assert!(circles.is_empty(), "module circles: {circles:#?}");
}
