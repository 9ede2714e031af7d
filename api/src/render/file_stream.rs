//! A file on disk as a response body, read a chunk at a time on the blocking pool, so that a
//! backup of a few hundred megabytes never sits in memory whole.

use actix_web::web::{self, Bytes};
use futures_util::Stream;
use std::io::Read;

/// How much of the file is read at a time.
const CHUNK: usize = 256 * 1024;

/// The bytes of `file`, from where it stands to its end.
pub fn chunks(file: std::fs::File) -> impl Stream<Item = Result<Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let read = web::block(move || {
            let mut buf = vec![0u8; CHUNK];
            let n = file.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((file, buf))
        })
        .await;
        match read {
            Ok(Ok((_, buf))) if buf.is_empty() => None,
            Ok(Ok((file, buf))) => Some((Ok(Bytes::from(buf)), Some(file))),
            Ok(Err(e)) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
        }
    })
}
