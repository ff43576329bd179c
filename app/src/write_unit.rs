//! One write unit: every change that writes runs in one, which carries the
//! transaction, the time, who acts, from where (address and request id),
//! and offers [`audit`](WriteUnit::audit), [`mail`](WriteUnit::mail) and
//! [`notify`](WriteUnit::notify). All of it is in the one transaction;
//! committing wakes the mail worker when mail was queued and tells the
//! open pages the news — only what committed is ever sent or told.

use crate::context::{request_meta, ServerContext};
use crate::db::audit::{self, Action, Actor, Entry, Origin};
use crate::db::WriteTx;
use crate::error::AppError;
use crate::mail::{self, Message};
use crate::requests::events::RequestEvent;
use chrono::{DateTime, Utc};

pub struct WriteUnit {
    context: ServerContext,
    pub tx: WriteTx,
    /// The time of the change: every row it writes carries it.
    pub now: DateTime<Utc>,
    pub actor: Actor,
    pub origin: Origin,
    mail_queued: bool,
    news: Vec<RequestEvent>,
}

impl WriteUnit {
    /// Begins a change by `actor`, from the client of the current request
    /// (none outside a request: the demo seed).
    pub async fn begin(context: &ServerContext, actor: Actor) -> Result<WriteUnit, AppError> {
        WriteUnit::begin_from(context, actor, request_meta().origin()).await
    }

    /// Begins a change by `actor` from `origin`: for the handlers outside
    /// the pages (the integration API), which know their own request.
    pub async fn begin_from(
        context: &ServerContext,
        actor: Actor,
        origin: Origin,
    ) -> Result<WriteUnit, AppError> {
        Ok(WriteUnit {
            tx: context.db.begin_write().await?,
            now: context.clock.now(),
            context: context.clone(),
            actor,
            origin,
            mail_queued: false,
            news: Vec::new(),
        })
    }

    /// Appends to the audit log what this change did to `patient_id`'s
    /// data (a patient acting is about their own data).
    pub async fn audit(
        &mut self,
        action: Action,
        patient_id: Option<i64>,
        detail: &str,
    ) -> Result<(), AppError> {
        let patient_id = match self.actor {
            Actor::Patient(own) => patient_id.or(Some(own)),
            Actor::Staff(_) | Actor::Mis(_) | Actor::Anonymous => patient_id,
        };
        let entry = Entry {
            action,
            actor: self.actor,
            patient_id,
            detail,
            origin: &self.origin,
        };
        audit::record(&mut self.tx, &entry, self.now).await?;
        Ok(())
    }

    /// Queues `message` to `recipient`; the mail worker sends it once the
    /// change commits.
    pub async fn mail(&mut self, recipient: &str, message: &Message) -> Result<(), AppError> {
        self.mail_with_files(recipient, message, &[]).await
    }

    /// [`mail`](Self::mail) carrying the request attachments `files`
    /// (their ids): each delivery attempt reads them where they are kept.
    pub async fn mail_with_files(
        &mut self,
        recipient: &str,
        message: &Message,
        files: &[i64],
    ) -> Result<(), AppError> {
        let outbox_id = mail::queue(
            &mut self.tx,
            &self.context.mail,
            recipient,
            message,
            self.now,
        )
        .await?;
        for &file in files {
            crate::db::outbox::carry(&mut self.tx, outbox_id, file).await?;
        }
        self.mail_queued = true;
        Ok(())
    }

    /// Tells the pages following the request, once the change commits.
    pub async fn notify(&mut self, event: RequestEvent) -> Result<(), AppError> {
        self.context.events.notify_in(&mut self.tx, &event).await?;
        self.news.push(event);
        Ok(())
    }

    /// Commits; then wakes the mail worker and tells the open pages.
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        if self.mail_queued {
            self.context.mail_wake.notify_one();
        }
        for event in self.news {
            self.context.events.publish(event);
        }
        Ok(())
    }
}
