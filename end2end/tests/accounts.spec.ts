import { expect, test } from "@playwright/test";
import { DEMO, hydrated, mailTo, open, signIn } from "./helpers";

test("a wrong password is named on the form and the typed login stays", async ({ page }) => {
  await open(page, "/login");
  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill("not the right password");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Неверный логин или пароль.");
  await expect(page.getByLabel("Логин")).toHaveValue(DEMO.login);
  await expect(page).toHaveURL("/login");
});

test("the demo patient signs in, is greeted by name, and signs out for good", async ({ page }) => {
  await open(page, "/");
  await expect(page).toHaveURL("/login");
  await signIn(page);
  await expect(page.getByText(DEMO.addressAs, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");
  await open(page, "/settings");
  await expect(page).toHaveURL("/login");
});

test("reception opens a cabinet; the patient activates, registers, signs in and out, recovers the password by the mailed code and signs in with it", async ({ page, browser }) => {
  test.setTimeout(120_000); // the whole story, with mail delivery twice
  const login = "maria.k";
  const password = "утренний кофе с корицей";
  const recoveryEmail = "maria.k@example.ru";

  // Reception, in its own browser.
  const desk = await (await browser.newContext()).newPage();
  await open(desk, "/admin/login");
  await expect(desk.getByRole("heading", { level: 1 })).toHaveText("Вход для сотрудников");
  await desk.getByLabel("Логин").fill("reception");
  await desk.getByLabel("Пароль").fill("demo-reception-pass-2026");
  await desk.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(desk).toHaveURL("/admin");
  await hydrated(desk);
  await desk.getByRole("link", { name: "Открыть Личный кабинет" }).click();
  await expect(desk).toHaveURL("/admin/cabinets/new");
  await desk.getByLabel("ФИО пациента").fill("Кузнецова Мария Ивановна");
  await desk.getByLabel("Дата рождения").fill("1990-05-20");
  await desk.getByLabel("Номер пациента в МИС").fill("MIS-300001");
  await desk.getByLabel("Номер договора").fill("ДС-2026-0300");
  await desk.getByLabel("Дата договора").fill("2026-11-26");
  await desk.getByLabel("E-mail для документов").fill("maria.docs@example.ru");
  await desk.getByLabel("Телефон для SMS").fill("12345");
  await desk.getByRole("button", { name: "Выдать временные логин и пароль" }).click();
  await expect(desk.getByText("Проверьте номер")).toBeVisible();
  await expect(desk.getByLabel("ФИО пациента")).toHaveValue("Кузнецова Мария Ивановна");
  await desk.getByLabel("Телефон для SMS").fill("8 (926) 555-01-02");
  await desk.getByRole("button", { name: "Выдать временные логин и пароль" }).click();
  const credentials = desk.locator("code.credential");
  await expect(credentials).toHaveCount(2);
  // The slip is filled in by the form's island from the answer.
  await expect(desk.getByRole("heading", { name: /Временные логин и пароль/ })).toBeVisible();
  await expect(credentials.first()).toHaveText(/\S/);
  await expect(credentials.last()).toHaveText(/\S/);
  const [temporaryLogin, temporaryPassword] = await credentials.allTextContents();
  await desk.context().close();

  // The patient, at home, with the printed slip.
  await open(page, "/login");
  await page.getByRole("link", { name: "Активировать Личный кабинет" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Активация Личного кабинета");
  // The second step is shown by the page's script: wait for it.
  await hydrated(page);
  await page.getByLabel("Временный логин").fill(temporaryLogin);
  await page.getByLabel("Временный пароль").fill(temporaryPassword);
  await page.getByRole("button", { name: "Активировать Личный кабинет" }).click();

  // The registration form, shown in place, the recovery e-mail prefilled from the agreement.
  await expect(page).toHaveURL("/activate");
  await expect(page.getByLabel("Ваш логин")).toBeVisible();
  await expect(page.getByLabel("E-mail для восстановления пароля", { exact: true })).toHaveValue("maria.docs@example.ru");
  await page.getByLabel("Ваш логин").fill(login);
  await page.getByLabel("Ваш пароль").fill("short");
  await page.getByLabel("Пароль ещё раз").fill("short");
  await page.getByLabel("E-mail для восстановления пароля", { exact: true }).fill(recoveryEmail);
  await page.getByLabel("Как к Вам обращаться").fill("Мария Ивановна");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  // The rule is named at its field; everything typed is still there.
  await expect(page.getByText("Пароль слишком короткий")).toBeVisible();
  await expect(page.getByLabel("Ваш пароль")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Ваш логин")).toHaveValue(login);
  await expect(page.getByLabel("Как к Вам обращаться")).toHaveValue("Мария Ивановна");

  await page.getByLabel("Ваш пароль").fill(password);
  await page.getByLabel("Пароль ещё раз").fill(password);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByText("Личный кабинет активирован")).toBeVisible();
  const welcome = await mailTo(recoveryEmail, /активирован/);
  expect(welcome.text).toContain(login);

  await page.getByRole("link", { name: "Войти" }).click();
  await signIn(page, login, password);
  await expect(page.getByText("Мария Ивановна", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");

  // The temporary credentials are dead now.
  await open(page, "/activate");
  await page.getByLabel("Временный логин").fill(temporaryLogin);
  await page.getByLabel("Временный пароль").fill(temporaryPassword);
  await page.getByRole("button", { name: "Активировать Личный кабинет" }).click();
  await expect(page.getByRole("alert")).toContainText("Неверные временные логин или пароль");

  // Forgot the password: the code comes by mail.
  await open(page, "/login");
  await page.getByRole("link", { name: "Забыли пароль?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Восстановление пароля");
  await hydrated(page);
  await page.getByLabel("Логин").fill(login);
  await page.getByRole("button", { name: "Восстановить пароль" }).click();
  await expect(page.getByText("мы отправили код")).toBeVisible();
  const mail = await mailTo(recoveryEmail, /восстановления пароля/);
  const code = mail.text.match(/\b\d{6}\b/)?.[0];
  expect(code, mail.text).toBeTruthy();

  const newPassword = "вечерний чай с мятой и мёдом";
  await page.getByLabel("Код из письма").fill(code as string);
  await page.getByLabel("Новый пароль").fill(newPassword);
  await page.getByLabel("Пароль ещё раз").fill(newPassword);
  await page.getByRole("button", { name: "Сохранить новый пароль" }).click();
  await expect(page.getByText("Пароль изменён")).toBeVisible();
  await mailTo(recoveryEmail, /Пароль восстановлен/);

  await open(page, "/login");
  await page.getByLabel("Логин").fill(login);
  await page.getByLabel("Пароль").fill(password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Неверный логин или пароль.");
  await signIn(page, login, newPassword);
  await expect(page.getByText("Мария Ивановна", { exact: true })).toBeVisible();
});

test("pages run under the nonce CSP without a single violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page);
  await open(page, "/booking");
  await open(page, "/login");
  expect(violations).toEqual([]);
});
