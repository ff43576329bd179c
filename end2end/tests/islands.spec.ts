import { expect, test } from "@playwright/test";
import { DEMO, hydrated, open, signIn } from "./helpers";

// A phone on a bad network: the page arrives, its wasm does not. The page
// stays the HTML the server sent, and its forms post as plain HTML forms.
test("when the wasm cannot be downloaded the patient still signs in and sends a request @release", async ({ page }) => {
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort("internetdisconnected"));
  await page.goto("/login");
  await expect(page.locator("body[data-hydration-failed]")).toHaveCount(1);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);

  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill(DEMO.password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Главная");

  await page.goto("/feedback");
  await expect(page.locator("body[data-hydration-failed]")).toHaveCount(1);
  await page.getByLabel("Тип сообщения").selectOption({ label: "Предложение по развитию" });
  await page.getByLabel("Сообщение").fill("Спасибо, всё работает и без скриптов");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.locator("#request-number")).toContainText("З-");
  await expect(page.getByText("Спасибо, всё работает и без скриптов")).toBeVisible();
});

// The release build as `make run` serves it: the sign-in page's island, a
// section's form sent by the island, the request in «Все запросы».
test("with the release build a patient signs in, books through the form's island and finds the request in «Все запросы» @release", async ({ page }) => {
  const scripts: string[] = [];
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (/\.(js|wasm)$/.test(path)) scripts.push(path);
  });
  await signIn(page);
  expect(scripts.length).toBeGreaterThan(0);

  await open(page, "/booking");
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  // The island showed the mistakes in place: the page was not left.
  await expect(page).toHaveURL("/booking");
  await expect(page.locator("#reason-error")).toHaveText("Заполните это поле.");
  await page.getByLabel("Повод обращения").fill("Плановый осмотр у терапевта");
  const soon = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Желаемая дата").fill(soon);
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const number = (await page.locator("#request-number").textContent())?.match(/З-\d{4}-\d{6}/)?.[0];
  expect(number).toBeTruthy();

  await open(page, "/requests");
  await expect(page.locator(".request-item", { hasText: number as string })).toContainText("Отправлена");
  await hydrated(page);
});

test.describe("as patients' browsers run them, with the service worker", () => {
  // Playwright's blocking of service workers is itself a console warning.
  test.use({ serviceWorkers: "allow" });

  test("pages with islands hydrate without a console error or warning", async ({ page }) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
    await signIn(page);
    for (const path of ["/booking", "/home-visit", "/feedback", "/requests", "/requests/З-2026-000001", "/settings", "/booking?tab=list"]) {
      await open(page, path);
      await expect(page.locator("leptos-island").first()).toBeAttached();
    }
    expect(problems).toEqual([]);
  });
});
