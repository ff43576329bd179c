import { expect, test } from "@playwright/test";
import { DEMO } from "./helpers";

// A phone on a bad network: the page arrives, its wasm does not. The page
// stays the HTML the server sent, and its forms post as plain HTML forms.
test("when the wasm cannot be downloaded the patient still signs in and sends a request", async ({ page }) => {
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort("internetdisconnected"));
  await page.goto("/login");
  await expect(page.locator("body[data-hydration-failed]")).toHaveCount(1);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);

  await page.getByLabel("Логин").fill(DEMO.login);
  await page.getByLabel("Пароль").fill(DEMO.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Главная");

  await page.goto("/feedback");
  await expect(page.locator("body[data-hydration-failed]")).toHaveCount(1);
  await page.getByLabel("Тип сообщения").selectOption({ label: "Предложение по развитию" });
  await page.getByLabel("Сообщение").fill("Спасибо, всё работает и без скриптов");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  await expect(page.locator("#request-number")).toContainText("З-");
  await expect(page.getByText("Спасибо, всё работает и без скриптов")).toBeVisible();
});
