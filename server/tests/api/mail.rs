//! The outbox worker: delivery over SMTP and into files, retries with
//! backoff under a stable Message-ID, secrets wiped once sent.

use crate::helpers::{spawn_app_with, spawn_demo_app, TestApp};
use chrono::Duration;
use server::config::MailTransport;
use server::demo;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[tokio::test]
async fn queued_mail_is_delivered_as_text_and_html_and_a_sent_code_is_wiped() {
    let app = spawn_demo_app().await;
    app.post_form("/api/recovery/request", &[("login", demo::PATIENT_LOGIN)])
        .await;
    assert_eq!(app.deliver_mail().await, 1);
    let mail = app.outbox().await;
    assert!(mail[0].sent_at.is_some());
    assert_eq!(mail[0].attempts, 1);
    assert_eq!(mail[0].text_body, "", "the code is not kept once sent");

    let files: Vec<_> = std::fs::read_dir(app.outbox.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        eml.contains(&format!("Message-ID: {}", mail[0].message_id)),
        "{eml}"
    );
    assert!(eml.contains("To: anna.smirnova@example.ru"));
    assert!(eml.contains("multipart/alternative"));
    assert!(eml.contains("text/plain") && eml.contains("text/html"));
    assert_eq!(app.deliver_mail().await, 0, "sent once");
}

/// A tiny SMTP server that refuses the first `refusals` messages with a
/// temporary error and records the ones it accepts.
pub(crate) async fn smtp_sink(refusals: usize) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (port, smtp_sink_on(listener, refusals, None))
}

/// Holds the sink's answer to the first message it takes: `taken` is told
/// once the whole message is in, and the sink says "250" only when
/// `answer` is — or never, if it is dropped.
pub(crate) struct HoldFirst {
    pub taken: oneshot::Sender<()>,
    pub answer: oneshot::Receiver<()>,
}

/// [`smtp_sink`] listening on `listener`, optionally holding its answer to
/// the first message.
pub(crate) fn smtp_sink_on(
    listener: TcpListener,
    refusals: usize,
    hold: Option<HoldFirst>,
) -> Arc<Mutex<Vec<String>>> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let refusals_left = Arc::new(Mutex::new(refusals));
    let hold = Arc::new(Mutex::new(hold));
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(smtp_session(
                socket,
                store.clone(),
                refusals_left.clone(),
                hold.clone(),
            ));
        }
    });
    received
}

/// One SMTP conversation with the sink.
async fn smtp_session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<String>>>,
    refusals_left: Arc<Mutex<usize>>,
    hold: Arc<Mutex<Option<HoldFirst>>>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(message) = data.as_mut() {
            if line == "." {
                store.lock().unwrap().push(data.take().unwrap());
                let held = hold.lock().unwrap().take();
                if let Some(HoldFirst { taken, answer }) = held {
                    let _ = taken.send(());
                    if answer.await.is_err() {
                        return;
                    }
                }
                if write.write_all(b"250 queued\r\n").await.is_err() {
                    return;
                }
            } else {
                message.push_str(&line);
                message.push('\n');
            }
            continue;
        }
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 sink\r\n"
        } else if command.starts_with("MAIL FROM") {
            let mut left = refusals_left.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                b"451 try again later\r\n"
            } else {
                b"250 ok\r\n"
            }
        } else if command.starts_with("RCPT TO")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            b"250 ok\r\n"
        } else if command == "DATA" {
            data = Some(String::new());
            b"354 go ahead\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The demo app sending its mail to the SMTP server on `port`.
pub(crate) async fn demo_app_mailing_to(port: u16) -> TestApp {
    spawn_app_with(|config| {
        config.demo = true;
        config.mail = MailTransport::Smtp(format!("smtp://127.0.0.1:{port}"));
    })
    .await
}

#[tokio::test]
async fn a_refused_message_is_retried_later_under_the_same_message_id() {
    let (port, received) = smtp_sink(1).await;
    let app = demo_app_mailing_to(port).await;
    app.post_form("/api/recovery/request", &[("login", demo::PATIENT_LOGIN)])
        .await;

    assert_eq!(app.deliver_mail().await, 0);
    let queued = app.outbox().await;
    assert_eq!(queued[0].attempts, 1);
    assert!(queued[0].sent_at.is_none() && queued[0].failed_at.is_none());
    assert!(
        queued[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("451"),
        "{:?}",
        queued[0].last_error
    );
    assert_eq!(
        app.deliver_mail().await,
        0,
        "not due again before its delay"
    );

    app.clock.advance(Duration::seconds(30));
    assert_eq!(app.deliver_mail().await, 1);
    let sent = app.outbox().await;
    assert_eq!(sent[0].attempts, 2);
    assert!(sent[0].sent_at.is_some());
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains(&format!("Message-ID: {}", sent[0].message_id)),
        "{}",
        messages[0]
    );
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_given_up_after_its_last_attempt() {
    let (port, _) = smtp_sink(usize::MAX).await;
    let app = demo_app_mailing_to(port).await;
    // A notice that never expires (a recovery code would expire first).
    app.queue_mail("notice", None).await;
    for _ in 0..server::mail::MAX_ATTEMPTS {
        app.deliver_mail().await;
        app.clock.advance(Duration::hours(7));
    }
    let mail = app.outbox().await;
    assert_eq!(mail[0].attempts, server::mail::MAX_ATTEMPTS);
    assert!(mail[0].failed_at.is_some());
}
