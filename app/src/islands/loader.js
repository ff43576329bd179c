// Brings the page's islands to life. A page without one downloads no
// script and no wasm at all; a page with them downloads both, hydrates each
// island in the order of the page, then marks <body data-hydrated>. Should
// the download fail (a phone losing its network), the page stays what the
// server sent: every form in it still posts as plain HTML.
//
// On every page it also registers the service worker (reading offline:
// server/src/pwa/), shows the page's «Установить приложение» button where
// the browser offers to install the cabinet, and keeps the keyboard's focus
// with the phone's menu drawer.
((script, wasm) => {
  // A browser that refuses it (a private window, a policy) gets every page
  // from the server as before, so a refusal is not worth a warning.
  navigator.serviceWorker?.register("/sw.js").catch(() => {});
  addEventListener("beforeinstallprompt", (offer) => {
    const button = document.querySelector("[data-install]");
    if (!button) return;
    offer.preventDefault();
    button.hidden = false;
    button.onclick = () => {
      button.hidden = true;
      offer.prompt();
    };
  });
  // «Главное меню» opens over a phone's page as the «Меню» link's target
  // (CSS :target, no script needed). With the script, focus follows it: in
  // on opening, held inside while it is open (Tab wraps, Escape closes),
  // and back on «Меню» when it closes.
  const menu = document.getElementById("main-menu");
  const toggle = document.querySelector(".menu-toggle");
  if (menu && toggle) {
    const drawer = () => location.hash === "#main-menu" && getComputedStyle(toggle).display !== "none";
    const stops = () => [...menu.querySelectorAll("a[href], button")].filter((e) => e.offsetParent);
    let open = drawer();
    addEventListener("hashchange", () => {
      const was = open;
      open = drawer();
      if (open) stops()[0]?.focus();
      else if (was) toggle.focus();
    });
    menu.addEventListener("keydown", (event) => {
      if (!open) return;
      if (event.key === "Escape") {
        location.hash = "";
      } else if (event.key === "Tab") {
        const all = stops();
        const edge = event.shiftKey ? all[0] : all[all.length - 1];
        if (document.activeElement === edge) {
          event.preventDefault();
          (event.shiftKey ? all[all.length - 1] : all[0]).focus();
        }
      }
    });
  }
  const islands = document.querySelectorAll("leptos-island");
  const mark = (name) => document.body.setAttribute(name, "true");
  if (islands.length === 0) {
    mark("data-hydrated");
    return;
  }
  import(script)
    .then(async (module) => {
      await module.default({ module_or_path: wasm });
      module.hydrate();
      for (const island of islands) {
        const hydrate = module[island.dataset.component];
        if (hydrate) {
          await hydrate(island);
        } else {
          console.warn("no code for the island", island.dataset.component);
        }
      }
      mark("data-hydrated");
    })
    .catch((error) => {
      mark("data-hydration-failed");
      console.warn("the page goes on without its scripts:", error);
    });
})
