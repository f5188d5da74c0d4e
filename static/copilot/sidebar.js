// Copy-out buttons: copy the named textarea's text to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = () => { button.textContent = "Copied"; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(done, () => field.select());
  } else {
    field.select();
  }
});

// Tabs of the copilot panel: show one panel at a time (without JavaScript both show).
const tabs = Array.from(document.querySelectorAll('.tabs [role="tab"]'));
const selectTab = (chosen) => {
  for (const tab of tabs) {
    const selected = tab === chosen;
    tab.setAttribute("aria-selected", String(selected));
    const panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel) panel.hidden = !selected;
  }
};
tabs.forEach((tab) => tab.addEventListener("click", () => selectTab(tab)));
if (tabs.length) selectTab(tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0]);

// Close buttons (e.g. of an opened note excerpt) empty their target.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close]");
  if (!button) return;
  const target = document.getElementById(button.dataset.close);
  if (target) target.replaceChildren();
});

// An opened note scrolls to the cited excerpt.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "source-view") return;
  const excerpt = document.getElementById("cited-excerpt");
  if (excerpt) excerpt.scrollIntoView({ block: "center" });
});

// A summary drafted from the Summaries tab streams into the drafting panel: show it.
document.addEventListener("htmx:wsAfterMessage", () => {
  const drafted = document.querySelector(".summary-form[data-drafted]");
  if (!drafted) return;
  drafted.removeAttribute("data-drafted");
  const tab = document.getElementById("tab-drafting");
  if (tab) selectTab(tab);
});
