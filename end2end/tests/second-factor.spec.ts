import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import { expect, Page, test } from "@playwright/test";
import { DEMO, hydrated, mailTo, open, signIn, STAFF, staffPage } from "./helpers";

/** RFC 4648 base32, as authenticator apps read the key. */
function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text.replace(/[\s=]/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The code an authenticator app shows for a 30-second step (RFC 6238, SHA-1, 6 digits). */
function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const number = ((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3];
  return String(number % 1_000_000).padStart(6, "0");
}

/** The step after the current one: accepted (one step of a phone's clock either side) and never the step already taken. */
const nextStep = () => Math.floor(Date.now() / 30_000) + 1;

/** Every axe rule, as the accessibility run checks it, on a state of «Настройки» it does not reach. */
async function accessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");
}

async function passwordStep(page: Page) {
  await open(page, "/login");
  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill(DEMO.password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL("/login/code");
  await hydrated(page);
}

test("a patient turns on sign-in with an app's code, signs in with it and with a recovery code that works once", async ({ page }) => {
  // The app's arithmetic is RFC 6238's (appendix B, last 6 digits).
  expect(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1)).toBe("287082");

  await signIn(page);
  await open(page, "/settings");
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Вход с кодом из приложения" }) });
  await card.getByLabel("Текущий пароль").fill(DEMO.password);
  await card.getByRole("button", { name: "Включить вход с кодом" }).click();
  await expect(card.getByRole("img", { name: "QR-код для приложения-аутентификатора" })).toBeVisible();
  await hydrated(page);
  const secret = (await card.locator(".totp-secret").textContent()) ?? "";
  expect(secret.replace(/\s/g, "")).toHaveLength(32);
  await accessible(page);

  let on = false;
  try {
    // A wrong code is named at its field, and what was typed stays.
    const field = card.getByLabel("Код, который показывает приложение");
    await field.fill("000000");
    await card.getByRole("button", { name: "Подтвердить и включить" }).click();
    await expect(card.getByText("Код не подошёл")).toBeVisible();
    await expect(field).toHaveValue("000000");
    await field.fill(totp(secret, Math.floor(Date.now() / 30_000)));
    await card.getByRole("button", { name: "Подтвердить и включить" }).click();
    const codes = card.locator(".recovery-codes");
    await expect(codes).toBeVisible();
    on = true;
    const recovery = ((await codes.textContent()) ?? "").split("\n").filter(Boolean);
    expect(recovery).toHaveLength(10);
    await open(page, "/settings");
    await expect(card.getByText("Неиспользованных резервных кодов: 10")).toBeVisible();
    await accessible(page);
    const mail = await mailTo("anna.smirnova@example.ru", /Изменён вход/);
    expect(mail.text).toContain("включён код из приложения");

    // The password alone leads to the second step; a recovery code signs in.
    await signOut(page);
    await passwordStep(page);
    await accessible(page);
    await page.getByLabel("Код подтверждения").fill(recovery[0]);
    await page.getByRole("button", { name: "Подтвердить" }).click();
    await expect(page).toHaveURL("/");

    // The same recovery code does not work twice; the app's code does.
    await hydrated(page);
    await signOut(page);
    await passwordStep(page);
    await page.getByLabel("Код подтверждения").fill(recovery[0]);
    await page.getByRole("button", { name: "Подтвердить" }).click();
    await expect(page.getByText("Код не подошёл")).toBeVisible();
    await page.getByLabel("Код подтверждения").fill(totp(secret, nextStep()));
    await page.getByRole("button", { name: "Подтвердить" }).click();
    await expect(page).toHaveURL("/");

    // Turned off with the password, the password alone signs in again.
    await turnOff(page);
    on = false;
    await signOut(page);
    await signIn(page);
  } finally {
    // Every other test signs the demo patient in with the password alone.
    // Best effort: a failure above is the one to report.
    if (on) await turnOff(page).catch(() => undefined);
  }
});

async function turnOff(page: Page) {
  await open(page, "/settings");
  const off = page.locator("form", { has: page.getByRole("button", { name: "Отключить", exact: true }) });
  await off.getByLabel("Текущий пароль").fill(DEMO.password);
  await off.getByRole("button", { name: "Отключить", exact: true }).click();
  await expect(page.getByRole("button", { name: "Включить вход с кодом" })).toBeVisible();
}

test("reception's «Отключить вход с кодом» asks for the identity check at its box and names a patient without a code", async ({ browser }) => {
  const reception = await staffPage(browser, STAFF.reception);
  const card = reception.locator("section", { has: reception.getByRole("heading", { name: "Отключить вход с кодом" }) });
  await card.getByLabel("Номер пациента в МИС").fill("MIS-100001");
  await card.getByRole("button", { name: "Отключить вход с кодом" }).click();
  const box = card.getByRole("checkbox", { name: "Личность пациента проверена по документу" });
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await expect(card.getByText("Заполните это поле.")).toBeVisible();
  await expect(card.getByLabel("Номер пациента в МИС")).toHaveValue("MIS-100001");
  await box.check();
  await card.getByRole("button", { name: "Отключить вход с кодом" }).click();
  await expect(card.getByText("Вход с кодом не включён.")).toBeVisible();
});
