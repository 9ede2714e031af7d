//! QR codes as inline SVG, made here (no external service): one `path` of unit squares, four
//! modules of quiet zone, crisp edges so printers and phone cameras see sharp modules.

use qrcode::{Color, EcLevel, QrCode};

/// `text` as an SVG QR code (error correction M, about 15 % of the code may be damaged), drawn
/// at `size_mm` millimetres; `None` if the text is too long for a QR code.
pub fn svg(text: &str, size_mm: u32) -> Option<String> {
    labelled_svg(text, size_mm, "溯源二维码")
}

/// As [`svg`], read aloud by a screen reader as `label`.
pub fn labelled_svg(text: &str, size_mm: u32, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let side = width + 8;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {side} {side}\" \
         width=\"{size_mm}mm\" height=\"{size_mm}mm\" shape-rendering=\"crispEdges\" role=\"img\" \
         aria-label=\"{label}\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}
