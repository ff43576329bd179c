//! Passkeys: what the server checks before and after the device's part —
//! the name and the current password before a challenge, the relying party
//! a challenge names, a challenge answered once, an answer that does not
//! check out keeping nothing, a key the cabinet does not know refused.
//! The device's part itself (a key made and a challenge signed) is tested
//! in Chromium with its virtual authenticator (end2end/tests/passkeys.spec.ts).

use crate::helpers::{
    error_json, json, new_client, password_step, password_step_with, problem, problem_of,
    signed_in, spawn_demo_app, TestApp,
};
use reqwest::StatusCode;
use server::demo;

/// A challenge to make a key for the signed-in demo patient: the token
/// and the options as the browser gets them.
async fn begin(app: &TestApp, alone: bool) -> (String, serde_json::Value) {
    let mut form = vec![
        ("passkey_name", "Телефон"),
        ("current_password", demo::PATIENT_PASSWORD),
    ];
    if alone {
        form.push(("signs_in_alone", "on"));
    }
    let answer = json(app.post_form("/api/settings/passkeys/begin", &form).await).await;
    let options = serde_json::from_str(answer["options"].as_str().unwrap()).unwrap();
    (answer["ceremony"].as_str().unwrap().to_owned(), options)
}

#[tokio::test]
async fn adding_a_passkey_asks_for_its_name_and_the_right_current_password() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;

    let empty = app
        .post_form(
            "/api/settings/passkeys/begin",
            &[("passkey_name", " "), ("current_password", "")],
        )
        .await;
    let error = error_json(empty).await;
    assert_eq!(
        problem_of(&error, "passkey_name").as_deref(),
        Some("required")
    );
    assert_eq!(
        problem_of(&error, "current_password").as_deref(),
        Some("required")
    );
    let long = "К".repeat(61);
    let too_long = app
        .post_form(
            "/api/settings/passkeys/begin",
            &[
                ("passkey_name", &long),
                ("current_password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        problem(too_long, "passkey_name").await.as_deref(),
        Some("too_long")
    );
    let wrong = app
        .post_form(
            "/api/settings/passkeys/begin",
            &[("passkey_name", "Телефон"), ("current_password", "not-it")],
        )
        .await;
    assert_eq!(
        problem(wrong, "current_password").await.as_deref(),
        Some("password_wrong")
    );
    assert!(app
        .audit_actions()
        .await
        .contains(&"sign_in_failed".to_owned()));

    // Removing one names both of its fields when they are empty.
    let empty = app
        .post_form(
            "/api/settings/passkeys/remove",
            &[("passkey", ""), ("current_password", "")],
        )
        .await;
    let error = error_json(empty).await;
    assert_eq!(problem_of(&error, "passkey").as_deref(), Some("required"));
    assert_eq!(
        problem_of(&error, "current_password").as_deref(),
        Some("required")
    );
}

#[tokio::test]
async fn a_challenge_names_the_cabinet_as_localhost_and_asks_for_a_discoverable_key_to_sign_in_alone(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;

    let (_, options) = begin(&app, false).await;
    let key = &options["publicKey"];
    // The test server is at 127.0.0.1, where browsers refuse passkeys.
    assert_eq!(key["rp"]["id"], "localhost");
    assert_eq!(key["user"]["name"], demo::PATIENT_LOGIN);
    assert_eq!(
        key["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(key["authenticatorSelection"]["residentKey"], "preferred");
    assert!(key["challenge"].as_str().unwrap().len() >= 43);

    let (_, alone) = begin(&app, true).await;
    let alone = &alone["publicKey"];
    assert_eq!(alone["authenticatorSelection"]["residentKey"], "required");
    // The same handle for all of one patient's keys, never their login.
    assert_ne!(alone["user"]["id"], demo::PATIENT_LOGIN);
    assert_ne!(alone["challenge"], key["challenge"]);
}

#[tokio::test]
async fn a_device_answer_that_does_not_check_out_keeps_no_key_and_spends_its_challenge() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (ceremony, _) = begin(&app, false).await;

    let forged = app
        .post_form(
            "/api/settings/passkeys/add",
            &[("ceremony", &ceremony), ("credential", "{\"id\":\"x\"}")],
        )
        .await;
    assert_eq!(
        problem(forged, "form").await.as_deref(),
        Some("passkey_not_accepted")
    );
    let again = app
        .post_form(
            "/api/settings/passkeys/add",
            &[("ceremony", &ceremony), ("credential", "{}")],
        )
        .await;
    assert_eq!(
        problem(again, "form").await.as_deref(),
        Some("passkey_expired")
    );
    let state = json(app.post_form("/api/settings/passkeys", &[]).await).await;
    assert_eq!(state["keys"], serde_json::json!([]));
    assert_eq!(state["available"], true);
    assert!(!app
        .audit_actions()
        .await
        .contains(&"passkey_added".to_owned()));

    // Nor can another patient answer this patient's challenge.
    let (ceremony, _) = begin(&app, false).await;
    let other = app.second_patient().await;
    let theirs = app
        .post_form_as(
            &other,
            "/api/settings/passkeys/add",
            &[("ceremony", &ceremony), ("credential", "{}")],
        )
        .await;
    assert_eq!(
        problem(theirs, "form").await.as_deref(),
        Some("passkey_expired")
    );
}

#[tokio::test]
async fn a_sign_in_with_a_passkey_alone_refuses_a_key_the_cabinet_does_not_keep() {
    let app = spawn_demo_app().await;
    let browser = new_client();
    let begun = json(
        app.post_form_as(&browser, "/api/sign_in/passkey/begin", &[])
            .await,
    )
    .await;
    let options: serde_json::Value =
        serde_json::from_str(begun["options"].as_str().unwrap()).unwrap();
    assert_eq!(options["publicKey"]["rpId"], "localhost");
    assert!(options.get("mediation").is_none());
    let ceremony = begun["ceremony"].as_str().unwrap();

    // Well-formed, from a key nobody added: its user handle is nobody's.
    let unknown = serde_json::json!({
        "id": "AAECAw",
        "rawId": "AAECAw",
        "type": "public-key",
        "response": {
            "authenticatorData": "AAAA",
            "clientDataJSON": "AAAA",
            "signature": "AAAA",
            "userHandle": "3q2-7-_erb7erb7erb7erQ"
        },
        "extensions": {}
    });
    let credential = unknown.to_string();
    let refused = answer(&app, &browser, ceremony, &credential).await;
    assert_eq!(
        problem(refused, "form").await.as_deref(),
        Some("passkey_unknown")
    );
    let spent = answer(&app, &browser, ceremony, &credential).await;
    assert_eq!(
        problem(spent, "form").await.as_deref(),
        Some("passkey_expired")
    );
    assert!(!signed_in(&app, &browser).await);
}

#[tokio::test]
async fn the_second_step_s_passkey_challenge_needs_the_password_first() {
    let app = spawn_demo_app().await;
    let browser = new_client();
    let refused = app
        .post_form_as(&browser, "/api/sign_in/code/passkey", &[])
        .await;
    assert_eq!(
        problem(refused, "form").await.as_deref(),
        Some("second_step_expired")
    );
}

/// A passkey made in software, as a phone's built-in authenticator makes
/// one: a P-256 key pair, a credential id, the user handle it was given,
/// and its signature counter. It answers the server's challenges with the
/// browser's JSON, for the origin the relying party names.
mod soft_key {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use crypto_glue::ecdsa_p256::{new_key, EcdsaP256Signature, EcdsaP256SigningKey};
    use crypto_glue::s256::Sha256;
    use crypto_glue::traits::{Digest, Signer, ToSec1Point};
    use serde_json::{json, Value};

    pub struct SoftKey {
        signing: EcdsaP256SigningKey,
        pub id: Vec<u8>,
        user_handle: Vec<u8>,
        counter: u32,
        origin: String,
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// CBOR (RFC 8949): a head of `major` type with `value`.
    fn head(out: &mut Vec<u8>, major: u8, value: u64) {
        let major = major << 5;
        match value {
            0..=23 => out.push(major | value as u8),
            24..=0xff => out.extend([major | 24, value as u8]),
            _ => {
                out.push(major | 25);
                out.extend((value as u16).to_be_bytes());
            }
        }
    }
    fn int(out: &mut Vec<u8>, value: i64) {
        if value >= 0 {
            head(out, 0, value as u64);
        } else {
            head(out, 1, (-1 - value) as u64);
        }
    }
    fn bytes(out: &mut Vec<u8>, value: &[u8]) {
        head(out, 2, value.len() as u64);
        out.extend(value);
    }
    fn text(out: &mut Vec<u8>, value: &str) {
        head(out, 3, value.len() as u64);
        out.extend(value.as_bytes());
    }

    fn client_data(kind: &str, challenge: &Value, origin: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    fn rp_hash(rp_id: &str) -> Vec<u8> {
        Sha256::digest(rp_id.as_bytes()).to_vec()
    }

    impl SoftKey {
        /// Makes a key for the challenge of «Добавить ключ» (`options`, as
        /// the server sent them) on a page at `origin`; the answer the
        /// browser would send.
        pub fn make(options: &Value, origin: &str) -> (SoftKey, String) {
            let options = &options["publicKey"];
            let secret = new_key();
            let point = secret.public_key().to_sec1_point(false);
            let key = SoftKey {
                signing: EcdsaP256SigningKey::from(&secret),
                // As random as the key: its public x coordinate.
                id: point.x().unwrap().to_vec(),
                user_handle: URL_SAFE_NO_PAD
                    .decode(options["user"]["id"].as_str().unwrap())
                    .unwrap(),
                counter: 0,
                origin: origin.to_owned(),
            };
            let mut cose = Vec::new();
            head(&mut cose, 5, 5);
            int(&mut cose, 1);
            int(&mut cose, 2); // kty: EC2
            int(&mut cose, 3);
            int(&mut cose, -7); // alg: ES256
            int(&mut cose, -1);
            int(&mut cose, 1); // crv: P-256
            int(&mut cose, -2);
            bytes(&mut cose, point.x().unwrap());
            int(&mut cose, -3);
            bytes(&mut cose, point.y().unwrap());
            let mut data = rp_hash(options["rp"]["id"].as_str().unwrap());
            data.push(0x45); // user present, user verified, attested credential
            data.extend(0u32.to_be_bytes());
            data.extend([0u8; 16]);
            data.extend((key.id.len() as u16).to_be_bytes());
            data.extend(&key.id);
            data.extend(cose);
            let mut attestation = Vec::new();
            head(&mut attestation, 5, 3);
            text(&mut attestation, "fmt");
            text(&mut attestation, "none");
            text(&mut attestation, "attStmt");
            head(&mut attestation, 5, 0);
            text(&mut attestation, "authData");
            bytes(&mut attestation, &data);
            let answer = json!({
                "id": b64(&key.id),
                "rawId": b64(&key.id),
                "type": "public-key",
                "response": {
                    "attestationObject": b64(&attestation),
                    "clientDataJSON": b64(&client_data("webauthn.create", &options["challenge"], origin)),
                    "transports": ["internal"],
                },
                "extensions": {},
            });
            (key, answer.to_string())
        }

        /// Signs a sign-in's challenge (`options`, as the server sent them)
        /// with `with` — this key's own signing key unless a forger's.
        pub fn sign_with(&mut self, options: &Value, with: &EcdsaP256SigningKey) -> String {
            let options = &options["publicKey"];
            self.counter += 1;
            let mut data = rp_hash(options["rpId"].as_str().unwrap());
            data.push(0x05); // user present, user verified
            data.extend(self.counter.to_be_bytes());
            let client = client_data("webauthn.get", &options["challenge"], &self.origin);
            let mut signed = data.clone();
            signed.extend(Sha256::digest(&client));
            let signature: EcdsaP256Signature = with.sign(&signed);
            json!({
                "id": b64(&self.id),
                "rawId": b64(&self.id),
                "type": "public-key",
                "response": {
                    "authenticatorData": b64(&data),
                    "clientDataJSON": b64(&client),
                    "signature": b64(&signature.to_der().to_bytes()),
                    "userHandle": b64(&self.user_handle),
                },
                "extensions": {},
            })
            .to_string()
        }

        pub fn sign(&mut self, options: &Value) -> String {
            let signing = self.signing.clone();
            self.sign_with(options, &signing)
        }

        /// Another key's signature over this key's id: a forgery.
        pub fn forge(&mut self, options: &Value) -> String {
            let forger = EcdsaP256SigningKey::from(&new_key());
            self.sign_with(options, &forger)
        }
    }
}

use soft_key::SoftKey;

/// The origin a browser shows the test server under (it refuses passkeys
/// at 127.0.0.1).
fn origin(app: &TestApp) -> String {
    app.address.replace("127.0.0.1", "localhost")
}

/// Adds a software passkey for the signed-in demo patient.
async fn add_key(app: &TestApp, alone: bool) -> SoftKey {
    let (ceremony, options) = begin(app, alone).await;
    let (key, answer) = SoftKey::make(&options, &origin(app));
    let added = app
        .post_form(
            "/api/settings/passkeys/add",
            &[("ceremony", &ceremony), ("credential", &answer)],
        )
        .await;
    assert_eq!(
        added.status(),
        StatusCode::OK,
        "{}",
        added.text().await.unwrap()
    );
    key
}

/// A challenge on `client`'s sign-in page (`path`): the token and options.
async fn challenge(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (String, serde_json::Value) {
    let answer = json(app.post_form_as(client, path, &[]).await).await;
    let options = serde_json::from_str(answer["options"].as_str().unwrap()).unwrap();
    (answer["ceremony"].as_str().unwrap().to_owned(), options)
}

async fn answer(
    app: &TestApp,
    client: &reqwest::Client,
    ceremony: &str,
    credential: &str,
) -> reqwest::Response {
    app.post_form_as(
        client,
        "/api/sign_in/passkey",
        &[("ceremony", ceremony), ("credential", credential)],
    )
    .await
}

#[tokio::test]
async fn a_passkey_added_in_settings_is_mailed_and_confirms_the_password_s_sign_in() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let mut key = add_key(&app, false).await;

    let state = json(app.post_form("/api/settings/passkeys", &[]).await).await;
    assert_eq!(state["keys"][0]["name"], "Телефон");
    assert_eq!(state["keys"][0]["signs_in_alone"], false);
    assert!(app
        .outbox()
        .await
        .iter()
        .any(|mail| mail.text_body.contains("добавлен ключ доступа «Телефон»")));
    assert!(app
        .audit_actions()
        .await
        .contains(&"passkey_added".to_owned()));

    // The password alone now leads to the second step.
    let browser = new_client();
    assert_eq!(password_step(&app, &browser).await, "/login/code");
    assert!(!signed_in(&app, &browser).await);
    let (ceremony, options) = challenge(&app, &browser, "/api/sign_in/code/passkey").await;
    let allowed = options["publicKey"]["allowCredentials"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    let signed = key.sign(&options);
    assert_eq!(
        json(answer(&app, &browser, &ceremony, &signed).await).await,
        "/"
    );
    assert!(signed_in(&app, &browser).await);
    // The same answer again is refused: its challenge is spent.
    assert_eq!(
        problem(answer(&app, &browser, &ceremony, &signed).await, "form")
            .await
            .as_deref(),
        Some("passkey_expired")
    );
    let state = json(app.post_form("/api/settings/passkeys", &[]).await).await;
    assert_ne!(state["keys"][0]["last_used"], "");

    // Removed with the password, the password alone signs in again.
    let id = state["keys"][0]["id"].to_string();
    let removed = app
        .post_form(
            "/api/settings/passkeys/remove",
            &[
                ("passkey", &id),
                ("current_password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert!(app
        .outbox()
        .await
        .iter()
        .any(|mail| mail.text_body.contains("удалён ключ доступа «Телефон»")));
    let later = new_client();
    assert_eq!(password_step(&app, &later).await, "/");

    // Both changes are in the patient's «Журнал доступа», by the key's name.
    let log = json(app.post_form_as(&later, "/api/access-log", &[]).await).await;
    let named = |what: &str| {
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"] == what && e["subject"] == "Телефон")
    };
    assert!(named("PasskeyAdded"));
    assert!(named("PasskeyRemoved"));
}

#[tokio::test]
async fn refused_passkey_signatures_count_toward_the_login_s_lockout() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let mut key = add_key(&app, false).await;

    // The password, then forged signatures: with the password's own
    // attempt, the fifth failure locks the login.
    let browser = new_client();
    password_step(&app, &browser).await;
    for _ in 0..4 {
        let (ceremony, options) = challenge(&app, &browser, "/api/sign_in/code/passkey").await;
        let forged = key.forge(&options);
        assert_eq!(
            problem(answer(&app, &browser, &ceremony, &forged).await, "form")
                .await
                .as_deref(),
            Some("passkey_not_accepted")
        );
    }
    let (ceremony, options) = challenge(&app, &browser, "/api/sign_in/code/passkey").await;
    let right = key.sign(&options);
    let locked = answer(&app, &browser, &ceremony, &right).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!signed_in(&app, &browser).await);
    let failed = app
        .audit_actions()
        .await
        .iter()
        .filter(|action| *action == "passkey_refused")
        .count();
    assert_eq!(failed, 4);
}

#[tokio::test]
async fn a_passkey_allowed_alone_signs_in_without_the_password_and_one_not_allowed_does_not() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let mut alone = add_key(&app, true).await;

    let browser = new_client();
    let (ceremony, options) = challenge(&app, &browser, "/api/sign_in/passkey/begin").await;
    let signed = alone.sign(&options);
    assert_eq!(
        json(answer(&app, &browser, &ceremony, &signed).await).await,
        "/"
    );
    assert!(signed_in(&app, &browser).await);
    assert!(app.audit_actions().await.contains(&"signed_in".to_owned()));

    // A forged signature under the key's id is a failed attempt at the
    // patient's login.
    let stranger = new_client();
    let (ceremony, options) = challenge(&app, &stranger, "/api/sign_in/passkey/begin").await;
    let forged = alone.forge(&options);
    assert_eq!(
        problem(answer(&app, &stranger, &ceremony, &forged).await, "form")
            .await
            .as_deref(),
        Some("passkey_not_accepted")
    );
    assert!(!signed_in(&app, &stranger).await);
    assert!(app
        .audit_actions()
        .await
        .contains(&"passkey_refused".to_owned()));

    // A second patient's key, not allowed alone, only confirms a password.
    let other = app.second_patient().await;
    let (ceremony, options) = {
        let answer = json(
            app.post_form_as(
                &other,
                "/api/settings/passkeys/begin",
                &[
                    ("passkey_name", "Планшет"),
                    ("current_password", "second-patient-pass-2026"),
                ],
            )
            .await,
        )
        .await;
        (
            answer["ceremony"].as_str().unwrap().to_owned(),
            serde_json::from_str::<serde_json::Value>(answer["options"].as_str().unwrap()).unwrap(),
        )
    };
    let (mut theirs, made) = SoftKey::make(&options, &origin(&app));
    let added = app
        .post_form_as(
            &other,
            "/api/settings/passkeys/add",
            &[("ceremony", &ceremony), ("credential", &made)],
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let browser = new_client();
    let (ceremony, options) = challenge(&app, &browser, "/api/sign_in/passkey/begin").await;
    let signed = theirs.sign(&options);
    assert_eq!(
        problem(answer(&app, &browser, &ceremony, &signed).await, "form")
            .await
            .as_deref(),
        Some("passkey_not_alone")
    );
    assert!(!signed_in(&app, &browser).await);
}

#[tokio::test]
async fn reception_removes_the_passkeys_of_a_patient_who_lost_the_device_and_password_recovery_does_not(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    add_key(&app, true).await;

    // A new password by e-mailed code leaves the key: the password still
    // leads to the second step.
    crate::recovery::request_code(&app, demo::PATIENT_LOGIN).await;
    let code = crate::recovery::latest_code(&app).await;
    let reset = crate::recovery::reset(&app, &code, crate::recovery::NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::OK);
    let browser = new_client();
    assert_eq!(
        password_step_with(&app, &browser, crate::recovery::NEW_PASSWORD).await,
        "/login/code"
    );

    // Reception, having checked the patient's identity, removes them.
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let before = app.outbox().await.len();
    let done = app
        .post_form_as(
            &reception,
            "/api/admin/patients/second-factor/remove",
            &[("mis_patient_id", "MIS-100001"), ("identity_checked", "on")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(app.outbox().await[before..]
        .iter()
        .any(|m| m.text_body.contains("удалила ключи доступа")));
    let later = new_client();
    assert_eq!(
        password_step_with(&app, &later, crate::recovery::NEW_PASSWORD).await,
        "/"
    );
    let state = json(
        app.post_form_as(&later, "/api/settings/passkeys", &[])
            .await,
    )
    .await;
    assert_eq!(state["keys"], serde_json::json!([]));
    let log = json(app.post_form_as(&later, "/api/access-log", &[]).await).await;
    assert!(log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["what"] == "PasskeyRemoved" && e["who"]["Staff"].is_object()));
}
