//! News of requests for open pages: "request З-2026-000123 of patient 7 is
//! now accepted". Each server process keeps a broadcast channel its
//! event streams listen to. On PostgreSQL the news also goes out with
//! `NOTIFY` inside the transaction of the change — so only a committed
//! change is told — and every instance's listener passes on what other
//! instances announced.

use crate::db::WriteTx;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel request news travels on.
pub const CHANNEL: &str = "patient_requests";

/// The `status` of the news that lab results of the patient became
/// ready: no request is named.
pub const RESULTS_READY: &str = "results_ready";

/// A request changed — or, with [`RESULTS_READY`], results are ready.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestEvent {
    pub patient_id: i64,
    pub number: String,
    pub status: String,
}

/// As sent over `NOTIFY`: with the instance that sent it, which already
/// told its own listeners.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Notice {
    instance: String,
    #[serde(flatten)]
    event: RequestEvent,
}

/// This process's broadcast of request news.
#[derive(Clone, Debug)]
pub struct RequestEvents {
    sender: broadcast::Sender<RequestEvent>,
    instance: String,
}

impl Default for RequestEvents {
    fn default() -> Self {
        RequestEvents::new()
    }
}

impl RequestEvents {
    pub fn new() -> RequestEvents {
        // A stream that falls this far behind is told to read everything again.
        let (sender, _) = broadcast::channel(1024);
        RequestEvents {
            sender,
            instance: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RequestEvent> {
        self.sender.subscribe()
    }

    /// Tells the other instances, on PostgreSQL, when `tx` commits.
    pub async fn notify_in(
        &self,
        tx: &mut WriteTx,
        event: &RequestEvent,
    ) -> Result<(), sqlx::Error> {
        if let WriteTx::Postgres(tx) = tx {
            let payload = serde_json::to_string(&Notice {
                instance: self.instance.clone(),
                event: event.clone(),
            })
            .unwrap_or_default();
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Tells this process's listeners, after the change committed.
    pub fn publish(&self, event: RequestEvent) {
        // No page listening is not an error.
        let _ = self.sender.send(event);
    }

    /// Passes on a `NOTIFY` payload from another instance; ours and
    /// unreadable ones are dropped.
    pub fn relay(&self, payload: &str) {
        match serde_json::from_str::<Notice>(payload) {
            Ok(notice) if notice.instance != self.instance => self.publish(notice.event),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "unreadable request notice"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_from_other_instances_are_relayed_and_our_own_are_not() {
        let ours = RequestEvents::new();
        let theirs = RequestEvents::new();
        let mut listener = ours.subscribe();
        let event = RequestEvent {
            patient_id: 7,
            number: "З-2026-000001".into(),
            status: "accepted".into(),
        };
        let payload = |from: &RequestEvents| {
            serde_json::to_string(&Notice {
                instance: from.instance.clone(),
                event: event.clone(),
            })
            .unwrap()
        };
        ours.relay(&payload(&ours));
        ours.relay("not json");
        assert!(
            listener.try_recv().is_err(),
            "our own notice was published already"
        );
        ours.relay(&payload(&theirs));
        assert_eq!(listener.try_recv().unwrap(), event);
    }
}
