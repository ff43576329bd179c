import { defineConfig, devices } from "@playwright/test";

// Browser tests in Debian's Chromium (Playwright cannot download its own
// here) against the built server with demo data on a fresh SQLite file, and
// maildev as the SMTP sink. Started and stopped by Playwright itself.
const APP_PORT = process.env.E2E_APP_PORT ?? "3300";
const SMTP_PORT = process.env.E2E_SMTP_PORT ?? "3325";
const MAIL_WEB_PORT = process.env.E2E_MAIL_WEB_PORT ?? "3380";
const ROOT = `${__dirname}/..`;

export default defineConfig({
  testDir: "./tests",
  // Traces of failed tests stay beside the specs (git-ignored), wherever the command runs from.
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    locale: "ru-RU",
    trace: "retain-on-failure",
    // The service worker is tested in pwa.spec.ts, which allows it. Every
    // other test sees the pages as the server sends them: a worker in
    // between would hide the requests they route and download the debug
    // build's wasm (tens of MB) into each new browser's cache.
    serviceWorkers: "block",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 } } },
  ],
  webServer: [
    {
      command: `npx maildev --ip 127.0.0.1 --smtp ${SMTP_PORT} --web ${MAIL_WEB_PORT} --silent`,
      cwd: ROOT,
      url: `http://127.0.0.1:${MAIL_WEB_PORT}/api/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // E2E_SERVER=target/release/server runs the tests against the release
      // build (make test does, for the tests tagged @release).
      command: `rm -rf target/e2e && exec ${process.env.E2E_SERVER ?? "target/debug/server"} --demo`,
      cwd: ROOT,
      url: `http://127.0.0.1:${APP_PORT}/readyz`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        // E2E_DATABASE_URL runs the same suite against PostgreSQL (an empty database).
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "sqlite://target/e2e/cabinet.db",
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        LEPTOS_SITE_ROOT: "target/site",
        SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
        LOG_LEVEL: "warn",
        // Every test signs in from 127.0.0.1: the per-address limit of a
        // real deployment would stop the suite, not an attacker.
        RATE_LIMIT_BURST: "500",
      },
    },
  ],
});
