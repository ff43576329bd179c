//! Files attached to a request — the finished document, a radiology
//! report — by staff, and later by the MIS. Each is kept with its name,
//! media type, size and SHA-256; its bytes in the database, or in the
//! configured folder under a name the server chose. Reading one back
//! checks its size and hash, so a file changed or lost on disk is an
//! error, never a wrong document handed to a patient.

use serde::{Deserialize, Serialize};

/// The most one attached file may hold unless configured otherwise
/// (`ATTACHMENT_MAX_BYTES`).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// An attachment as pages list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    /// When it was attached, in the clinic's time.
    pub attached: String,
}

/// The kinds of file that may be attached, each known by how it begins:
/// a file is taken only when its bytes are what its media type says.
const MEDIA_TYPES: &[(&str, &[u8])] = &[
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
];

/// The name a file is shown under: its last path segment, without control
/// characters or quotes, at most 200 characters. (It is downloaded under
/// a name the server makes.)
pub fn file_name(input: &str) -> Result<String, crate::domain::Problem> {
    let last = input.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\''))
        .collect();
    crate::domain::patient::required_text(&name, 200)
}

/// Checks a file before it is attached: at most `max` bytes.
pub fn check_file(
    media_type: &str,
    bytes: &[u8],
    max: usize,
) -> Result<(), crate::domain::Problem> {
    use crate::domain::Problem;
    if bytes.is_empty() {
        return Err(Problem::FileEmpty);
    }
    if bytes.len() > max {
        return Err(Problem::FileTooLarge);
    }
    match MEDIA_TYPES.iter().find(|(name, _)| *name == media_type) {
        Some((_, magic)) if bytes.starts_with(magic) => Ok(()),
        _ => Err(Problem::FileTypeNotAllowed),
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::{check_file, file_name, AttachmentInfo};
    use crate::auth::StaffSession;
    use crate::context::{internal, ServerContext};
    use crate::db::attachments::{self, AttachmentRow, NewAttachment};
    use crate::db::audit::Action;
    use crate::db::requests;
    use crate::domain::FieldErrors;
    use crate::error::AppError;
    use crate::requests::engine::{read_status, Mover};
    use crate::requests::events::RequestEvent;
    use crate::write_unit::WriteUnit;
    use std::path::PathBuf;

    /// Where the bytes of attached files are kept.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum AttachmentStore {
        /// In the database, beside the rest of the request.
        Database,
        /// In this folder, each under a name the server chose.
        Folder(PathBuf),
    }

    /// A file to attach, as it was uploaded.
    pub struct UploadedFile<'a> {
        pub name: &'a str,
        pub media_type: &'a str,
        pub bytes: &'a [u8],
    }

    fn info(
        context: &ServerContext,
        row: AttachmentRow,
        locale: crate::i18n::Locale,
    ) -> AttachmentInfo {
        AttachmentInfo {
            id: row.id,
            file_name: row.file_name,
            media_type: row.media_type,
            size: row.size,
            sha256: row.sha256,
            attached: context.clinic.local_time(row.created_at, locale),
        }
    }

    /// Whether a PDF only shows its pages: one that carries JavaScript, a
    /// launch action or embedded files — anything that runs or unpacks on
    /// the patient's device — or that cannot be read (an encrypted one
    /// included: what it holds cannot be checked), is refused.
    pub fn pdf_is_passive(bytes: &[u8]) -> Result<(), crate::domain::Problem> {
        use crate::domain::Problem;
        use lopdf::Object;
        let document = lopdf::Document::load_mem(bytes).map_err(|_| Problem::FileTypeNotAllowed)?;
        if document.trailer.get(b"Encrypt").is_ok() {
            return Err(Problem::PdfActiveContent);
        }
        fn active(object: &Object) -> bool {
            let dictionary_active = |dictionary: &lopdf::Dictionary| {
                dictionary.iter().any(|(key, value)| {
                    matches!(key.as_slice(), b"JS" | b"JavaScript" | b"EmbeddedFiles" | b"EF")
                        || (matches!(key.as_slice(), b"S" | b"Type")
                            && matches!(
                                value,
                                Object::Name(name) if matches!(
                                    name.as_slice(),
                                    b"JavaScript" | b"Launch" | b"EmbeddedFile" | b"ImportData" | b"SubmitForm"
                                )
                            ))
                        || active(value)
                })
            };
            match object {
                Object::Dictionary(dictionary) => dictionary_active(dictionary),
                Object::Stream(stream) => dictionary_active(&stream.dict),
                Object::Array(items) => items.iter().any(active),
                _ => false,
            }
        }
        if document.objects.values().any(active)
            || active(&Object::Dictionary(document.trailer.clone()))
        {
            return Err(Problem::PdfActiveContent);
        }
        Ok(())
    }

    /// Staff attach a file to a request in their scope. The patient's
    /// pages hear of it; the audit log records who attached what.
    pub async fn attach(
        context: &ServerContext,
        staff: &StaffSession,
        number: &str,
        file: UploadedFile<'_>,
    ) -> Result<AttachmentInfo, AppError> {
        let origin = crate::context::request_meta().origin();
        attach_from(context, Mover::Staff(staff), number, file, origin).await
    }

    /// [`attach`], by staff or the MIS (`mover`), asked from `origin` (a
    /// handler outside the pages).
    pub async fn attach_from(
        context: &ServerContext,
        mover: Mover<'_>,
        number: &str,
        file: UploadedFile<'_>,
        origin: crate::db::audit::Origin,
    ) -> Result<AttachmentInfo, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("file_name", file_name(file.name));
        errors.check(
            "file",
            check_file(file.media_type, file.bytes, context.attachment_max_bytes).and_then(|()| {
                if file.media_type == "application/pdf" {
                    pdf_is_passive(file.bytes)
                } else {
                    Ok(())
                }
            }),
        );
        errors.into_result()?;
        let name = name.ok_or_else(|| internal("a checked file name missing"))?;
        let sha256 = crate::security::sha256_hex(file.bytes);
        let size = i64::try_from(file.bytes.len()).map_err(internal)?;

        let mut unit = WriteUnit::begin_from(context, mover.actor(), origin).await?;
        let row = requests::in_scope_for_update(&mut unit.tx, mover.scope(), number)
            .await?
            .ok_or(AppError::NotFound)?;
        let status = read_status(&row.number, &row.status)?;
        let stored = match &context.attachments {
            AttachmentStore::Database => None,
            AttachmentStore::Folder(folder) => Some(write_file(folder, file.bytes).await?),
        };
        let written = async {
            let id = attachments::insert(
                &mut unit.tx,
                &NewAttachment {
                    request_id: row.id,
                    file_name: &name,
                    media_type: file.media_type,
                    size,
                    sha256: &sha256,
                    content: stored.is_none().then_some(file.bytes),
                    stored_name: stored.as_ref().map(|(name, _)| name.as_str()),
                    staff_id: match mover {
                        Mover::Staff(staff) => Some(staff.staff_id),
                        Mover::Mis(_) => None,
                    },
                },
                unit.now,
            )
            .await?;
            unit.audit(
                Action::AttachmentAdded,
                Some(row.patient_id),
                &format!("{number}: {name}"),
            )
            .await?;
            unit.notify(RequestEvent {
                patient_id: row.patient_id,
                number: number.to_owned(),
                status: status.as_str().to_owned(),
            })
            .await?;
            let attached = unit.now;
            unit.commit().await?;
            Ok::<_, AppError>((id, attached))
        }
        .await;
        let (id, attached) = match written {
            Ok(done) => done,
            Err(error) => {
                // Nothing refers to the file: it must not stay behind.
                if let Some((_, path)) = stored {
                    let _ = tokio::fs::remove_file(path).await;
                }
                return Err(error);
            }
        };
        Ok(AttachmentInfo {
            id,
            file_name: name,
            media_type: file.media_type.to_owned(),
            size,
            sha256,
            attached: context
                .clinic
                .local_time(attached, crate::context::request_locale()),
        })
    }

    /// Writes the bytes under a new name the server chose: to a temporary
    /// file first, renamed once complete, so no reader sees half a file.
    async fn write_file(
        folder: &std::path::Path,
        bytes: &[u8],
    ) -> Result<(String, PathBuf), AppError> {
        let name = uuid::Uuid::new_v4().simple().to_string();
        let path = folder.join(&name);
        let partial = folder.join(format!("{name}.partial"));
        tokio::fs::create_dir_all(folder).await.map_err(internal)?;
        tokio::fs::write(&partial, bytes).await.map_err(internal)?;
        tokio::fs::rename(&partial, &path).await.map_err(internal)?;
        Ok((name, path))
    }

    /// The attachments of a request (by its id), oldest first; the caller
    /// has checked that the reader may see the request.
    pub async fn list(
        context: &ServerContext,
        request_id: i64,
    ) -> Result<Vec<AttachmentInfo>, AppError> {
        let locale = crate::context::request_locale();
        Ok(attachments::of_request(&context.db, request_id)
            .await?
            .into_iter()
            .map(|row| info(context, row, locale))
            .collect())
    }

    /// One attachment of a request with its bytes, checked against the
    /// size and hash it was attached with; `None` if the request has no
    /// such attachment.
    pub async fn fetch(
        context: &ServerContext,
        request_id: i64,
        attachment_id: i64,
    ) -> Result<Option<(AttachmentInfo, Vec<u8>)>, AppError> {
        Ok(
            read(&context.db, &context.attachments, request_id, attachment_id)
                .await?
                .map(|(row, bytes)| (info(context, row, crate::context::request_locale()), bytes)),
        )
    }

    /// [`fetch`] for those outside a page (the mail worker): the stored
    /// row and the checked bytes.
    pub async fn read(
        db: &crate::db::Db,
        store: &AttachmentStore,
        request_id: i64,
        attachment_id: i64,
    ) -> Result<Option<(AttachmentRow, Vec<u8>)>, AppError> {
        let Some(row) = attachments::one(db, request_id, attachment_id).await? else {
            return Ok(None);
        };
        let bytes = match (&row.stored_name, store) {
            (None, _) => attachments::content(db, row.id)
                .await?
                .ok_or_else(|| internal(format_args!("attachment {} has no bytes", row.id)))?,
            (Some(name), AttachmentStore::Folder(folder)) => tokio::fs::read(folder.join(name))
                .await
                .map_err(|e| internal(format_args!("attachment {} ({name}): {e}", row.id)))?,
            (Some(name), AttachmentStore::Database) => {
                return Err(internal(format_args!(
                    "attachment {} is in a folder ({name}), and none is configured",
                    row.id
                )))
            }
        };
        if i64::try_from(bytes.len()).ok() != Some(row.size)
            || crate::security::sha256_hex(&bytes) != row.sha256
        {
            return Err(internal(format_args!(
                "attachment {} does not match its size and SHA-256",
                row.id
            )));
        }
        Ok(Some((row, bytes)))
    }

    /// The name a file is downloaded or mailed under: the request number's
    /// digits and the file's id — nothing personal, nothing the uploader
    /// chose.
    pub fn download_name(number: &str, id: i64, media_type: &str) -> String {
        let extension = match media_type {
            "application/pdf" => "pdf",
            "image/png" => "png",
            "image/jpeg" => "jpg",
            _ => "bin",
        };
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        format!("document-{digits}-{id}.{extension}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Problem;

    #[test]
    fn a_file_is_taken_only_when_its_bytes_are_what_its_type_says() {
        assert_eq!(
            check_file("application/pdf", b"%PDF-1.7 ...", MAX_ATTACHMENT_BYTES),
            Ok(())
        );
        assert_eq!(
            check_file("image/png", b"\x89PNG\r\n\x1a\n....", MAX_ATTACHMENT_BYTES),
            Ok(())
        );
        assert_eq!(
            check_file("application/pdf", b"<html>", MAX_ATTACHMENT_BYTES),
            Err(Problem::FileTypeNotAllowed)
        );
        assert_eq!(
            check_file("text/html", b"%PDF-", MAX_ATTACHMENT_BYTES),
            Err(Problem::FileTypeNotAllowed)
        );
        assert_eq!(
            check_file("application/pdf", b"", MAX_ATTACHMENT_BYTES),
            Err(Problem::FileEmpty)
        );
        let big = [b"%PDF-".as_slice(), &vec![0; MAX_ATTACHMENT_BYTES]].concat();
        assert_eq!(
            check_file("application/pdf", &big, MAX_ATTACHMENT_BYTES),
            Err(Problem::FileTooLarge)
        );
    }

    #[test]
    fn a_file_name_is_its_last_segment_without_control_characters() {
        assert_eq!(
            file_name("C:\\Users\\me\\Справка.pdf"),
            Ok("Справка.pdf".into())
        );
        assert_eq!(file_name("../../etc/passwd"), Ok("passwd".into()));
        assert_eq!(file_name("a\u{0}b\nc.pdf"), Ok("abc.pdf".into()));
        assert_eq!(
            file_name("\"x\";\r\nSet-Cookie: y.pdf"),
            Ok("x;Set-Cookie: y.pdf".into())
        );
        assert_eq!(file_name("dir/"), Err(Problem::Required));
    }
}
