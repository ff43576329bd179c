import { expect, test } from "@playwright/test";
import { DEMO, open, signIn } from "./helpers";

test("settings show the agreement's contacts read-only and save how to address the patient", async ({ page }) => {
  await signIn(page);
  await open(page, "/settings");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Настройки");
  await expect(page.getByText("+79161234567")).toBeVisible();
  await expect(page.getByText("Изменить их может только клиника")).toBeVisible();

  const addressAs = page.getByLabel("Как к Вам обращаться");
  await expect(addressAs).toHaveValue(DEMO.addressAs);
  await addressAs.fill("");
  await page.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(page.getByText("Заполните это поле.")).toBeVisible();
  await addressAs.fill("Аня");
  await page.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(page.getByText("Сохранено.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Как к Вам обращаться")).toHaveValue("Аня");
  await expect(page.locator(".account-name")).toHaveText("Аня");

  // Put it back for the other tests.
  await page.getByLabel("Как к Вам обращаться").fill(DEMO.addressAs);
  await page.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(page.getByText("Сохранено.")).toBeVisible();
});

test("a new recovery e-mail is refused with a wrong current password, at that field", async ({ page }) => {
  await signIn(page);
  await open(page, "/settings");
  const email = page.getByLabel("E-mail для восстановления пароля", { exact: true });
  await email.fill("anna.other@example.ru");
  await page.getByLabel("Текущий пароль").first().fill("not the password at all");
  await page.getByRole("button", { name: "Сохранить e-mail" }).click();
  await expect(page.getByText("Неверный текущий пароль.")).toBeVisible();
  await expect(email).toHaveValue("anna.other@example.ru");
});

test("the patient sees another signed-in browser and signs it out from here", async ({ page, browser }) => {
  // A phone, told apart from the other tests' browsers by its own User-Agent.
  const phone = await browser.newContext({
    userAgent: "Mozilla/5.0 (Linux; Android 14; Test) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 YaBrowser/24.10",
  });
  const phonePage = await phone.newPage();
  await signIn(phonePage);

  await signIn(page);
  await open(page, "/settings");
  await expect(page.locator(".session.current")).toContainText("Этот сеанс");
  const phoneSession = page.locator(".session", { hasText: "Яндекс Браузер, Android" });
  await expect(phoneSession).toHaveCount(1);
  await phoneSession.getByRole("button", { name: "Завершить" }).click();
  await expect(phoneSession).toHaveCount(0);

  await phonePage.goto("/settings");
  await expect(phonePage).toHaveURL("/login");
  await phone.close();
});
