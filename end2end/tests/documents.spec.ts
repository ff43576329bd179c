import * as fs from "fs";
import { expect, test } from "@playwright/test";
import { finishWithFile, hydrated, Mail, mailTo, open, signIn, STAFF, staffPage } from "./helpers";

const MAIL_API = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? "3380"}`;

test("the tax certificate with a wrong INN is told so at the field, keeps every other field, and once corrected is sent", async ({ page }) => {
  await signIn(page);
  await open(page, "/documents");
  await page.getByRole("link", { name: "Справка для оформления налогового вычета" }).click();
  await expect(page).toHaveURL(/type=tax_deduction_certificate/);
  await hydrated(page);
  await expect(page.getByLabel("ФИО пациента")).toHaveValue("Смирнова Анна Сергеевна");
  await page.getByLabel("ФИО налогоплательщика").fill("Смирнов Михаил Андреевич");
  await page.getByLabel("Степень родства").selectOption({ label: "супруг(а)" });

  // Checked as soon as the field is left, by the server's own rule.
  const inn = page.getByLabel("ИНН налогоплательщика");
  await inn.fill("500100732258");
  await page.getByLabel("Комментарий").focus();
  await expect(page.locator("#taxpayer_inn-error")).toHaveText(/контрольные цифры не сходятся/);
  await expect(inn).toHaveAttribute("aria-invalid", "true");
  await inn.fill("50010073225");
  await inn.blur();
  await expect(page.locator("#taxpayer_inn-error")).toHaveText("ИНН физического лица — 12 цифр.");

  // Sent anyway, the server says the same, and nothing typed is lost.
  await inn.fill("500100732258");
  await page.getByRole("radio", { name: "2024" }).check();
  await page.getByRole("radio", { name: /На e-mail/ }).check();
  await expect(page.getByText(/anna\.smirnova@example\.ru/)).toBeVisible();
  await page.getByLabel("Комментарий").fill("Для ИФНС к 1 марта");
  await page.getByRole("button", { name: "Отправить запрос" }).click();
  await expect(page.locator("#taxpayer_inn-error")).toHaveText(/контрольные цифры не сходятся/);
  await expect(page.locator(".error-summary")).toContainText("ИНН налогоплательщика");
  await expect(page.getByLabel("ФИО налогоплательщика")).toHaveValue("Смирнов Михаил Андреевич");
  await expect(page.getByLabel("Комментарий")).toHaveValue("Для ИФНС к 1 марта");
  await expect(page.getByRole("radio", { name: "2024" })).toBeChecked();

  await inn.fill("500100732259");
  await inn.blur();
  await expect(page.locator("#taxpayer_inn-error")).toHaveText("");
  await page.getByRole("button", { name: "Отправить запрос" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const facts = page.locator(".facts");
  await expect(facts).toContainText("500100732259");
  await expect(facts).toContainText("01.01.2024 – 31.12.2024");
  await expect(facts).toContainText("Справка для оформления налогового вычета");
  await expect(page.getByText(/Медицинский архив/)).toBeVisible();

  await open(page, "/documents?tab=list");
  await expect(page.locator(".request-item").first()).toContainText("Запрос документов");
});

test("the operator attaches the finished PDF and marks it done: it arrives by mail and the patient downloads the very same bytes", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const pdf = fs.readFileSync(`${__dirname}/../../server/demo/discharge-summary.pdf`);
  await signIn(page);
  await open(page, "/documents?type=record_copy");
  await page.locator("#period_from").fill("2026-01-01");
  await page.locator("#period_until").fill("2026-03-31");
  await page.getByRole("radio", { name: /На e-mail/ }).check();
  await page.getByRole("button", { name: "Отправить запрос" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const number = ((await page.locator("#request-number span").first().textContent()) ?? "").match(/З-\d{4}-\d{6}/)?.[0] ?? "";
  expect(number).not.toBe("");

  const staff = await staffPage(browser, STAFF.admin);
  await finishWithFile(staff, number, "Копия карты.pdf", pdf);

  const mail = (await mailTo("anna.smirnova@example.ru", new RegExp(`${number}: документ готов`))) as Mail & {
    id: string;
    attachments?: Array<{ generatedFileName?: string; fileName?: string; filename?: string }>;
  };
  expect(mail.text).toContain("Копия карты");
  const attached = mail.attachments?.[0];
  // The name the cabinet gave it, and the one maildev keeps it under.
  const name = attached?.fileName ?? attached?.filename ?? "";
  expect(name).toMatch(/^document-\d+-\d+\.pdf$/);
  const kept = attached?.generatedFileName ?? name;
  const mailed = Buffer.from(await (await fetch(`${MAIL_API}/api/email/${mail.id}/attachment/${kept}`)).arrayBuffer());
  expect(mailed.equals(pdf)).toBe(true);

  await open(page, `/requests/${encodeURIComponent(number)}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Скачать Копия карты\.pdf/ }).click(),
  ]);
  expect(fs.readFileSync(await download.path()).equals(pdf)).toBe(true);
});
