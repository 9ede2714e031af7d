//! Every problem code the server can send has its Chinese text in the pages' one table
//! (`CODE_TEXT` in `api/web/common.js`), so that no page shows a user the server's English.
//! The codes are read from the source: each `code: "…"` and the arms of `AppError::code`.

use std::collections::BTreeSet;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The `"snake_case"` literals of a line.
fn literals(line: &str) -> Vec<String> {
    line.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(str::to_owned)
        .collect()
}

fn server_codes(root: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root.join("api/src"), &mut files);
    let mut codes = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let mut in_code_fn = false;
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with("fn code(&self)") {
                in_code_fn = true;
            } else if in_code_fn && t == "}" && line.starts_with("    }") {
                in_code_fn = false;
            }
            if t.starts_with("code:") || (in_code_fn && t.contains("=>")) {
                codes.extend(literals(t));
            }
        }
    }
    codes
}

#[test]
fn every_problem_code_has_its_chinese_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let codes = server_codes(root);
    assert!(
        codes.contains("validation_failed") && codes.contains("stock_would_be_negative"),
        "the source scan found the codes: {codes:?}"
    );
    let js = std::fs::read_to_string(root.join("api/web/common.js")).unwrap_or_default();
    let table = js
        .split("const CODE_TEXT = {")
        .nth(1)
        .and_then(|t| t.split("\n  };").next())
        .unwrap_or_default();
    let mut missing = Vec::new();
    for code in &codes {
        let text = table
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{code}: '")))
            .unwrap_or_default();
        if !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            missing.push(code.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "codes without Chinese text in CODE_TEXT: {missing:?}"
    );
}
