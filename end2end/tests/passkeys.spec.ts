import AxeBuilder from "@axe-core/playwright";
import { CDPSession, expect, Page, test } from "@playwright/test";
import { DEMO, hydrated, mailTo } from "./helpers";

// Chromium refuses passkeys on an IP address, so these tests open the
// cabinet as localhost: the server, at 127.0.0.1, is the relying party
// "localhost" on the same port (security/passkey.rs).
const CABINET = `http://localhost:${process.env.E2E_APP_PORT ?? "3300"}`;
const PATIENT_MAIL = "anna.smirnova@example.ru";

/** Chromium's virtual authenticator, a phone's built-in one: it keeps discoverable keys and verifies its user. */
async function authenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

async function go(page: Page, path: string) {
  await page.goto(`${CABINET}${path}`);
  await hydrated(page);
}

async function passwordSignIn(page: Page) {
  await go(page, "/login");
  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill(DEMO.password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL(`${CABINET}/login`);
  await hydrated(page);
}

const card = (page: Page) => page.locator("section", { has: page.getByRole("heading", { name: "Ключи доступа" }) });

/** Adds a passkey in «Настройки» and waits for it in the list. */
async function addPasskey(page: Page, name: string, alone: boolean) {
  await go(page, "/settings");
  const keys = card(page);
  await keys.getByLabel("Название ключа").fill(name);
  if (alone) await keys.getByLabel("Входить этим ключом без логина и пароля").check();
  await keys.getByLabel("Текущий пароль").first().fill(DEMO.password);
  await keys.getByRole("button", { name: "Добавить ключ" }).click();
  await expect(keys.locator(".passkey-list")).toContainText(name);
  await hydrated(page);
}

/** Removes every passkey of the demo patient, who other tests sign in with the password alone. */
async function removePasskeys(page: Page) {
  await go(page, "/settings");
  const keys = card(page);
  const listed = keys.locator(".passkey-list li");
  for (let left = await listed.count(); left > 0; left -= 1) {
    const form = keys.locator("form", { has: page.getByRole("button", { name: "Удалить ключ" }) });
    await form.getByLabel("Какой ключ").selectOption({ index: 1 });
    await form.getByLabel("Текущий пароль").fill(DEMO.password);
    await form.getByRole("button", { name: "Удалить ключ" }).click();
    // The page reloads with one key fewer.
    await expect(listed).toHaveCount(left - 1);
    await hydrated(page);
  }
}

/** Polls the newest «Изменён вход» mail until it says `what`. */
async function mailed(what: string) {
  await expect.poll(async () => (await mailTo(PATIENT_MAIL, /Изменён вход/)).text, { timeout: 20_000 }).toContain(what);
}

test("a patient adds a passkey in «Настройки», and after the password the passkey confirms the sign-in", async ({ page }) => {
  const { cdp, id } = await authenticator(page);
  await passwordSignIn(page);
  await expect(page).toHaveURL(`${CABINET}/`);
  try {
    await go(page, "/settings");
    const keys = card(page);
    await expect(keys.getByText("Ключей доступа пока нет.")).toBeVisible();

    // The device saying no is named at the form, and what was typed stays.
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId: id, isUserVerified: false });
    await keys.getByLabel("Название ключа").fill("Телефон");
    await keys.getByLabel("Текущий пароль").first().fill(DEMO.password);
    await keys.getByRole("button", { name: "Добавить ключ" }).click();
    await expect(keys.getByText("Устройство не подтвердило ключ")).toBeVisible();
    await expect(keys.getByLabel("Название ключа")).toHaveValue("Телефон");
    const results = await new AxeBuilder({ page }).include("#passkeys-title").analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await cdp.send("WebAuthn.setUserVerified", { authenticatorId: id, isUserVerified: true });
    await keys.getByRole("button", { name: "Добавить ключ" }).click();
    await expect(keys.locator(".passkey-list")).toContainText("Телефон");
    await expect(keys.locator(".passkey-list")).toContainText("Для входа ещё не использовался");
    await mailed("добавлен ключ доступа «Телефон»");
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: id });
    expect(credentials).toHaveLength(1);

    // The password now leads to the second step, which the passkey confirms.
    await hydrated(page);
    await signOut(page);
    await passwordSignIn(page);
    await expect(page).toHaveURL(`${CABINET}/login/code`);
    await hydrated(page);
    await page.getByRole("button", { name: "Подтвердить ключом доступа" }).click();
    await expect(page).toHaveURL(`${CABINET}/`);
    await go(page, "/settings");
    await expect(card(page).locator(".passkey-list")).toContainText("Последний вход:");

    // Without the password's sign-in, this key (not allowed alone) is refused.
    await signOut(page);
    await page.getByRole("button", { name: "Войти с ключом доступа" }).click();
    await expect(page.getByText("Этим ключом можно подтвердить вход только после пароля")).toBeVisible();
    await expect(page).toHaveURL(`${CABINET}/login`);
    await passwordSignIn(page);
    await hydrated(page);
    await page.getByRole("button", { name: "Подтвердить ключом доступа" }).click();
    await expect(page).toHaveURL(`${CABINET}/`);
  } finally {
    await removePasskeys(page);
  }
  await mailed("удалён ключ доступа «Телефон»");
});

test("a passkey allowed to sign in alone signs in without login and password, and not once it is removed", async ({ page }) => {
  const { cdp, id } = await authenticator(page);
  await passwordSignIn(page);
  await expect(page).toHaveURL(`${CABINET}/`);
  try {
    await addPasskey(page, "Ноутбук", true);
    await expect(card(page).locator(".passkey-list")).toContainText("вход без пароля");
    await signOut(page);

    await page.getByRole("button", { name: "Войти с ключом доступа" }).click();
    await expect(page).toHaveURL(`${CABINET}/`);
    await hydrated(page);
  } finally {
    await removePasskeys(page);
  }
  // The device still has the key; the cabinet no longer knows it.
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: id });
  expect(credentials).toHaveLength(1);
  await signOut(page);
  await page.getByRole("button", { name: "Войти с ключом доступа" }).click();
  await expect(page.getByText("Этот ключ доступа не подходит к кабинету")).toBeVisible();
  await expect(page).toHaveURL(`${CABINET}/login`);
});
