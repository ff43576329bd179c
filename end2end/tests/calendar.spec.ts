import { expect, request, test } from "@playwright/test";
import { hydrated, mis, misToken, open, signIn, STAFF, staffPage } from "./helpers";

/**
 * «Календарь событий» and «Действующие направления» fed by the MIS: an
 * administrator makes an MIS client in the admin module, and the test
 * speaks for the MIS with its token — a client with no cookies, as a
 * server would call.
 */

/** `days` from now at 14:00 Moscow time, as the MIS writes instants. */
function moscowAt(days: number): { iso: string; day: string } {
  const date = new Date(Date.now() + days * 24 * 3600 * 1000);
  const ymd = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(date);
  const [y, m, d] = ymd.split("-");
  return { iso: `${ymd}T14:00:00+03:00`, day: `${d}.${m}.${y}` };
}

/** The events of an iCalendar text: its lines unfolded (RFC 5545 3.1), each VEVENT's properties by name. */
function eventsOf(ics: string): Array<Record<string, string>> {
  const lines = ics.replace(/\r\n[ \t]/g, "").split(/\r\n/);
  expect(lines[0]).toBe("BEGIN:VCALENDAR");
  const events: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      events.push(current as Record<string, string>);
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).split(";")[0];
      current[name] = line.slice(colon + 1);
    }
  }
  return events;
}

test("the MIS pushes an appointment, the patient reads it with its memo, cancels it, and sees the MIS close the request live", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const admin = await staffPage(browser, STAFF.admin);
  const api = await mis(baseURL as string, await misToken(admin));
  const when = moscowAt(3);
  const id = `A-E2E-${Date.now()}`;
  const pushed = await api.put("/api/v1/appointments", {
    data: {
      appointments: [{
        id, patient_id: "MIS-100001", doctor_id: "D-3", visit_type: "Консультация",
        clinic_id: "spir", starts_at: when.iso, duration_minutes: 30, status: "booked",
        memo: { text: "Возьмите результаты МРТ." },
      }],
    },
  });
  expect(pushed.status()).toBe(200);
  expect(await pushed.json()).toEqual({ received: 1, changed: 1 });

  await signIn(page);
  await open(page, "/calendar");
  const line = page.locator(".appointment-item", { hasText: `${when.day} 14:00` });
  await expect(line).toContainText("Соколов Андрей Викторович");
  await line.getByRole("link").click();
  await expect(page.locator("#appointment-when")).toContainText(`${when.day} 14:00`);
  await expect(page.locator(".memo")).toContainText("Возьмите результаты МРТ.");
  await expect(page.getByText("Москва, Спиридоньевский пер., 5")).toBeVisible();
  await hydrated(page);

  await page.getByText("Отменить запись").click();
  await page.getByLabel("Причина отмены").fill("Уезжаю в командировку");
  await page.getByRole("button", { name: "Отправить заявку на отмену" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const number = ((await page.locator("#request-number span").first().textContent()) ?? "").match(/З-\d{4}-\d{6}/)?.[0] ?? "";
  expect(number).not.toBe("");
  await expect(page.getByText("Уезжаю в командировку")).toBeVisible();

  // «Все запросы» lists it; the MIS reads it and closes it; the open page follows.
  await open(page, "/requests");
  const item = page.locator(".request-item", { hasText: number });
  await expect(item).toContainText("Отмена записи");
  await expect(item).toContainText("Отправлена");
  const feed = await (await api.get("/api/v1/requests?limit=500")).json();
  const read = feed.requests.find((r: { number: string }) => r.number === number);
  expect(read.kind).toBe("cancel_appointment");
  expect(read.about).toBe(id);
  const moved = await api.post(`/api/v1/requests/${encodeURIComponent(number)}/status`, {
    data: { status: "done", comment: "Запись отменена." },
  });
  expect(moved.status()).toBe(200);
  await expect(item).toContainText("Выполнена", { timeout: 15_000 });
  await expect(page.locator(".live-news")).toContainText(number);

  // The MIS says the appointment is cancelled: the calendar shows it so.
  await api.put("/api/v1/appointments", {
    data: {
      appointments: [{
        id, patient_id: "MIS-100001", doctor_id: "D-3", visit_type: "Консультация",
        clinic_id: "spir", starts_at: when.iso, duration_minutes: 30, status: "cancelled",
      }],
    },
  });
  await open(page, `/calendar/${id}`);
  await expect(page.locator("#appointment-when")).toContainText("Запись отменена");
  await expect(page.getByText("Отменить запись")).toHaveCount(0);
});

test("two ticked referrals open the booking form with them as the reason, and the request records them", async ({ page }) => {
  await signIn(page);
  await open(page, "/referrals");
  await expect(page.getByText("Консультация эндокринолога")).toHaveCount(0);
  const lab = page.getByRole("checkbox", { name: /Общий анализ крови/ });
  await expect(lab).toBeDisabled();
  await page.getByRole("checkbox", { name: /Консультация кардиолога/ }).check();
  await page.getByRole("checkbox", { name: /УЗИ щитовидной железы/ }).check();
  await page.getByRole("button", { name: "Записаться на прием/исследование" }).click();
  await expect(page).toHaveURL(/\/booking\?referral=/);
  const reason = page.getByLabel("Повод обращения");
  await expect(reason).toHaveValue(/По направлению:[\s\S]*УЗИ щитовидной железы[\s\S]*Консультация кардиолога/);
  await hydrated(page);
  const soon = new Date(Date.now() + 4 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Желаемая дата").fill(soon);
  await page.getByRole("button", { name: "Отправить заявку" }).click();
  await expect(page).toHaveURL(/\/requests\/.+\?sent=1$/);
  const facts = page.locator(".facts");
  await expect(facts).toContainText("Направления");
  await expect(facts).toContainText("Консультация кардиолога (Иванова Мария Олеговна, до ");
  await expect(facts).toContainText("УЗИ щитовидной железы (Иванова Мария Олеговна, до ");
});

test("the personal calendar feed made in «Настройки» parses and lists the appointments, with details only when chosen", async ({ page, baseURL }) => {
  await signIn(page);
  await open(page, "/settings");
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Подписка на календарь" }) });
  await card.getByRole("button", { name: "Создать ссылку" }).click();
  const url = card.locator("[data-output-field=url]");
  await expect(url).toHaveText(/\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
  const address = new URL((await url.textContent()) ?? "");
  const calendar = await request.newContext({ baseURL });
  const first = await calendar.get(address.pathname);
  expect(first.status()).toBe(200);
  expect(first.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
  const events = eventsOf(await first.text());
  const visit = events.find((e) => e.UID.startsWith("A-1001@"));
  expect(visit).toBeDefined();
  expect(visit?.SUMMARY).toBe("Приём в клинике");
  expect(visit?.LOCATION).toBeUndefined();
  expect(visit?.DTSTART).toMatch(/^\d{8}T073000Z$/);

  // Made anew with details: the old address no longer answers.
  await open(page, "/settings");
  await card.getByLabel(/Показывать в календаре врача/).check();
  await card.getByRole("button", { name: /Создать новую ссылку/ }).click();
  await expect(url).toHaveText(/\.ics$/);
  const detailed = new URL((await url.textContent()) ?? "");
  expect((await calendar.get(address.pathname)).status()).toBe(404);
  const withDetails = eventsOf(await (await calendar.get(detailed.pathname)).text());
  const again = withDetails.find((e) => e.UID.startsWith("A-1001@"));
  expect(again?.SUMMARY).toBe("Повторный приём: Петров Пётр Петрович");
  expect(again?.LOCATION).toContain("Спиридоньевский");
});
