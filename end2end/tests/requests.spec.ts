import * as fs from "fs";
import { expect, Page, test } from "@playwright/test";
import { hydrated, mailTo, open, signIn, STAFF, staffPage } from "./helpers";

const AGREEMENT_EMAIL = "anna.smirnova@example.ru";

/** Marks the page, so a later check can tell it was never reloaded. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
}

async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
}

/** The number on a request's page, once it shows. */
async function requestNumber(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.getByText("Заявка отправлена.")).toBeVisible();
  const number = (await page.locator(".request-head strong, #request-number span").first().textContent()) ?? "";
  const match = number.match(/З-\d{4}-\d{6}/);
  expect(match).not.toBeNull();
  return (match as RegExpMatchArray)[0];
}

/** Staff open the request from their queue and change its status. */
async function process(staff: Page, number: string, status: string, comment: string) {
  await open(staff, "/admin/requests?order=newest");
  await staff.getByRole("link", { name: number }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(number);
  await hydrated(staff);
  await staff.getByLabel("Новый статус").selectOption({ label: status });
  if (comment) await staff.getByLabel("Комментарий пациенту").fill(comment);
  await staff.getByRole("button", { name: "Изменить статус" }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(status);
}

test("a booking survives a mistake with what was typed, is sent, accepted by the operator, and the patient sees it live and by mail", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await open(page, "/booking");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Записаться на прием/исследование");
  await page.getByLabel("Повод обращения").fill("Боль в колене после бега");
  await page.getByLabel("Специалист или исследование").fill("Ортопед");
  await page.getByLabel("Клиника").selectOption({ label: "Клиника на Орловском" });
  await page.getByLabel("Удобное время").selectOption({ label: "Вечер (17:00–21:00)" });
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  // The date was left out: said at the field and in the summary; nothing typed is lost.
  await expect(page.locator("#desired_date-error")).toHaveText("Заполните это поле.");
  await expect(page.locator(".error-summary")).toContainText("Желаемая дата");
  await expect(page.getByLabel("Повод обращения")).toHaveValue("Боль в колене после бега");
  await expect(page.getByLabel("Специалист или исследование")).toHaveValue("Ортопед");
  await expect(page.getByLabel("Клиника")).toHaveValue("orlovsky");

  await page.getByLabel("Желаемая дата").fill("2030-01-01");
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  await expect(page.locator("#desired_date-error")).toHaveText("Запись возможна не больше чем на год вперёд.");
  const soon = new Date(Date.now() + 5 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Желаемая дата").fill(soon);
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  const number = await requestNumber(page);
  await expect(page.locator("#request-number .status")).toHaveText("Отправлена");
  await expect(page.getByText("Клиника на Орловском")).toBeVisible();
  await markPage(page);

  const operator = await staffPage(browser, STAFF.operator);
  await process(operator, number, "Принята", "Позвоним сегодня, чтобы выбрать время.");

  // The patient's open page changes by itself.
  await expect(page.locator("#request-number .status")).toHaveText("Принята");
  await expect(page.getByText("Позвоним сегодня, чтобы выбрать время.")).toBeVisible();
  await expect(page.locator(".live-news")).toContainText(`${number}: Принята`);
  await notReloaded(page);

  const mail = await mailTo(AGREEMENT_EMAIL, new RegExp(`${number}: Принята`));
  expect(mail.text).toContain("Позвоним сегодня, чтобы выбрать время.");

  // The booking is in the section's own list, and the request can no longer be cancelled after work begins.
  await open(page, "/booking?tab=list");
  await expect(page.getByRole("link", { name: new RegExp(number) })).toBeVisible();
});

test("a home visit goes to home care, the admin takes it into work and the list of all requests follows live", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await open(page, "/home-visit");
  await page.getByLabel("Контактный телефон").fill("8 916 765-43-21");
  await page.getByLabel("Улица").fill("Малая Бронная");
  await page.getByLabel(/^Дом(\s|$)/).fill("15");
  await page.getByLabel("Квартира").fill("7");
  await page.getByLabel("Этаж").fill("3");
  await page.getByLabel("Причина вызова").fill("Высокая температура, слабость");
  // The manual's words: «Нажать кнопку «Отправить заявку»».
  await page.getByRole("button", { name: "Отправить заявку", exact: true }).click();
  const number = await requestNumber(page);
  await expect(page.getByText("+79167654321")).toBeVisible();
  await expect(page.getByText("ОНиЭП")).toBeVisible();

  // The contact centre's operator does not see it; the admin does.
  const operator = await staffPage(browser, STAFF.operator);
  await open(operator, "/admin/requests?kind=home_visit");
  await expect(operator.getByText("Заявок с такими условиями нет.")).toBeVisible();

  await open(page, "/requests");
  const line = page.locator(".request-item", { hasText: number });
  await expect(line.locator(".status")).toHaveText("Отправлена");
  await markPage(page);

  const admin = await staffPage(browser, STAFF.admin);
  await open(admin, "/admin/requests?kind=home_visit&order=newest");
  await admin.getByRole("link", { name: number }).click();
  await hydrated(admin);
  await expect(admin.getByText("Смирнова Анна Сергеевна")).toBeVisible();
  await admin.getByRole("button", { name: "Взять в работу" }).click();
  await expect(admin.getByText("Исполнитель: Администратор портала")).toBeVisible();
  await process(admin, number, "В работе", "Врач приедет между 14:00 и 16:00.");

  await expect(line.locator(".status")).toHaveText("В работе");
  await notReloaded(page);
  await mailTo(AGREEMENT_EMAIL, new RegExp(`${number}: В работе`));

  // Work has begun: no cancelling any more.
  await line.getByRole("link").click();
  await expect(page.getByText("Врач приедет между 14:00 и 16:00.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Отменить заявку" })).toHaveCount(0);
});

test("feedback reaches the portal team and a rejection with its reason shows on the patient's open page", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await open(page, "/feedback");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.locator("#feedback_type-error")).toHaveText("Заполните это поле.");
  await expect(page.locator("#message-error")).toHaveText("Заполните это поле.");
  await page.getByLabel("Тип сообщения").selectOption({ label: "Предложение по развитию" });
  await page.getByLabel("Сообщение").fill("Добавьте тёмную тему");
  await page.getByRole("button", { name: "Отправить" }).click();
  const number = await requestNumber(page);
  await markPage(page);

  const admin = await staffPage(browser, STAFF.admin);
  await open(admin, "/admin/requests?kind=feedback&order=newest");
  await admin.getByRole("link", { name: number }).click();
  await hydrated(admin);
  await admin.getByLabel("Новый статус").selectOption({ label: "Отклонена" });
  await admin.getByRole("button", { name: "Изменить статус" }).click();
  await expect(admin.getByText("Напишите пациенту, почему заявка отклонена.")).toBeVisible();
  await admin.getByLabel("Комментарий пациенту").fill("Тёмная тема уже есть: она включается вместе с системной.");
  await admin.getByRole("button", { name: "Изменить статус" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toContainText("Отклонена");

  await expect(page.locator("#request-number .status")).toHaveText("Отклонена");
  await expect(page.getByText("Тёмная тема уже есть")).toBeVisible();
  await notReloaded(page);
  await mailTo(AGREEMENT_EMAIL, new RegExp(`${number}: Отклонена`));
});

test("the patient cancels a request not yet in progress, and filters the list", async ({ page }) => {
  await signIn(page);
  await open(page, "/booking");
  await page.getByLabel("Повод обращения").fill("Консультация терапевта");
  const soon = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Желаемая дата").fill(soon);
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  const number = await requestNumber(page);
  await page.getByRole("button", { name: "Отменить заявку" }).click();
  await expect(page.locator("#request-number .status")).toHaveText("Отменена");
  await expect(page.getByRole("button", { name: "Отменить заявку" })).toHaveCount(0);

  await open(page, "/requests?status=cancelled");
  await expect(page.locator(".request-item")).toHaveCount(1);
  await expect(page.locator(".request-item")).toContainText(number);
  await page.getByLabel("Статус").selectOption({ label: "Все статусы" });
  await page.getByLabel("Вид").selectOption({ label: "Предложение по Личному кабинету" });
  await page.getByRole("button", { name: "Показать" }).click();
  await expect(page).toHaveURL(/kind=feedback/);
  await expect(page.locator(".request-item").first()).toContainText("Предложение по Личному кабинету");
});

test("without JavaScript the booking form still sends, and a mistake comes back with everything typed", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Логин").fill("demo");
  await page.getByLabel("Пароль").fill("demo-patient-pass-2026");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL("/");

  await page.goto("/booking");
  await page.getByLabel("Повод обращения").fill("Справка для бассейна");
  await page.getByLabel("Комментарий").fill("Лучше в субботу");
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  await expect(page).toHaveURL(/\/booking\?.*__err=/);
  await expect(page.locator("#desired_date-error")).toHaveText("Заполните это поле.");
  await expect(page.getByLabel("Повод обращения")).toHaveValue("Справка для бассейна");
  await expect(page.getByLabel("Комментарий")).toHaveValue("Лучше в субботу");

  const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Желаемая дата").fill(soon);
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.getByText("Заявка отправлена.")).toBeVisible();
  await expect(page.getByText("Справка для бассейна")).toBeVisible();
  await context.close();
});

test("reception finds a patient by name and sees where their cabinet stands", async ({ browser }) => {
  const desk = await staffPage(browser, STAFF.reception);
  await desk.getByRole("link", { name: "Пациенты" }).click();
  await expect(desk).toHaveURL("/admin/patients");
  await desk.getByLabel("ФИО пациента").fill("смирнова");
  await desk.getByRole("button", { name: "Найти" }).click();
  const row = desk.locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Смирнова Анна Сергеевна");
  await expect(row).toContainText("Активен");
});

test("the demo's requests for documents and for a radiology report open with their content, and wait in their departments' queues", async ({ page, browser }) => {
  await signIn(page);
  await open(page, "/requests?kind=document&status=in_progress");
  await page.locator(".request-item a").first().click();
  await expect(page.getByText("Справка для оформления налогового вычета")).toBeVisible();
  await expect(page.getByText("На e-mail из дополнительного соглашения")).toBeVisible();
  await open(page, "/requests?kind=radiology_report");
  await page.locator(".request-item a").click();
  await expect(page.getByText("МРТ, коленный сустав")).toBeVisible();

  const admin = await staffPage(browser, STAFF.admin);
  for (const [kind, department] of [["document", "Медицинский архив"], ["radiology_report", "Отделение лучевой диагностики"]]) {
    await open(admin, `/admin/requests?kind=${kind}`);
    await admin.locator("tbody tr a").first().click();
    await expect(admin.getByText(department)).toBeVisible();
  }
});

test("the patient downloads the demo's finished discharge summary: the very PDF the clinic attached", async ({ page }) => {
  await signIn(page);
  // Newest first: the demo's, sent twelve days ago, is the oldest done.
  await open(page, "/requests?kind=document&status=done");
  await page.locator(".request-item a").last().click();
  await expect(page.getByText("Выписной эпикриз").first()).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Скачать Выписной эпикриз\.pdf/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^document-\d+-\d+\.pdf$/);
  const bytes = fs.readFileSync(await download.path());
  const shipped = fs.readFileSync(`${__dirname}/../../server/demo/discharge-summary.pdf`);
  expect(bytes.equals(shipped)).toBe(true);
});
