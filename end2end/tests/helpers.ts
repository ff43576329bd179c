import { APIRequestContext, Browser, expect, Page, request } from "@playwright/test";

/** The «Главное меню» of SECTIONS.md, in order, with the routes. */
export const MENU: Array<[string, string]> = [
  ["/booking", "Записаться на прием/исследование"],
  ["/documents", "Запросить документы"],
  ["/calendar", "Календарь событий"],
  ["/referrals", "Действующие направления"],
  ["/results", "Результаты анализов и исследований"],
  ["/home-visit", "Вызвать врача на дом"],
  ["/news", "Новости ЕМС"],
  ["/promotions", "Акции ЕМС"],
  ["/finance", "Финансы"],
  ["/requests", "Все запросы"],
  ["/settings", "Настройки"],
  ["/feedback", "Ваши предложения"],
];

/**
 * How long hydration may take: a fresh browser context compiles the debug
 * build's wasm (tens of MB) from scratch, which on a busy 2-core machine can
 * take longer than Playwright's default 5 s.
 */
export const HYDRATION_TIMEOUT = 20_000;

/** Opens a page and waits until hydration has finished: earlier clicks are lost. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

/** Waits until the page has hydrated. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
}

/** The demo accounts `server --demo` seeds (server/src/demo.rs). */
export const DEMO = {
  login: "demo",
  password: "demo-patient-pass-2026",
  addressAs: "Анна Сергеевна",
  temporaryLogin: "temp-0001",
  temporaryPassword: "temp-pass-0001-2026",
};

/** Signs in on the sign-in page and waits for «Главная». */
export async function signIn(page: Page, login = DEMO.login, password = DEMO.password) {
  await open(page, "/login");
  await page.getByLabel("Логин").fill(login);
  await page.getByLabel("Пароль").fill(password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL("/");
  await hydrated(page);
}

/** Staff of the demo (server/src/demo.rs). */
export const STAFF = {
  admin: { login: "admin", password: "demo-admin-pass-2026" },
  reception: { login: "reception", password: "demo-reception-pass-2026" },
  operator: { login: "operator", password: "demo-operator-pass-2026" },
};

/** Signs a staff member in to the admin module, in a browser of their own. */
export async function staffPage(browser: Browser, who: { login: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await open(page, "/admin/login");
  await page.getByLabel("Логин").fill(who.login);
  await page.getByLabel("Пароль").fill(who.password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL("/admin");
  await hydrated(page);
  return page;
}

const MAIL_API = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? "3380"}`;

export type Mail = { subject: string; text: string; html: string; to: Array<{ address: string }> };

/** Waits until maildev has a message to `address` whose subject matches, and returns the newest. */
export async function mailTo(address: string, subject: RegExp): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const response = await fetch(`${MAIL_API}/api/email`);
        const all = (await response.json()) as Mail[];
        found = all
          .filter((m) => m.to.some((to) => to.address === address) && subject.test(m.subject))
          .pop();
        return found !== undefined;
      },
      { message: `mail to ${address} matching ${subject}`, timeout: 20_000 },
    )
    .toBe(true);
  return found as Mail;
}

/** An MIS client made in «Интеграция с МИС»: its token, shown once. */
export async function misToken(page: Page): Promise<string> {
  await open(page, "/admin/integration");
  await page.getByLabel("Название системы").fill(`МИС e2e ${Date.now()}`);
  await page.getByRole("button", { name: "Создать" }).click();
  const token = page.locator("[data-output-field=token]");
  await expect(token).toHaveText(/^mis_[0-9a-f]{64}$/);
  return (await token.textContent()) ?? "";
}

export async function mis(baseURL: string, token: string): Promise<APIRequestContext> {
  return request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
}

/** Staff attach `pdf` to the request as `name` and mark it «Выполнена». */
export async function finishWithFile(staff: Page, number: string, name: string, pdf: Buffer) {
  await open(staff, `/admin/requests/${encodeURIComponent(number)}`);
  await staff.getByLabel("Готовый документ (PDF)").setInputFiles({ name, mimeType: "application/pdf", buffer: pdf });
  await staff.getByRole("button", { name: "Прикрепить" }).click();
  await expect(staff.getByText("Прикреплено файлов: 1")).toBeVisible();
  await hydrated(staff);
  await staff.getByLabel("Новый статус").selectOption({ label: "Выполнена" });
  await staff.getByRole("button", { name: "Изменить статус" }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toContainText("Выполнена");
}
