import AxeBuilder from "@axe-core/playwright";
import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { DEMO, hydrated, MENU, STAFF } from "./helpers";

/**
 * WCAG 2.2 AA and axe's best practices, checked by axe-core on every page of the cabinet — signed
 * out, as the patient and as staff — in Russian and English, at a phone's
 * width and a desktop's. A page also must not show a locale key instead of
 * its text. New pages join by being linked: the lists below are completed
 * from the links each list page shows.
 */

const WIDTHS = [
  // 320 CSS px: the width WCAG's reflow asks to lose nothing at (a 1280 px
  // screen zoomed to 400 %), and the narrowest phones in use.
  { name: "phone", viewport: { width: 320, height: 640 } },
  { name: "desktop", viewport: { width: 1280, height: 900 } },
] as const;
const LANGUAGES = ["ru", "en"] as const;
type Language = (typeof LANGUAGES)[number];

const SIGNED_OUT = ["/login", "/activate", "/recover", "/admin/login", "/offline", "/no-such-page"];
const PATIENT = ["/", ...MENU.map(([path]) => path), "/booking?tab=list"];
/** Detail pages: the first link of each kind found on these list pages. */
const PATIENT_DETAILS: Array<[string, RegExp]> = [
  ["/calendar", /^\/calendar\/[^/]+$/],
  ["/results", /^\/results\/\d+$/],
  ["/requests", /^\/requests\/[^/?]+$/],
  ["/news", /^\/news\/\d+$/],
  ["/promotions", /^\/promotions\/\d+$/],
];
const STAFF_PAGES = [
  "/admin",
  "/admin/requests",
  "/admin/patients",
  "/admin/staff",
  "/admin/integration",
  "/admin/content",
  "/admin/content/new",
  "/admin/cabinets/new",
];
const STAFF_DETAILS: Array<[string, RegExp]> = [
  ["/admin/requests", /^\/admin\/requests\/[^/?]+$/],
  ["/admin/content", /^\/admin\/content\/\d+$/],
];

/** The first link on `page` whose path matches `pattern`. */
async function firstLink(page: Page, from: string, pattern: RegExp): Promise<string> {
  await page.goto(from);
  const hrefs = await page.locator("a[href]").evaluateAll((links) =>
    links.map((a) => decodeURI(new URL((a as HTMLAnchorElement).href).pathname)),
  );
  const found = hrefs.find((href) => pattern.test(href));
  expect(found, `a link like ${pattern} on ${from}`).toBeTruthy();
  return found as string;
}

/** What is wrong on `path`: axe's violations and any text that is a bare locale key. */
async function problemsOf(page: Page, path: string): Promise<string[]> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(path === "/no-such-page" ? 500 : 400);
  await hydrated(page);
  // Every rule axe has: WCAG 2.0–2.2 A and AA, and its best practices.
  const results = await new AxeBuilder({ page }).analyze();
  const problems = results.violations.map(
    (v) => `${path}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`,
  );
  const keys = await page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? "";
      if (/^[a-z_]+(\.[a-z0-9_]+)+$/.test(text)) found.push(text);
    }
    return found;
  });
  problems.push(...keys.map((key) => `${path}: shows the key ${key} instead of its text`));
  // Nothing is lost sideways: no scrolling to the right at a phone's 320 px
  // (WCAG's reflow), nor on a desktop zoomed to 200 % (its resize text: the
  // browser then lays the page out 640 CSS px wide).
  const viewport = page.viewportSize()!;
  for (const width of viewport.width <= 320 ? [viewport.width] : [viewport.width, viewport.width / 2]) {
    await page.setViewportSize({ width, height: viewport.height });
    const wide = await page.evaluate(() => {
      const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
      const culprit = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${(e as HTMLElement).className}`)
        .slice(-3);
      return overflow > 0 ? `${overflow}px too wide (${culprit.join(", ")})` : "";
    });
    if (wide) problems.push(`${path}: ${width} px wide, the page scrolls sideways: ${wide}`);
  }
  await page.setViewportSize(viewport);
  // …nor on a desktop with the browser's text size at 200 % (the setting
  // that makes only the text larger).
  if (viewport.width > 320) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });
    await cdp.detach();
    if (wide > 0) problems.push(`${path}: with the text at 200 %, the page scrolls sideways by ${wide}px`);
  }
  return problems;
}

async function checkAll(page: Page, paths: string[]) {
  const problems: string[] = [];
  for (const path of paths) problems.push(...(await problemsOf(page, path)));
  expect(problems, problems.join("\n")).toEqual([]);
}

/** Signs in on `form` in whatever language the page is in. */
async function signInAs(page: Page, form: string, who: { login: string; password: string }) {
  await page.goto(form);
  await hydrated(page);
  await page.locator("input[name=login]").fill(who.login);
  await page.locator("input[name=password]").fill(who.password);
  await page.locator("main button[type=submit]").first().click();
}

async function contextIn(browser: Browser, language: Language, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: language === "en" ? "en-GB" : "ru-RU" });
  await context.addCookies([{ name: "i18n_pref_locale", value: language, url: test.info().project.use.baseURL as string }]);
  return context;
}

for (const language of LANGUAGES) {
  for (const width of WIDTHS) {
    test.describe(`${language}, ${width.name}`, () => {
      test(`every signed-out page passes axe (${language}, ${width.name})`, async ({ browser }) => {
        const context = await contextIn(browser, language, width.viewport);
        await checkAll(await context.newPage(), SIGNED_OUT);
        await context.close();
      });

      test(`every patient page passes axe (${language}, ${width.name})`, async ({ browser }) => {
        test.setTimeout(180_000);
        const context = await contextIn(browser, language, width.viewport);
        const page = await context.newPage();
        // Signing in with a language chosen on the device makes it the
        // patient's setting: it is put back to Russian for the tests after.
        await signInAs(page, "/login", DEMO);
        await expect(page).toHaveURL("/");
        try {
          const details: string[] = [];
          for (const [from, pattern] of PATIENT_DETAILS) details.push(await firstLink(page, from, pattern));
          // A trend is linked from a result's page.
          details.push(await firstLink(page, details[1], /^\/results\/trends\/[^/]+$/));
          await checkAll(page, [...PATIENT, ...details]);
        } finally {
          await page.goto("/settings");
          await page.getByRole("button", { name: "Русский" }).click();
          await expect(page.locator("html")).toHaveAttribute("lang", "ru");
          await context.close();
        }
      });

      test(`every staff page passes axe (${language}, ${width.name})`, async ({ browser }) => {
        test.setTimeout(180_000);
        const context = await contextIn(browser, language, width.viewport);
        const page = await context.newPage();
        await signInAs(page, "/admin/login", STAFF.admin);
        await expect(page).toHaveURL("/admin");
        const details: string[] = [];
        for (const [from, pattern] of STAFF_DETAILS) details.push(await firstLink(page, from, pattern));
        await checkAll(page, [...STAFF_PAGES, ...details]);
        await context.close();
      });
    });
  }
}
