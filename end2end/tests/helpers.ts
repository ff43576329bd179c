import { expect, Page } from "@playwright/test";

/** The «Главное меню» of SECTIONS.md, in order, with the routes. */
export const MENU: Array<[string, string]> = [
  ["/booking", "Записаться на прием/исследование"],
  ["/documents", "Запросить документы"],
  ["/calendar", "Календарь событий"],
  ["/referrals", "Действующие направления"],
  ["/results", "Результаты анализов и исследований"],
  ["/home-visit", "Вызвать врача на дом"],
  ["/news", "Новости ЕМС"],
  ["/promotions", "Акции ЕМС"],
  ["/finance", "Финансы"],
  ["/requests", "Все запросы"],
  ["/settings", "Настройки"],
  ["/feedback", "Ваши предложения"],
];

/** Opens a page and waits until hydration has finished: earlier clicks are lost. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}
