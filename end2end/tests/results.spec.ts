import { APIRequestContext, Browser, expect, test } from "@playwright/test";
import * as fs from "fs";
import { finishWithFile, Mail, mailTo, mis, misToken, open, signIn, STAFF, staffPage } from "./helpers";

/**
 * «Результаты анализов и исследований», «Финансы» and «Главная», fed by
 * the MIS: the test speaks for the MIS with a token an administrator made,
 * from a client with no cookies, as a server would call.
 */

async function misApi(browser: Browser, baseURL: string): Promise<APIRequestContext> {
  const admin = await staffPage(browser, STAFF.admin);
  const api = await mis(baseURL, await misToken(admin));
  await admin.close();
  return api;
}

/** Today in Moscow, as the MIS writes dates. */
function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(new Date());
}

/** The text of every page of a PDF, as a reader extracts it. */
async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  let text = "";
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str : "")).join(" ") + "\n";
  }
  return text;
}

test("a result opens as a table, a value's trend is a chart with its numbers, and the PDF carries Cyrillic text", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await open(page, "/results");
  await expect(page.getByRole("heading", { name: "Анализы" })).toBeVisible();
  await page.getByRole("link", { name: /Биохимический анализ крови/ }).first().click();
  await expect(page).toHaveURL(/\/results\/\d+$/);
  const table = page.getByRole("table");
  await expect(table.getByRole("columnheader", { name: "Референсный интервал" })).toBeVisible();
  const cholesterol = table.getByRole("row", { name: /Холестерин общий/ });
  await expect(cholesterol).toContainText("5,90");
  await expect(cholesterol).toContainText("↑ выше нормы");
  await expect(cholesterol).toContainText("≤ 5,2");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Скачать PDF" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^lab-result-\d+\.pdf$/);
  const bytes = fs.readFileSync(await download.path());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  const text = await pdfText(bytes);
  for (const shown of ["Результаты анализов", "Биохимический анализ крови", "Холестерин общий", "выше нормы"]) {
    expect(text).toContain(shown);
  }
  expect(text).not.toContain("Смирнова");

  await cholesterol.getByRole("link", { name: "Динамика" }).click();
  await expect(page).toHaveURL(/\/results\/trends\/CHOL$/);
  const chart = page.getByRole("img", { name: /Холестерин общий с .* измерений: 3/ });
  await expect(chart).toBeVisible();
  const box = await chart.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(200);
  const values = page.getByRole("table", { name: "Все значения" });
  await expect(values.getByRole("row")).toHaveCount(4);
  await expect(values).toContainText("5,90 ммоль/л");
});

test("a result the MIS marks ready appears on the open page by itself, and an order in progress never does", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const api = await misApi(browser, baseURL as string);
  const panel = `Ферритин ${Date.now()}`;
  const order = (status: string) => ({
    lab_results: [
      {
        id: `L-E2E-${panel.split(" ")[1]}`,
        patient_id: "MIS-100001",
        taken_on: today(),
        lab: "Лаборатория ЕМС",
        panel,
        status,
        analytes: [{ code: "FERR", name: "Ферритин", value: { number: "35.5" }, unit: "мкг/л", reference: { low: "10", high: "120" } }],
      },
    ],
  });
  await signIn(page);
  await open(page, "/results");
  expect((await api.put("/api/v1/lab-results", { data: order("in_progress") })).status()).toBe(200);
  await page.waitForTimeout(1000);
  await expect(page.getByText(panel)).toHaveCount(0);
  expect((await api.put("/api/v1/lab-results", { data: order("ready") })).status()).toBe(200);
  await expect(page.getByRole("status")).toContainText("Готов новый результат анализов.");
  await expect(page.getByRole("link", { name: new RegExp(panel) })).toBeVisible();
  await mailTo("anna.smirnova@example.ru", /Готовы результаты анализов/);
});

test("«Получить заключение» on a study whose report is ready: staff attach it and it is mailed to the agreement's e-mail", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const api = await misApi(browser, baseURL as string);
  const area = `голеностопный сустав ${Date.now()}`;
  const pushed = await api.put("/api/v1/studies", {
    data: {
      studies: [
        { id: `S-E2E-${Date.now()}`, patient_id: "MIS-100001", clinic_id: "orlovsky", performed_on: today(), modality: "МРТ", area, report_ready: true },
      ],
    },
  });
  expect(pushed.status()).toBe(200);

  await signIn(page);
  await open(page, "/results");
  const study = page.getByRole("listitem").filter({ hasText: area });
  await expect(study).toContainText("Заключение готово");
  await study.getByRole("button", { name: "Получить заключение" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const number = ((await page.locator("#request-number span").first().textContent()) ?? "").match(/З-\d{4}-\d{6}/)?.[0] ?? "";
  expect(number).not.toBe("");
  await expect(page.getByText(`МРТ, ${area}`)).toBeVisible();

  const staff = await staffPage(browser, STAFF.admin);
  const pdf = fs.readFileSync(`${__dirname}/../../server/demo/discharge-summary.pdf`);
  await finishWithFile(staff, number, "Заключение МРТ.pdf", pdf);
  await expect(staff.getByText("Отделение лучевой диагностики")).toBeVisible();

  const mail = (await mailTo("anna.smirnova@example.ru", new RegExp(`${number}: документ готов`))) as Mail & {
    attachments?: Array<{ contentType?: string }>;
  };
  expect(mail.text).toContain("Заключение лучевой диагностики");
  expect(mail.attachments?.length).toBe(1);

  await open(page, "/requests");
  await expect(page.getByRole("link", { name: new RegExp(number) })).toBeVisible();
});

test("«Финансы» shows the deposit, the debt with its invoices, the date of the books and the lag notice", async ({ page }) => {
  await signIn(page);
  await open(page, "/finance");
  await expect(page.getByRole("note")).toHaveText("Данные о балансе могут отставать от учёта Клиники на 2–4 дня.");
  await expect(page.locator("[data-amount=deposit]")).toHaveText("15 000,00 ₽");
  await expect(page.locator("[data-amount=debt]")).toHaveText("4 350,50 ₽");
  await expect(page.getByText(/^Данные на \d\d\.\d\d\.\d{4}\.$/)).toBeVisible();
  const invoices = page.getByRole("table", { name: "Счета" });
  await expect(invoices.getByRole("row", { name: /СЧ-2026-0412/ })).toContainText("Не оплачен");
  await expect(invoices.getByRole("row", { name: /СЧ-2026-0301/ })).toContainText("Оплачен");
  await expect(page.getByText("Оплата онлайн появится позже", { exact: false })).toBeVisible();
});

test("«Главная» shows the next visit, a new result, an open request and the balance, each a link to its section", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const api = await misApi(browser, baseURL as string);
  const panel = `Витамин B12 ${Date.now()}`;
  const pushed = await api.put("/api/v1/lab-results", {
    data: {
      lab_results: [
        {
          id: `L-E2E-${panel.split(" ")[2]}`,
          patient_id: "MIS-100001",
          taken_on: today(),
          lab: "Лаборатория ЕМС",
          panel,
          status: "ready",
          analytes: [{ code: "B12", name: "Витамин B12", value: { number: "412" }, unit: "пг/мл" }],
        },
      ],
    },
  });
  expect(pushed.status()).toBe(200);
  await signIn(page);
  await expect(page.getByText("Здравствуйте, Анна Сергеевна!")).toBeVisible();
  const visit = page.getByRole("region", { name: "Ближайший визит" });
  await expect(visit).toContainText("Петров Пётр Петрович");
  await expect(visit).toContainText("Клиника на Спиридоньевском");
  await expect(page.getByRole("region", { name: "Новые результаты" }).getByRole("link", { name: panel })).toBeVisible();
  await expect(page.getByRole("region", { name: "Открытые заявки" }).getByRole("link", { name: /З-\d{4}-\d{6}/ }).first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Баланс" })).toContainText("15 000,00 ₽");
  await page.getByRole("link", { name: "Записаться на прием", exact: true }).click();
  await expect(page).toHaveURL("/booking");
  await open(page, "/");
  await page.getByRole("link", { name: "Ближайший визит" }).click();
  await expect(page).toHaveURL("/calendar");
});
