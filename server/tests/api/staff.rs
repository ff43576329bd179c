//! Staff accounts: their own sign-in and sessions, roles, reception opening
//! cabinets, and admins managing staff.

use crate::helpers::{bare_client, error_json, problem_of, set_cookie, spawn_demo_app, TestApp};
use app::db::audit;
use reqwest::StatusCode;
use server::demo;

async fn staff_sign_in(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/admin/sign_in",
        &[("login", login), ("password", password)],
    )
    .await
}

async fn signed_in_staff(login: &str, password: &str) -> TestApp {
    let app = spawn_demo_app().await;
    let response = staff_sign_in(&app, login, password).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    app
}

fn cabinet_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("full_name", "Кузнецова Мария Ивановна"),
        ("birth_date", "1990-05-20"),
        ("mis_patient_id", "MIS-200001"),
        ("agreement_number", "ДС-2026-0100"),
        ("agreement_date", "2026-11-26"),
        ("agreement_email", "maria@example.ru"),
        ("sms_phone", "8 (926) 555-01-02"),
    ];
    for (name, value) in changes {
        form.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    form
}

async fn open_cabinet(app: &TestApp, changes: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/api/admin/cabinets/open", &cabinet_form(changes))
        .await
}

#[tokio::test]
async fn staff_sign_in_with_their_own_cookie_and_reach_the_admin_module() {
    let app = spawn_demo_app().await;
    let response = staff_sign_in(&app, demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response, "cabinet-staff").expect("the staff cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(
        set_cookie(&response, "cabinet").is_none(),
        "no patient cookie"
    );
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    // Not a patient: the cabinet's pages still ask for a patient's sign-in.
    assert_eq!(app.get("/").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn without_a_staff_session_the_admin_module_sends_to_its_sign_in() {
    let app = spawn_demo_app().await;
    let response = app.get("/admin/staff").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/admin/login");
    assert_eq!(app.get("/admin/login").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_patient_session_never_calls_a_staff_function_and_the_reverse() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let as_patient = open_cabinet(&app, &[]).await;
    assert_eq!(as_patient.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.post_form("/api/admin/staff/list", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let staff = signed_in_staff(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD).await;
    assert_eq!(
        staff.post_form("/api/settings/account", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_wrong_staff_password_and_an_unknown_login_get_the_same_answer() {
    let app = spawn_demo_app().await;
    let wrong = staff_sign_in(&app, demo::ADMIN_LOGIN, "not the admin password").await;
    let unknown = staff_sign_in(&app, "nobody-staff", "not the admin password").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
    // The patient's password does not open the admin module.
    let patient = staff_sign_in(&app, demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD).await;
    assert_eq!(patient.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reception_opens_a_cabinet_and_the_printed_credentials_activate_it() {
    let app = signed_in_staff(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD).await;
    let response = open_cabinet(&app, &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let issued: serde_json::Value = response.json().await.unwrap();
    let login = issued["login"].as_str().unwrap().to_owned();
    let password = issued["password"].as_str().unwrap().to_owned();
    assert!(login.starts_with("t-"));
    assert!(password.chars().count() >= 15);
    assert_eq!(
        issued["valid_until"], "26.12.2026 12:00",
        "30 days, in the clinic's time"
    );

    let patient = bare_client();
    let check = patient
        .post(format!("{}/api/activation/check", app.address))
        .header("origin", &app.address)
        .form(&[
            ("temporary_login", login.as_str()),
            ("temporary_password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), StatusCode::OK);
    let start: serde_json::Value = check.json().await.unwrap();
    assert_eq!(start["agreement_email"], "maria@example.ru");

    let rows = audit::all(&app.db).await.unwrap();
    let issued_row = rows
        .iter()
        .find(|r| r.action == "temporary_credentials_issued")
        .unwrap();
    assert!(issued_row.actor_staff_id.is_some() && issued_row.patient_id.is_some());

    // Issuing again: new credentials, the old ones dead.
    let again = open_cabinet(&app, &[]).await;
    assert_eq!(again.status(), StatusCode::OK);
    let old = patient
        .post(format!("{}/api/activation/check", app.address))
        .header("origin", &app.address)
        .form(&[
            ("temporary_login", login.as_str()),
            ("temporary_password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_reception_form_names_each_mistake_at_its_field_and_writes_nothing() {
    let app = signed_in_staff(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD).await;
    let cases: [(&str, &str, &str); 6] = [
        ("full_name", " ", "required"),
        ("birth_date", "2030-01-01", "birth_date_out_of_range"),
        ("mis_patient_id", "MIS 1", "mis_id_characters"),
        ("agreement_date", "31.02.2026", "date_invalid"),
        ("agreement_email", "maria@", "email_invalid"),
        ("sms_phone", "12345", "phone_invalid"),
    ];
    for (field, value, problem) in cases {
        let response = open_cabinet(&app, &[(field, value)]).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        assert_eq!(
            problem_of(&error_json(response).await, field).as_deref(),
            Some(problem),
            "{field}"
        );
    }
    // The MIS id of another person, and a patient who already has a cabinet.
    let other = open_cabinet(&app, &[("mis_patient_id", "MIS-100001")]).await;
    assert_eq!(
        problem_of(&error_json(other).await, "mis_patient_id").as_deref(),
        Some("mis_id_other_patient")
    );
    let existing = open_cabinet(
        &app,
        &[
            ("mis_patient_id", "MIS-100001"),
            ("full_name", "Смирнова Анна Сергеевна"),
            ("birth_date", "1984-03-12"),
        ],
    )
    .await;
    assert_eq!(
        problem_of(&error_json(existing).await, "form").as_deref(),
        Some("cabinet_exists")
    );
    let taken = open_cabinet(&app, &[("agreement_number", "ДС-2026-0001")]).await;
    assert_eq!(
        problem_of(&error_json(taken).await, "agreement_number").as_deref(),
        Some("agreement_number_taken")
    );
    assert_eq!(
        app::db::patients::count(&app.db).await.unwrap(),
        2,
        "no patient was added"
    );
}

#[tokio::test]
async fn each_role_reaches_only_its_own_functions() {
    let reception = signed_in_staff(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD).await;
    assert_eq!(
        reception
            .post_form("/api/admin/staff/list", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let operator = signed_in_staff(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD).await;
    assert_eq!(
        open_cabinet(&operator, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = signed_in_staff(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD).await;
    assert_eq!(
        open_cabinet(&admin, &[]).await.status(),
        StatusCode::OK,
        "an admin holds every role"
    );
}

#[tokio::test]
async fn an_admin_creates_staff_sets_roles_and_disabling_ends_their_session_at_once() {
    let admin = signed_in_staff(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD).await;
    let password = "первый пароль сотрудника";
    let no_role = admin
        .post_form(
            "/api/admin/staff/create",
            &[
                ("login", "radiology.op"),
                ("full_name", "Иванов Пётр"),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(no_role).await, "roles").as_deref(),
        Some("role_required")
    );
    let created = admin
        .post_form(
            "/api/admin/staff/create",
            &[
                ("login", "radiology.op"),
                ("full_name", "Иванов Пётр"),
                ("password", password),
                ("roles[operator]", "on"),
                ("departments[radiology]", "on"),
            ],
        )
        .await;
    assert_eq!(
        created.status(),
        StatusCode::OK,
        "{}",
        created.text().await.unwrap()
    );
    let taken = admin
        .post_form(
            "/api/admin/staff/create",
            &[
                ("login", "RADIOLOGY.OP"),
                ("full_name", "Другой"),
                ("password", password),
                ("roles[operator]", "on"),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(taken).await, "login").as_deref(),
        Some("login_taken")
    );

    let list: serde_json::Value = admin
        .post_form("/api/admin/staff/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let member = list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login"] == "radiology.op")
        .unwrap()
        .clone();
    assert_eq!(member["roles"], serde_json::json!(["operator"]));
    assert_eq!(member["departments"], serde_json::json!(["radiology"]));
    let id = member["id"].to_string();

    // The new member signs in elsewhere.
    let response = bare_client()
        .post(format!("{}/api/admin/sign_in", admin.address))
        .header("origin", &admin.address)
        .form(&[("login", "radiology.op"), ("password", password)])
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&response, "cabinet-staff")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = |cookie: String| {
        let address = admin.address.clone();
        async move {
            bare_client()
                .get(format!("{address}/admin"))
                .header("accept", "text/html")
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(page(cookie.clone()).await, StatusCode::OK);

    let updated = admin
        .post_form(
            "/api/admin/staff/update",
            &[("staff_id", &id), ("roles[reception]", "on")],
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    let disabled = admin
        .post_form("/api/admin/staff/disable", &[("staff_id", &id)])
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(
        page(cookie).await,
        StatusCode::FOUND,
        "the session ended with the account"
    );
    let again = staff_sign_in(&admin, "radiology.op", password).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let admin = signed_in_staff(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD).await;
    let list: serde_json::Value = admin
        .post_form("/api/admin/staff/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let me = list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login"] == "admin")
        .unwrap()["id"]
        .to_string();
    let demote = admin
        .post_form(
            "/api/admin/staff/update",
            &[("staff_id", &me), ("roles[reception]", "on")],
        )
        .await;
    assert_eq!(demote.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let disable = admin
        .post_form("/api/admin/staff/disable", &[("staff_id", &me)])
        .await;
    assert_eq!(disable.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_disabling_a_patients_cabinet_ends_its_sessions_on_the_server() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    let admin = bare_client();
    let signed = admin
        .post(format!("{}/api/admin/sign_in", app.address))
        .header("origin", &app.address)
        .form(&[
            ("login", demo::ADMIN_LOGIN),
            ("password", demo::ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&signed, "cabinet-staff")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let disable = |mis: &'static str| {
        admin
            .post(format!("{}/api/admin/patients/disable", app.address))
            .header("origin", &app.address)
            .header("cookie", &cookie)
            .form(&[("mis_patient_id", mis)])
            .send()
    };
    let unknown = disable("MIS-999999").await.unwrap();
    assert_eq!(
        problem_of(&error_json(unknown).await, "mis_patient_id").as_deref(),
        Some("no_cabinet")
    );
    assert_eq!(
        disable("MIS-100001").await.unwrap().status(),
        StatusCode::OK
    );

    assert_eq!(
        app.get("/").await.status(),
        StatusCode::FOUND,
        "the patient's session is over"
    );
    let again = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app
        .audit_actions()
        .await
        .contains(&"cabinet_disabled".to_owned()));
    // Reception may not do it.
    let reception = signed_in_staff(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD).await;
    let refused = reception
        .post_form(
            "/api/admin/patients/disable",
            &[("mis_patient_id", "MIS-100002")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_staff_hash_with_older_parameters_is_replaced_at_sign_in() {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let app = spawn_demo_app().await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(
        demo::ADMIN_PASSWORD.as_bytes(),
        &SaltString::generate(&mut OsRng),
    )
    .unwrap()
    .to_string();
    app::db::with_db!(&app.db, pool => {
        sqlx::query("UPDATE staff_accounts SET password_hash = $1 WHERE login = 'admin'")
            .bind(&weak)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .unwrap();
    assert_eq!(
        staff_sign_in(&app, demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let hash = app::db::staff::credentials(&app.db, demo::ADMIN_LOGIN)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}
