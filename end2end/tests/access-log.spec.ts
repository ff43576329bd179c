import { expect, test } from "@playwright/test";
import { DEMO, mailTo, open, signIn, STAFF, staffPage } from "./helpers";

const FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

test("the patient sees reception finding them and a stranger's wrong password in «Журнал доступа»", async ({ page, browser }) => {
  const reception = await staffPage(browser, STAFF.reception);
  await open(reception, "/admin/patients");
  await reception.getByLabel("Логин Личного кабинета").fill(DEMO.login);
  await reception.getByRole("button", { name: "Найти" }).click();
  await expect(reception.getByText("Смирнова")).toBeVisible();

  const strangers = await browser.newContext({ userAgent: FIREFOX_ON_LINUX });
  const stranger = await strangers.newPage();
  await open(stranger, "/login");
  await stranger.getByLabel("Логин").fill(DEMO.login);
  await stranger.getByLabel("Пароль").fill("a guess that is wrong");
  await stranger.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(stranger.getByText("Неверный логин или пароль")).toBeVisible();
  await strangers.close();

  await signIn(page);
  await open(page, "/settings");
  await page.getByRole("link", { name: "Открыть журнал доступа" }).click();
  await expect(page).toHaveURL("/access-log");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Журнал доступа");
  const found = page.locator(".access-entry", { hasText: "нашёл(шла) вас в поиске пациентов регистратуры" }).first();
  await expect(found).toContainText("Регистратура, Клиника на Спиридоньевском (Регистратура)");
  const attempt = page.locator(".access-entry.stranger", { hasText: "Firefox, Linux" }).first();
  await expect(attempt).toContainText("неверный пароль при входе");
  await expect(attempt).toContainText("IP 127.0.0.1");

  // A period that ended yesterday shows none of today's entries.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("По дату").fill(yesterday);
  await page.getByRole("button", { name: "Показать" }).click();
  await expect(page).toHaveURL(new RegExp(`to=${yesterday}`));
  await expect(page.locator(".access-entry", { hasText: "Firefox, Linux" })).toHaveCount(0);
});

test("a sign-in on a new device is e-mailed with the device and a link to the log", async ({ page, browser }) => {
  await signIn(page);
  const phones = await browser.newContext({
    userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  });
  await signIn(await phones.newPage());
  const mail = await mailTo("anna.smirnova@example.ru", /нового устройства/);
  expect(mail.text).toContain("Safari, iPhone");
  expect(mail.text).toContain("/access-log");
  await phones.close();
});
