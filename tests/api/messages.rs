//! Every problem code the server can send has its Chinese text in the pages' one table
//! (`CODE_TEXT` in `api/web/common.js`), so that no page shows a user the server's English.
//! The codes are the server's one list, `ErrorCode::ALL`.

use std::path::Path;
use zhunong_api::error::ErrorCode;

#[test]
fn every_problem_code_has_its_chinese_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let js = std::fs::read_to_string(root.join("api/web/common.js")).unwrap_or_default();
    let table = js
        .split("const CODE_TEXT = {")
        .nth(1)
        .and_then(|t| t.split("\n  };").next())
        .unwrap_or_default();
    let mut missing = Vec::new();
    for code in codes {
        let text = table
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{code}: '")))
            .unwrap_or_default();
        if !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            missing.push(code);
        }
    }
    assert!(
        missing.is_empty(),
        "codes without Chinese text in CODE_TEXT: {missing:?}"
    );
}
