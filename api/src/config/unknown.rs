//! The message for a `ZHUNONG_*` variable that is no setting: the closest real one, by edit
//! distance, so a misspelt setting is caught at start instead of silently ignored.

/// "ZHUNONG_DATABSE_URL is not a setting; did you mean ZHUNONG_DATABASE_URL?", in place of
/// figment's list of every field.
pub(super) fn unknown_setting(
    field: &str,
    known: &[&str],
    from: Option<&figment::Metadata>,
) -> String {
    let from_env = from.is_none_or(|m| m.name.contains("environment"));
    let name = |f: &str| {
        if from_env {
            format!("ZHUNONG_{}", f.to_ascii_uppercase())
        } else {
            f.to_owned()
        }
    };
    let place = match from {
        Some(m) if !from_env => format!(" (in {})", m.name),
        _ => String::new(),
    };
    let closest = known
        .iter()
        .min_by_key(|k| edit_distance(field, k))
        .map(|k| format!("; did you mean {}?", name(k)))
        .unwrap_or_default();
    format!("{} is not a setting{place}{closest}", name(field))
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_setting_is_named_with_the_closest_real_one() {
        let known = ["database_url", "database_schema", "bind", "workers"];
        assert_eq!(
            unknown_setting("databse_url", &known, None),
            "ZHUNONG_DATABSE_URL is not a setting; did you mean ZHUNONG_DATABASE_URL?"
        );
        assert_eq!(
            unknown_setting("worker", &known, None),
            "ZHUNONG_WORKER is not a setting; did you mean ZHUNONG_WORKERS?"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
