import { expect, Locator, Page, test } from "@playwright/test";
import { DEMO, hydrated, open } from "./helpers";

/**
 * The patient's flows by keyboard alone: no click, no fill — Tab, typing,
 * arrows, Space and Enter, as a patient who cannot use a mouse moves. Every
 * stop the focus reaches on the way must show where it is.
 */

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `limit` stops. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 80 } = {}) {
  for (let stop = 0; stop < limit; stop++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    await expectFocusVisible(page);
  }
  throw new Error(`${target} never got the focus in ${limit} presses of Tab`);
}

/** Presses Tab until the focus is on an element matching `selector` (one radio of a group). */
async function tabToOne(page: Page, selector: string, limit = 80) {
  for (let stop = 0; stop < limit; stop++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
    await expectFocusVisible(page);
  }
  throw new Error(`nothing like ${selector} got the focus in ${limit} presses of Tab`);
}

/** The focused element shows a focus ring (an outline or a box shadow). */
async function expectFocusVisible(page: Page) {
  const ring = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return "body";
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none";
    return outline || shadow ? "visible" : `${element.tagName.toLowerCase()}#${element.id}[name=${element.getAttribute("name")}][type=${element.getAttribute("type")}].${element.className} shows no focus (outline ${style.outlineStyle} ${style.outlineWidth})`;
  });
  expect(["visible", "body"]).toContain(ring);
}

/** Chooses `label` in a focused drop-down with the arrow keys. */
async function arrowTo(page: Page, select: Locator, label: string) {
  for (let step = 0; step < 30; step++) {
    const chosen = await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent?.trim());
    if (chosen === label) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`no option ${label}`);
}

/** Signs in from the sign-in page with the keyboard alone. */
async function signInByKeyboard(page: Page) {
  await open(page, "/login");
  await tabTo(page, page.getByLabel("Логин"));
  await page.keyboard.type(DEMO.login);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Пароль")).toBeFocused();
  await page.keyboard.type(DEMO.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/");
  await hydrated(page);
}

test("by keyboard: sign in, skip to the content, and open a section from the menu", async ({ page }) => {
  await signInByKeyboard(page);
  // The first stop is the skip link, shown when focused; it moves the focus past the menu.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Перейти к содержимому" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  await tabTo(page, page.getByRole("link", { name: "Записаться на прием", exact: true }));
  // Backwards into «Главное меню» and on to «Финансы».
  await tabTo(page, page.getByRole("navigation").getByRole("link", { name: "Финансы" }), { back: true });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/finance");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("by keyboard: the menu drawer takes the focus, keeps it inside, and gives it back to «Меню»", async ({ page }) => {
    await signInByKeyboard(page);
    const toggle = page.getByRole("link", { name: "Меню" });
    await tabTo(page, toggle);
    await page.keyboard.press("Enter");
    const menu = page.locator("#main-menu");
    await expect(menu).toBeVisible();
    await expect(menu.getByRole("link", { name: "Закрыть меню" })).toBeFocused();
    // Tab from the drawer's last stop wraps to its first, never to the page behind.
    const stops = await menu.locator("a[href]").count();
    for (let i = 0; i < stops + 2; i++) {
      await page.keyboard.press("Tab");
      expect(await menu.evaluate((m) => m.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect(menu).toBeHidden();
    await expect(toggle).toBeFocused();
  });
});

test("by keyboard: a booking is sent, a mistake shown at its field first", async ({ page }) => {
  await signInByKeyboard(page);
  await open(page, "/booking");
  // «Повод обращения» is left empty: the mistake to find and mend. The
  // date typed is one whose day and month are the same number (12.12): the
  // field takes it whether this Chromium shows day or month first (headless,
  // it shows mm/dd/yyyy whatever the language).
  await tabTo(page, page.getByLabel("Желаемая дата"));
  const day = new Date();
  do day.setDate(day.getDate() + 1);
  while (day.getDate() !== day.getMonth() + 1);
  const dd = String(day.getDate()).padStart(2, "0");
  await page.keyboard.type(`${dd}${dd}${day.getFullYear()}`);
  await expect(page.getByLabel("Желаемая дата")).toHaveValue(`${day.getFullYear()}-${dd}-${dd}`);
  await tabTo(page, page.getByLabel("Специалист или исследование"));
  await page.keyboard.type("Ортопед");
  await tabTo(page, page.getByLabel("Клиника"));
  await arrowTo(page, page.getByLabel("Клиника"), "Клиника на Орловском");
  await tabTo(page, page.getByRole("button", { name: "Отправить заявку" }));
  await page.keyboard.press("Enter");
  // The mistake is announced in a summary that takes the focus and links
  // to the field, which is marked and described.
  const summary = page.locator("[data-error-summary]");
  await expect(summary).toBeFocused();
  await expect(summary).toHaveAttribute("role", "alert");
  const reason = page.getByLabel("Повод обращения");
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#reason-error")).toHaveText("Заполните это поле.");
  expect((await reason.getAttribute("aria-describedby")) ?? "").toContain("reason-error");
  await page.keyboard.press("Tab");
  await expect(summary.getByRole("link", { name: /Повод обращения/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(reason).toBeFocused();
  await page.keyboard.type("Боль в плече, клавиатурой");
  await expect(page.getByLabel("Специалист или исследование")).toHaveValue("Ортопед");
  await tabTo(page, page.getByRole("button", { name: "Отправить заявку" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.getByText("Заявка отправлена.")).toBeVisible();
});

test("by keyboard: a tax certificate is requested, radio choices made with the arrows", async ({ page }) => {
  await signInByKeyboard(page);
  await open(page, "/documents?type=tax_deduction_certificate");
  await tabTo(page, page.getByLabel("ФИО налогоплательщика"));
  await page.keyboard.type("Смирнов Михаил Андреевич");
  await tabTo(page, page.getByLabel("Степень родства"));
  await arrowTo(page, page.getByLabel("Степень родства"), "супруг(а)");
  await tabTo(page, page.getByLabel("ИНН налогоплательщика"));
  await page.keyboard.type("500100732259");
  // In a group of radio buttons Tab stops once; the arrows choose.
  const year = page.getByRole("radio", { name: "2024" });
  await tabToOne(page, "input[type=radio][name=tax_year]");
  for (let i = 0; i < 10 && !(await year.isChecked()); i++) await page.keyboard.press("ArrowDown");
  await expect(year).toBeChecked();
  const email = page.getByRole("radio", { name: /На e-mail/ });
  await page.keyboard.press("Tab");
  await tabToOne(page, "input[type=radio][name=delivery]");
  for (let i = 0; i < 5 && !(await email.isChecked()); i++) await page.keyboard.press("ArrowDown");
  await expect(email).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Отправить запрос" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.getByText("Заявка отправлена.")).toBeVisible();
});

test("by keyboard: settings save how to address the patient", async ({ page }) => {
  await signInByKeyboard(page);
  await open(page, "/settings");
  const addressAs = page.getByLabel("Как к Вам обращаться");
  await tabTo(page, addressAs);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Анна С.");
  await tabTo(page, page.getByRole("button", { name: "Сохранить", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Сохранено.")).toBeVisible();
  // Put it back for the other tests.
  await tabTo(page, addressAs, { back: true });
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(DEMO.addressAs);
  await page.keyboard.press("Enter");
  await expect.poll(async () => {
    await page.reload();
    return page.locator(".account-name").textContent();
  }).toBe(DEMO.addressAs);
});
