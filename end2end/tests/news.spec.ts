import { expect, test } from "@playwright/test";
import { hydrated, open, signIn, STAFF, staffPage } from "./helpers";

/** «Новости ЕМС» and «Акции ЕМС»: written by an editor in the admin module, read by patients. */

/** Today in Moscow, as a date input takes it. */
function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(new Date());
}

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

test("an editor writes a news item with a picture, previews and publishes it; the patient reads it in «Новости ЕМС» and on «Главная»", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const title = `Клиника продлила часы работы ${Date.now()}`;
  const editor = await staffPage(browser, STAFF.admin);
  await open(editor, "/admin/content/new");
  await editor.getByLabel("Заголовок").fill(title);
  await editor.getByLabel("Текст").fill("**С понедельника** клиника открыта до 22:00.\n\n<script>alert(1)</script>");
  await editor.getByLabel("Дата публикации").fill(today());
  await editor.getByRole("button", { name: "Сохранить" }).click();
  await expect(editor).toHaveURL("/admin/content");
  await editor.getByRole("link", { name: title }).click();
  await expect(editor.getByText("Не опубликовано")).toBeVisible();
  const preview = editor.getByRole("region", { name: "Предпросмотр" });
  await expect(preview.locator("strong")).toHaveText("С понедельника");
  await expect(preview).toContainText("<script>alert(1)</script>");

  await editor.getByLabel("Картинка").setInputFiles({ name: "clinic.png", mimeType: "image/png", buffer: PNG });
  await editor.getByRole("button", { name: "Загрузить картинку" }).click();
  await expect(editor.getByText("Сохранено.", { exact: false })).toBeVisible();
  await expect(preview.locator("img.content-picture")).toBeVisible();
  await hydrated(editor);
  await editor.getByRole("button", { name: "Опубликовать" }).click();
  await expect(editor.getByText("Опубликовано", { exact: true })).toBeVisible();

  await signIn(page);
  const card = page.getByRole("region", { name: "Новости" });
  await expect(card.getByRole("link", { name: title })).toBeVisible();
  await open(page, "/news");
  const first = page.locator(".content-card").first();
  await expect(first.getByRole("link", { name: title })).toBeVisible();
  await first.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 2, name: title })).toBeVisible();
  await expect(page.locator(".content-text strong")).toHaveText("С понедельника");
  await expect(page.locator(".content-text")).toContainText("<script>alert(1)</script>");
  const picture = page.locator("article img.content-picture");
  await expect(picture).toBeVisible();
  expect(await picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
});

test("«Акции ЕМС» lists only the promotions running today, each with its dates and page", async ({ page }) => {
  await signIn(page);
  await open(page, "/promotions");
  const cards = page.locator(".content-card");
  await expect(cards).toHaveCount(2);
  await expect(page.getByText("Осенний check-up щитовидной железы")).toHaveCount(0);
  await expect(cards.first()).toContainText(/Действует с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}/);
  await cards.first().getByRole("link").click();
  await expect(page).toHaveURL(/\/promotions\/\d+$/);
  await expect(page.getByRole("heading", { level: 2, name: "Check-up «Здоровое сердце» со скидкой 15 %" })).toBeVisible();
});
