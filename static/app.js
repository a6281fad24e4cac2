// Promptsmith's only script of its own: copy buttons, keyboard shortcuts, small streaming touches.
// Everything it does is an enhancement; the page works without it.
"use strict";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = source.value ?? source.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    source.hidden = false;
    source.select();
    document.execCommand("copy");
    if (source.id === "both") source.hidden = true;
  }
  const label = button.textContent;
  button.textContent = "Copied ✓";
  setTimeout(() => (button.textContent = label), 1500);
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.form) {
    event.preventDefault();
    target.form.requestSubmit();
  } else if (!typing && event.key === "h" && !event.ctrlKey && !event.metaKey && !event.altKey) {
    location.href = "/ui/history";
  } else if (!typing && event.key === "/" && document.getElementById("q")) {
    event.preventDefault();
    document.getElementById("q").focus();
  }
});

// Reasoning stays hidden until a thinking model actually sends some.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  if (event.detail.type !== "thinking") return;
  const details = event.target.closest("details.thinking");
  if (details) details.hidden = false;
});

// Keep the newest streamed words in view inside the transcript without moving the page.
document.addEventListener("htmx:sseMessage", (event) => {
  const list = event.target.closest(".transcript");
  if (list) list.scrollTop = list.scrollHeight;
});

// On narrow screens the result sits below the form: bring it into view when it arrives.
document.addEventListener("htmx:afterSwap", (event) => {
  const el = event.detail.elt;
  if (!(el instanceof HTMLElement) || !matchMedia("(max-width: 900px)").matches) return;
  if (el.id === "result" || el.id === "chat") {
    el.scrollIntoView({ behavior: "smooth", block: "start" });
  }
});
