import { expect, test } from "@playwright/test";
import { DEMO, mailTo, open, signIn } from "./helpers";

test("a wrong password is named on the form and the typed login stays", async ({ page }) => {
  await open(page, "/login");
  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill("not the right password");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByRole("alert")).toHaveText("Неверный логин или пароль.");
  await expect(page.getByLabel("Логин")).toHaveValue(DEMO.login);
  await expect(page).toHaveURL("/login");
});

test("the demo patient signs in, is greeted by name, and signs out for good", async ({ page }) => {
  await open(page, "/");
  await expect(page).toHaveURL("/login");
  await signIn(page);
  await expect(page.getByText(DEMO.addressAs)).toBeVisible();
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");
  await open(page, "/settings");
  await expect(page).toHaveURL("/login");
});

test("activation, registration, sign-in, sign-out, recovery by the mailed code, sign-in with the new password", async ({ page }) => {
  const login = "igor.petrov";
  const password = "утренний кофе с корицей";
  const recoveryEmail = "igor.petrov@example.ru";

  await open(page, "/login");
  await page.getByRole("link", { name: "Активировать Личный кабинет" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Активация Личного кабинета");
  await page.getByLabel("Временный логин").fill(DEMO.temporaryLogin);
  await page.getByLabel("Временный пароль").fill(DEMO.temporaryPassword);
  await page.getByRole("button", { name: "Активировать Личный кабинет" }).click();

  // The registration form, the recovery e-mail prefilled from the agreement.
  await expect(page.getByLabel("E-mail для восстановления пароля", { exact: true })).toHaveValue("i.petrov@example.ru");
  await page.getByLabel("Ваш логин").fill(login);
  await page.getByLabel("Ваш пароль").fill("short");
  await page.getByLabel("Пароль ещё раз").fill("short");
  await page.getByLabel("E-mail для восстановления пароля", { exact: true }).fill(recoveryEmail);
  await page.getByLabel("Как к Вам обращаться").fill("Игорь Николаевич");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  // The rule is named at its field; everything typed is still there.
  await expect(page.getByText("Пароль слишком короткий")).toBeVisible();
  await expect(page.getByLabel("Ваш пароль")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Ваш логин")).toHaveValue(login);
  await expect(page.getByLabel("Как к Вам обращаться")).toHaveValue("Игорь Николаевич");

  await page.getByLabel("Ваш пароль").fill(password);
  await page.getByLabel("Пароль ещё раз").fill(password);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByText("Личный кабинет активирован")).toBeVisible();
  const welcome = await mailTo(recoveryEmail, /активирован/);
  expect(welcome.text).toContain(login);

  await page.getByRole("link", { name: "Войти" }).click();
  await signIn(page, login, password);
  await expect(page.getByText("Игорь Николаевич")).toBeVisible();
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");

  // The temporary credentials are dead now.
  await open(page, "/activate");
  await page.getByLabel("Временный логин").fill(DEMO.temporaryLogin);
  await page.getByLabel("Временный пароль").fill(DEMO.temporaryPassword);
  await page.getByRole("button", { name: "Активировать Личный кабинет" }).click();
  await expect(page.getByRole("alert")).toContainText("Неверные временные логин или пароль");

  // Forgot the password: the code comes by mail.
  await open(page, "/login");
  await page.getByRole("link", { name: "Забыли пароль?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Восстановление пароля");
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
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByRole("alert")).toHaveText("Неверный логин или пароль.");
  await signIn(page, login, newPassword);
  await expect(page.getByText("Игорь Николаевич")).toBeVisible();
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
