// Brings the page's islands to life. A page without one downloads no
// script and no wasm at all; a page with them downloads both, hydrates each
// island in the order of the page, then marks <body data-hydrated>. Should
// the download fail (a phone losing its network), the page stays what the
// server sent: every form in it still posts as plain HTML.
//
// On every page it also registers the service worker (reading offline:
// server/src/pwa/) and, where the browser offers to install the cabinet,
// shows the page's «Установить приложение» button for it.
((script, wasm) => {
  navigator.serviceWorker?.register("/sw.js").catch((error) => {
    console.warn("no reading offline:", error);
  });
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
