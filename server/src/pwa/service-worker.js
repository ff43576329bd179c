// The cabinet's service worker, served at /sw.js by server/src/pwa/mod.rs,
// which fills in RELEASE and SHELL_FILES for the build being served.
//
// - This release's files (stylesheet, JS, wasm, icon, the «Нет соединения»
//   page) are kept when it installs, in a cache named after the release;
//   when it takes over, the caches of earlier releases go. The site's own
//   files carry their content's hash in their names, so a page always gets
//   exactly the files it names: never a mix of two releases.
// - A signed-in patient's «Главная», «Календарь событий», «Результаты…»
//   and «Все запросы» pages are fetched from the server first; a copy of
//   each, with the stylesheet it names, is kept on the device. Offline the
//   copy is shown, with its note «…копия страницы на <время>» uncovered.
// - The copies go when the patient signs out, when a page comes back as
//   «Вход» (the session ended), and once the session would have ended (the
//   server tells when: `x-session-ends`), checked whenever the app opens a
//   page, online or not. A page of a visitor who is not signed in is never
//   kept (it has no `x-session-ends`).
// - Sending anything (every POST) always goes to the server: offline it
//   fails, and the page says it needs a connection, keeping what was typed.

const RELEASE = "__RELEASE__";
const SHELL_FILES = __SHELL_FILES__;
const SHELL = `shell-${RELEASE}`;
const COPIES = "copies";
const OFFLINE_PAGE = "/offline";
const READABLE = /^\/((calendar|results|requests)(\/.*)?)?$/;
const SIGN_OUT = "/api/sign_out";
const SESSION_ENDS = "x-session-ends";
const STYLESHEET = "x-stylesheet";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("shell-") && name !== SHELL)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(dropEndedSession)
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SIGN_OUT) {
    event.waitUntil(forgetCopies());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.waitUntil(dropEndedSession());
    event.respondWith(page(request, url));
  } else if (SHELL_FILES.includes(url.pathname) || url.pathname.startsWith("/pkg/")) {
    event.respondWith(file(request));
  }
});

/** A page: from the server; offline, its copy or «Нет соединения». */
async function page(request, url) {
  const readable = READABLE.test(url.pathname);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const copy = readable ? await copyOf(url) : null;
    return copy ?? (await caches.match(OFFLINE_PAGE, { ignoreVary: true })) ?? Response.error();
  }
  if (response.redirected && new URL(response.url).pathname === "/login") {
    await forgetCopies();
  } else if (
    readable &&
    response.ok &&
    response.headers.has(SESSION_ENDS) &&
    (response.headers.get("content-type") ?? "").startsWith("text/html")
  ) {
    await keepCopy(url, response.clone());
  }
  return response;
}

/** One of the site's files: this release's from the cache, else the server's. */
async function file(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (kept) return kept;
  return fetch(request);
}

async function keepCopy(url, response) {
  const html = await response.text();
  const stylesheet = /<link[^>]+id="leptos"[^>]+href="([^"]+)"/.exec(html)?.[1]
    ?? /<link[^>]+href="([^"]+\.css)"/.exec(html)?.[1];
  const headers = new Headers(response.headers);
  if (stylesheet) headers.set(STYLESHEET, stylesheet);
  const copies = await caches.open(COPIES);
  await copies.put(url.href, new Response(html, { status: 200, headers }));
  if (stylesheet && !(await copies.match(stylesheet))) {
    const kept = (await caches.match(stylesheet)) ?? (await fetch(stylesheet).catch(() => null));
    if (kept?.ok) await copies.put(stylesheet, kept);
  }
  // A stylesheet no copy names any more (an earlier release's) goes.
  const named = new Set();
  const requests = await copies.keys();
  for (const request of requests) {
    const named_by = (await copies.match(request))?.headers.get(STYLESHEET);
    if (named_by) named.add(new URL(named_by, self.location.origin).href);
  }
  for (const request of requests) {
    if (new URL(request.url).pathname.startsWith("/pkg/") && !named.has(request.url)) {
      await copies.delete(request);
    }
  }
}

/** The copy of `url`, with its note uncovered; none once the session is over. */
async function copyOf(url) {
  const copies = await caches.open(COPIES);
  const copy = await copies.match(url.href);
  if (!copy) return null;
  const ends = Number(copy.headers.get(SESSION_ENDS));
  if (!(ends > Date.now())) {
    await forgetCopies();
    return null;
  }
  return new Response(uncoverNote(await copy.text()), { status: 200, headers: copy.headers });
}

/** The page with its note about the copy no longer `hidden`. */
function uncoverNote(html) {
  const at = html.indexOf('class="offline-copy"');
  if (at < 0) return html;
  const start = html.lastIndexOf("<p", at);
  const end = html.indexOf(">", at);
  const tag = html.slice(start, end + 1).replace(/\shidden(="[^"]*")?(?=[\s>])/, "");
  return html.slice(0, start) + tag + html.slice(end + 1);
}

function forgetCopies() {
  return caches.delete(COPIES);
}

/** Drops the copies once their session is over, checked whenever the app opens a page. */
async function dropEndedSession() {
  if (!(await caches.has(COPIES))) return;
  const copies = await caches.open(COPIES);
  for (const request of await copies.keys()) {
    const ends = (await copies.match(request))?.headers.get(SESSION_ENDS);
    if (ends !== null && ends !== undefined && !(Number(ends) > Date.now())) {
      await forgetCopies();
      return;
    }
  }
}
