import AxeBuilder from "@axe-core/playwright";
import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { DEMO, hydrated, MENU, STAFF } from "./helpers";

/**
 * WCAG 2.2 AA and axe's best practices, checked by axe-core on every page of the cabinet — signed
 * out, as the patient and as staff — in Russian and English, at a phone's
 * width and a desktop's. A page also must not show a locale key instead of
 * its text. New pages join by being linked: the sweeps follow every link
 * of the pages they reach, one page of each kind.
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
/** Where the sweeps start; every page linked from a page they reach is checked too. */
const PATIENT_STARTS = ["/", ...MENU.map(([path]) => path)];
const STAFF_STARTS = ["/admin", "/admin/content/new", "/admin/cabinets/new"];
/** Kinds of page each sweep must reach, so it cannot quietly shrink. */
const PATIENT_MUST = ["/calendar/*", "/results/*", "/results/trends/*", "/requests/*", "/news/*", "/promotions/*", "/booking?tab"];
const STAFF_MUST = ["/admin/requests/*", "/admin/content/*", "/admin/patients", "/admin/staff", "/admin/integration"];
/** The most pages one sweep checks. */
const SWEEP_LIMIT = 60;

/**
 * A page's kind: its path with every segment that holds a digit or is a
 * code in capitals (`HGB`) as `*`, and
 * the names (not values) of its query: `/results/10` and `/results/11` are
 * one kind, `/booking?tab=list` another than `/booking`.
 */
function kindOf(url: URL): string {
  const path = decodeURI(url.pathname)
    .split("/")
    .map((segment) => (/\d|^[A-Z_]+$/.test(segment) ? "*" : segment))
    .join("/");
  const keys = [...url.searchParams.keys()].sort();
  return keys.length ? `${path}?${keys.join("&")}` : path;
}

/** Links that lead to a file, not a page. */
const FILE = /\.(pdf|ics)$|\/memo$|\/files\/|\/feed\//;

/**
 * Checks the pages from `starts` and every page of one kind linked from
 * them that `inside` accepts, each kind once: what new pages are added
 * gets checked as soon as something links to it.
 */
async function sweep(page: Page, starts: string[], inside: (path: string) => boolean, must: string[]) {
  const origin = new URL(test.info().project.use.baseURL as string).origin;
  const queue = [...starts];
  const done = new Set<string>();
  const problems: string[] = [];
  while (queue.length > 0 && done.size < SWEEP_LIMIT) {
    const address = queue.shift() as string;
    const kind = kindOf(new URL(address, origin));
    if (done.has(kind)) continue;
    done.add(kind);
    problems.push(...(await problemsOf(page, address)));
    const links = await page
      .locator("a[href]:not([download])")
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) {
      const url = new URL(link);
      if (url.origin !== origin || FILE.test(url.pathname) || !inside(url.pathname)) continue;
      if (!done.has(kindOf(url))) queue.push(url.pathname + url.search);
    }
  }
  expect([...done], `the kinds of page the sweep reached: ${[...done].join(" ")}`).toEqual(expect.arrayContaining(must));
  expect(problems, problems.join("\n")).toEqual([]);
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
          await sweep(page, PATIENT_STARTS, (path) => !/^\/(admin|api)(\/|$)/.test(path), PATIENT_MUST);
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
        await sweep(page, STAFF_STARTS, (path) => path.startsWith("/admin") && path !== "/admin/login", STAFF_MUST);
        await context.close();
      });
    });
  }
}
