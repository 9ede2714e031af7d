//! Photos of a claim: recognised by their bytes (JPEG, PNG or WebP, whatever the file is called)
//! and stripped of their metadata (EXIF with the place it was taken, XMP, comments, text chunks)
//! before they are kept. The picture itself is not re-encoded.

/// What kind of picture the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }
}

/// The kind of picture, from its first bytes; `None` for anything else.
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else {
        None
    }
}

/// The picture without its metadata; `None` if its structure is broken (not really an image).
pub fn strip(bytes: &[u8]) -> Option<(Kind, Vec<u8>)> {
    let k = kind(bytes)?;
    let clean = match k {
        Kind::Jpeg => jpeg(bytes)?,
        Kind::Png => png(bytes)?,
        Kind::Webp => webp(bytes)?,
    };
    Some((k, clean))
}

/// JPEG: every APPn segment but APP0 (JFIF) and APP14 (Adobe colour), and every comment, go.
fn jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0xFF, 0xD8];
    let mut i = 2;
    loop {
        if i + 4 > b.len() || b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xDA {
            // Start of scan: the compressed picture and the end marker follow as they are.
            out.extend_from_slice(&b[i..]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return None;
        }
        let metadata = (0xE1..=0xEF).contains(&marker) && marker != 0xEE || marker == 0xFE;
        if !metadata {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
}

/// PNG: text, EXIF and time chunks go.
fn png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = usize::try_from(u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])).ok()?;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        let name = &b[i + 4..i + 8];
        if !matches!(name, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if name == b"IEND" {
            return Some(out);
        }
    }
    None
}

/// WebP: the EXIF and XMP chunks go, and the extended header stops announcing them.
fn webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut body = b"WEBP".to_vec();
    let mut i = 12;
    while i + 8 <= b.len() {
        let len =
            usize::try_from(u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]])).ok()?;
        let padded = len + (len & 1);
        let end = i.checked_add(8)?.checked_add(padded)?.min(b.len());
        if i + 8 + len > b.len() {
            return None;
        }
        let name = &b[i..i + 4];
        if name != b"EXIF" && name != b"XMP " {
            let start = body.len();
            body.extend_from_slice(&b[i..end]);
            if name == b"VP8X" && len >= 1 {
                // Flags: bit 3 EXIF, bit 2 XMP.
                body[start + 8] &= !0b0000_1100;
            }
        }
        i = end;
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F']);
        let exif = b"Exif\0\0GPS 33.1N 116.2E";
        b.extend_from_slice(&[0xFF, 0xE1]);
        b.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap_or(0).to_be_bytes());
        b.extend_from_slice(exif);
        b.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x07, b'h', b'e', b'l', b'l', b'o']);
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]);
        b
    }

    #[test]
    fn a_jpeg_loses_its_exif_and_comments_and_keeps_its_picture() {
        let (k, clean) = strip(&jpeg_with_exif()).unwrap_or((Kind::Png, Vec::new()));
        assert_eq!(k, Kind::Jpeg);
        assert!(!clean.windows(3).any(|w| w == b"GPS"));
        assert!(!clean.windows(5).any(|w| w == b"hello"));
        assert!(clean.windows(4).any(|w| w == b"JFIF"));
        assert!(clean.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]));
    }

    #[test]
    fn a_png_loses_its_text_chunks() {
        let chunk = |name: &[u8], data: &[u8]| {
            let mut c = u32::try_from(data.len())
                .unwrap_or(0)
                .to_be_bytes()
                .to_vec();
            c.extend_from_slice(name);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend(chunk(b"IHDR", &[0; 13]));
        b.extend(chunk(b"tEXt", b"Location\0Lixin"));
        b.extend(chunk(b"IDAT", &[1, 2, 3]));
        b.extend(chunk(b"IEND", &[]));
        let (_, clean) = strip(&b).unwrap_or((Kind::Jpeg, Vec::new()));
        assert!(!clean.windows(5).any(|w| w == b"Lixin"));
        assert!(clean.windows(4).any(|w| w == b"IDAT"));
    }

    #[test]
    fn a_webp_loses_exif_and_its_flag() {
        let mut body = b"WEBP".to_vec();
        body.extend_from_slice(b"VP8X");
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[0b0000_1000, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        body.extend_from_slice(b"VP8L");
        body.extend_from_slice(&3u32.to_le_bytes());
        body.extend_from_slice(&[7, 7, 7, 0]);
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&4u32.to_le_bytes());
        body.extend_from_slice(b"GPS!");
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_le_bytes());
        b.extend(body);
        let (k, clean) = strip(&b).unwrap_or((Kind::Jpeg, Vec::new()));
        assert_eq!(k, Kind::Webp);
        assert!(!clean.windows(4).any(|w| w == b"GPS!"));
        assert_eq!(clean[20], 0, "the EXIF flag is cleared");
        assert_eq!(
            usize::try_from(u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]))
                .unwrap_or(0),
            clean.len() - 8
        );
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        assert_eq!(kind(b"%PDF-1.7"), None);
        assert!(strip(b"GIF89a").is_none());
        assert!(
            strip(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]).is_none(),
            "a broken segment"
        );
    }
}
