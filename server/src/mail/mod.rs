//! The outbox worker: delivers queued mail with lettre — over SMTP
//! (`SMTP_URL`), or into `.eml` files when no SMTP server is configured —
//! retrying with growing delays. Delivery is at least once: a crash between
//! sending and recording may send a message twice, under the same
//! Message-ID, which mail software recognises as one message.

use crate::config::MailTransport;
use app::clock::Clock;
use app::db::outbox::{self, QueuedMail};
use app::db::requests;
use app::db::Db;
use app::requests::attachments::{self, AttachmentStore};
use chrono::Duration;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use tokio::sync::{watch, Notify};

/// Attempts before a message is given up (about two days with the delays below).
pub const MAX_ATTEMPTS: i32 = 12;
/// How long one attempt may hold a message before another worker may retry it.
const LEASE: Duration = Duration::minutes(5);
/// Messages per round.
const BATCH: i64 = 20;
/// How often the worker looks without being woken.
const POLL: std::time::Duration = std::time::Duration::from_secs(10);

/// The delay after the `attempts`-th failure: 30 s, 1, 2, 4 min … up to 6 h.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    let seconds = 30i64.saturating_mul(1i64 << doublings.min(16));
    Duration::seconds(seconds.min(6 * 3600))
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// Sends queued mail.
#[derive(Clone)]
pub struct MailWorker {
    db: Db,
    clock: Clock,
    from: Mailbox,
    transport: Arc<Transport>,
    /// Where the files a message carries are kept.
    attachments: AttachmentStore,
}

impl MailWorker {
    pub fn new(
        db: Db,
        clock: Clock,
        transport: &MailTransport,
        from: &str,
        attachments: AttachmentStore,
    ) -> anyhow::Result<MailWorker> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM {from:?} is not a mail address: {e}"))?;
        let transport = match transport {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            MailTransport::Folder(folder) => {
                std::fs::create_dir_all(folder).map_err(|e| {
                    anyhow::anyhow!("cannot create the mail folder {}: {e}", folder.display())
                })?;
                Transport::Folder(AsyncFileTransport::new(folder))
            }
        };
        Ok(MailWorker {
            db,
            clock,
            from,
            transport: Arc::new(transport),
            attachments,
        })
    }

    /// The message with its text and HTML bodies, and the files it
    /// carries, read anew for this attempt (and checked against their
    /// hashes), under names the server makes.
    async fn build(&self, mail: &QueuedMail) -> anyhow::Result<Message> {
        let to: Mailbox = mail.recipient.parse()?;
        let bodies = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text_body.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(mail.html_body.clone()),
            );
        let carried = outbox::carried(&self.db, mail.id).await?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()));
        if carried.is_empty() {
            return Ok(builder.multipart(bodies)?);
        }
        let mut mixed = MultiPart::mixed().multipart(bodies);
        for (request_id, attachment_id) in carried {
            let (row, bytes) =
                attachments::read(&self.db, &self.attachments, request_id, attachment_id)
                    .await
                    .map_err(|e| anyhow::anyhow!("attachment {attachment_id}: {e:?}"))?
                    .ok_or_else(|| anyhow::anyhow!("attachment {attachment_id} is gone"))?;
            let number = requests::number_of(&self.db, request_id).await?;
            let name = attachments::download_name(&number, row.id, &row.media_type);
            mixed = mixed.singlepart(
                Attachment::new(name).body(bytes, ContentType::parse(&row.media_type)?),
            );
        }
        Ok(builder.multipart(mixed)?)
    }

    async fn send(&self, mail: &QueuedMail) -> anyhow::Result<()> {
        let message = self.build(mail).await?;
        match &*self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ())?,
            Transport::Folder(folder) => folder.send(message).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Delivers every message that is due now; how many were sent.
    pub async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let mut sent = 0;
        loop {
            let now = self.clock.now();
            let batch = outbox::due(&self.db, now, BATCH).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            let mut progressed = false;
            for mail in batch {
                if !outbox::claim(&self.db, &mail, now + LEASE).await? {
                    continue;
                }
                progressed = true;
                if mail.expires_at.is_some_and(|expires| expires <= now) {
                    tracing::warn!(kind = %mail.kind, message_id = %mail.message_id, "mail expired before it could be sent");
                    outbox::mark_expired(&self.db, mail.id, now).await?;
                    continue;
                }
                match self.send(&mail).await {
                    Ok(()) => {
                        outbox::mark_sent(&self.db, mail.id, self.clock.now()).await?;
                        tracing::info!(kind = %mail.kind, message_id = %mail.message_id, "mail sent");
                        sent += 1;
                    }
                    Err(error) => {
                        let attempts = mail.attempts + 1;
                        let now = self.clock.now();
                        let retry_at =
                            (attempts < MAX_ATTEMPTS).then(|| now + retry_delay(attempts));
                        tracing::warn!(
                            kind = %mail.kind,
                            message_id = %mail.message_id,
                            attempts,
                            gave_up = retry_at.is_none(),
                            %error,
                            "mail not sent"
                        );
                        outbox::mark_attempt_failed(
                            &self.db,
                            mail.id,
                            &error.to_string(),
                            retry_at,
                            now,
                        )
                        .await?;
                    }
                }
            }
            if !progressed {
                return Ok(sent);
            }
        }
    }

    /// Runs until `stop` turns true: delivers when woken, and every few
    /// seconds in case a wake-up was missed or a retry came due.
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.deliver_due().await {
                tracing::error!(%error, "the mail worker cannot read the outbox");
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        let delays: Vec<i64> = (1..=12).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(
            delays,
            vec![30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600]
        );
    }
}
