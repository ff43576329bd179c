//! The site's files — the wasm, its JS, the stylesheet, the icon — read
//! into memory once at start and answered from there: the same bytes to
//! every patient, no disk on the way. The release build writes a `.br`
//! and a `.gz` beside each file; the browser gets the smallest it accepts.
//! A file is known by its ETag, so a browser that revalidates gets a 304.
//!
//! Under `cargo leptos watch`, which rewrites files while the server runs,
//! they are served from the folder instead (see the router).

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use std::collections::HashMap;
use std::path::Path;

/// One file in its forms.
struct SiteFile {
    content_type: HeaderValue,
    etag: HeaderValue,
    plain: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// Every file of the site folder, by its path (`/pkg/cabinet.….wasm`).
pub struct SiteFiles {
    files: HashMap<String, SiteFile>,
}

impl std::fmt::Debug for SiteFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteFiles")
            .field("files", &self.files.len())
            .finish()
    }
}

impl SiteFiles {
    /// Reads every file under `root`; `x.br` and `x.gz` are `x`'s
    /// compressed forms, not files of their own.
    pub fn load(root: &Path) -> std::io::Result<SiteFiles> {
        let mut found = HashMap::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    let key = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
                    found.insert(key, Bytes::from(std::fs::read(&path)?));
                }
            }
        }
        let mut files = HashMap::new();
        for (path, plain) in &found {
            if path.ends_with(".br") || path.ends_with(".gz") {
                continue;
            }
            let content_type = mime_guess::from_path(path)
                .first_raw()
                .unwrap_or("application/octet-stream");
            let etag = format!("\"{:016x}\"", fingerprint(plain));
            files.insert(
                path.clone(),
                SiteFile {
                    content_type: HeaderValue::from_static(content_type),
                    etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
                    plain: plain.clone(),
                    brotli: found.get(&format!("{path}.br")).cloned(),
                    gzip: found.get(&format!("{path}.gz")).cloned(),
                },
            );
        }
        Ok(SiteFiles { files })
    }

    /// How many files were read.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for a GET or HEAD of `path`, if it is a site file.
    pub fn answer(&self, path: &str, headers: &HeaderMap) -> Option<Response<Body>> {
        let file = self.files.get(path)?;
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type.clone())
            .header(header::ETAG, file.etag.clone())
            .header(header::VARY, "accept-encoding");
        let revalidated = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == file.etag));
        if revalidated {
            return response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .ok();
        }
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let (encoding, body) = match (&file.brotli, &file.gzip) {
            (Some(brotli), _) if accepts(accepted, "br") => (Some("br"), brotli.clone()),
            (_, Some(gzip)) if accepts(accepted, "gzip") => (Some("gzip"), gzip.clone()),
            _ => (None, file.plain.clone()),
        };
        if let Some(encoding) = encoding {
            response = response.header(header::CONTENT_ENCODING, encoding);
        }
        response.body(Body::from(body)).ok()
    }
}

/// Whether an `Accept-Encoding` value takes `coding` (not with `q=0`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        parts.next() == Some(coding)
            && parts.all(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_none_or(|q| q > 0.0)
            })
    })
}

/// A 64-bit FNV-1a of the bytes: enough to tell two versions of a file
/// apart for revalidation.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn an_encoding_is_taken_unless_refused_with_q_zero() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("br;q=0.5, gzip", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("xgzip", "gzip"));
    }
}
