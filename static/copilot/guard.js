// Loaded without `defer`, before the page is parsed. Until htmx has processed the
// page, a websocket form's submit would be a native one (a page reload that drops what
// was typed): the stylesheet keeps such buttons inert until the page is marked ready,
// and a submit made before then (Enter in a field) is held back.
document.addEventListener("htmx:load", () => { document.documentElement.dataset.htmx = "ready"; }, { once: true });
document.addEventListener("submit", (event) => {
  if (document.documentElement.dataset.htmx !== "ready" && event.target.closest("[ws-send]")) {
    event.preventDefault();
  }
}, true);
