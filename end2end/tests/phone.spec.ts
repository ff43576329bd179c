import { expect, test } from "@playwright/test";
import { MENU, open, signIn } from "./helpers";

test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("on a 375 px phone the menu is a drawer that opens, navigates and closes", async ({ page }) => {
  await open(page, "/");
  const menu = page.getByRole("navigation", { name: "Главное меню" });
  await expect(menu).toBeHidden();

  // A link to the menu, which opens as a drawer: no script involved.
  const toggle = page.getByRole("link", { name: "Меню", exact: true });
  await toggle.click();
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("list").getByRole("link")).toHaveCount(MENU.length + 1);
  await menu.getByRole("link", { name: "Закрыть меню" }).click();
  await expect(menu).toBeHidden();

  await toggle.click();
  await expect(menu).toBeVisible();

  await menu.getByRole("link", { name: "Все запросы", exact: true }).click();
  await expect(page).toHaveURL("/requests");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Все запросы");
  await expect(menu).toBeHidden();
});

test("on a 375 px phone nothing scrolls sideways and tap targets are at least 44 px", async ({ page }) => {
  // Every signed-in page, a request's page and a list tab. Measured against
  // the layout viewport (clientWidth): with isMobile, Chromium widens
  // window.innerWidth to the content, which would hide any overflow.
  const pages = [
    "/",
    ...MENU.map(([path]) => path),
    "/requests/З-2026-000001",
    "/booking?tab=list",
    "/calendar/A-1001",
    "/calendar?list=past",
  ];
  for (const path of pages) {
    await open(page, path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await open(page, "/");
  const toggle = page.getByRole("link", { name: "Меню", exact: true });
  const box = await toggle.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
});
