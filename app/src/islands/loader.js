// Brings the page's islands to life. A page without one downloads no
// script and no wasm at all; a page with them downloads both, hydrates each
// island in the order of the page, then marks <body data-hydrated>. Should
// the download fail (a phone losing its network), the page stays what the
// server sent: every form in it still posts as plain HTML.
((script, wasm) => {
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
