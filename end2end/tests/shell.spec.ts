import { expect, test } from "@playwright/test";
import { hydrated, MENU, open, signIn } from "./helpers";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("the cabinet opens in Russian with the twelve menu entries in order", async ({ page }) => {
  await open(page, "/");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  const menu = page.getByRole("navigation", { name: "Главное меню" });
  await expect(menu).toBeVisible();
  const labels = MENU.map(([, label]) => label);
  await expect(menu.getByRole("list").getByRole("link")).toHaveText(["Главная", ...labels]);
  await expect(menu.getByRole("link", { name: "+7 (495) 933 66 55" })).toHaveAttribute("href", "tel:+74959336655");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Главная");
});

test("every menu entry opens its own page, marked as the current one in the menu", async ({ page }) => {
  await open(page, "/");
  const menu = page.getByRole("navigation", { name: "Главное меню" });
  for (const [path, label] of MENU) {
    await menu.getByRole("link", { name: label, exact: true }).click();
    await expect(page).toHaveURL(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(label);
    await expect(menu.getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
  }
});

test("every route answers when opened directly", async ({ page }) => {
  for (const [path, label] of MENU) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(label);
  }
});

test("the sign-in page has the links of the manual and the help phone", async ({ page }) => {
  await page.context().clearCookies();
  await open(page, "/login");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Вход в Личный кабинет");
  await expect(page.getByLabel("Логин")).toBeVisible();
  await expect(page.getByLabel("Пароль")).toBeVisible();
  await expect(page.getByRole("link", { name: "Забыли пароль?" })).toBeVisible();
  await page.getByRole("link", { name: "Активировать Личный кабинет" }).click();
  await expect(page).toHaveURL("/activate");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Активация Личного кабинета");
});

test("an unknown address shows the not-found page with a way home", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Страница не найдена");
  await hydrated(page);
  await page.getByRole("link", { name: "На главную" }).click();
  await expect(page).toHaveURL("/");
});

test("the patient can switch to English and the choice survives a reload", async ({ page }) => {
  await open(page, "/finance");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Finance");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Finance");
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Финансы");
});

test("the page loads its script, wasm and styles under content-hashed names, cached for a year", async ({ page }) => {
  const files: { url: string; cache: string }[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/pkg/")) {
      files.push({ url: response.url(), cache: response.headers()["cache-control"] ?? "" });
    }
  });
  // «Настройки» has islands (its forms), so it loads the script and the wasm.
  await open(page, "/settings");
  const kinds = files.map((f) => new URL(f.url).pathname.split(".").pop()).sort();
  expect(kinds).toEqual(expect.arrayContaining(["css", "js", "wasm"]));
  for (const file of files) {
    expect(new URL(file.url).pathname, file.url).toMatch(/^\/pkg\/cabinet\.[A-Za-z0-9_-]{22}\.(js|wasm|css)$/);
    expect(file.cache, file.url).toBe("public, max-age=31536000, immutable");
  }
  // The page itself is never cached: it names the files of its release.
  const document = await page.request.get("/");
  expect(document.headers()["cache-control"]).toBe("no-store");
});

test("a page without islands downloads neither script nor wasm: the start page is HTML and CSS", async ({ page }) => {
  const downloaded: string[] = [];
  page.on("response", (response) => downloaded.push(new URL(response.url()).pathname));
  await open(page, "/");
  await expect(page.locator("leptos-island")).toHaveCount(0);
  expect(downloaded.filter((path) => /\.(js|wasm)$/.test(path))).toEqual([]);
  expect(downloaded.filter((path) => path.endsWith(".css"))).toHaveLength(1);
});
