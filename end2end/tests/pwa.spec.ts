import { BrowserContext, chromium, expect, Page, test } from "@playwright/test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO, hydrated, open, signIn } from "./helpers";

/**
 * The cabinet as an installed app: installable, readable offline from the
 * copies its service worker keeps, and forgetting them at sign-out.
 */
test.use({ serviceWorkers: "allow" });

/** Waits until the service worker controls the page (it claims open pages when it starts). */
async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 20_000 }).toBe(true);
}

/** The names of the caches the page's origin holds. */
function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(() => caches.keys());
}

test("Chromium finds the cabinet installable: manifest, icons and service worker @release", async ({ baseURL }) => {
  // Installability is judged only in a normal (persistent) profile.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "cabinet-pwa-"));
  const config = test.info().project.use;
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: config.launchOptions?.executablePath,
    args: config.launchOptions?.args,
    baseURL,
    locale: "ru-RU",
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await open(page, "/login");
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    await expect
      .poll(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors, { timeout: 20_000 })
      .toEqual([]);
    const manifest = await cdp.send("Page.getAppManifest");
    expect(manifest.errors).toEqual([]);
    expect(JSON.parse(manifest.data ?? "{}")).toMatchObject({ name: "Личный кабинет пациента", display: "standalone" });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test("pages opened online are read offline as dated copies, and sign-out removes them @release", async ({ page, context }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await controlled(page);
  for (const path of ["/calendar", "/results", "/requests"]) {
    await open(page, path);
  }
  expect(await cacheNames(page)).toContain("copies");

  await context.setOffline(true);
  for (const [path, heading] of [
    ["/calendar", "Календарь событий"],
    ["/results", "Результаты анализов и исследований"],
    ["/requests", "Все запросы"],
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expect(page.getByRole("status").filter({ hasText: "Это копия страницы на" })).toBeVisible();
  }
  // A page never opened has no copy: the offline page says so and what can be read.
  await page.goto("/finance");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Нет соединения");
  await expect(page.getByRole("link", { name: "Все запросы" })).toBeVisible();

  // Back online, the pages are the server's again, without the note.
  await context.setOffline(false);
  await open(page, "/results");
  await expect(page.getByText("Это копия страницы на")).toBeHidden();

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL("/login");
  expect(await cacheNames(page)).not.toContain("copies");
  await context.setOffline(true);
  await page.goto("/results");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Нет соединения");
  await expect(page.getByText(DEMO.addressAs)).toHaveCount(0);
  await context.setOffline(false);
});

test("nothing personal is kept for a visitor who is not signed in", async ({ page }) => {
  await open(page, "/login");
  await controlled(page);
  await page.goto("/results");
  await expect(page).toHaveURL("/login");
  await hydrated(page);
  expect(await cacheNames(page)).not.toContain("copies");
});

test("sending offline says it needs a connection and keeps what was typed", async ({ page, context }) => {
  await signIn(page);
  await open(page, "/feedback");
  const text = "Спасибо за внимательных врачей в клинике на Спиридоньевском";
  await page.getByLabel("Тип сообщения").selectOption({ label: "Предложение по развитию" });
  await page.getByLabel("Сообщение").fill(text);
  await context.setOffline(true);
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.getByText("для этого нужно подключение к интернету", { exact: false })).toBeVisible();
  await expect(page.getByLabel("Сообщение")).toHaveValue(text);
  await expect(page.getByLabel("Тип сообщения")).toHaveValue("suggestion");
  await context.setOffline(false);
});

test("a browser asking for English gets English until a language is chosen", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await open(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in to the cabinet");
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await context.close();
});

test("«Установить приложение» appears when the browser offers to install, and hands the click to its prompt", async ({ page }) => {
  await open(page, "/login");
  const install = page.getByRole("button", { name: "Установить приложение" });
  await expect(install).toBeHidden();
  // What Chromium sends when it judges the cabinet installable (headless
  // never does on its own: it waits for the person to engage with the site).
  await page.evaluate(() => {
    const offer = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt: () => void };
    offer.prompt = () => document.body.setAttribute("data-install-prompted", "true");
    window.dispatchEvent(offer);
  });
  await expect(install).toBeVisible();
  await install.press("Enter");
  await expect(page.locator("body[data-install-prompted]")).toHaveCount(1);
  await expect(install).toBeHidden();
});
