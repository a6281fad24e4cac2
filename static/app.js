// Promptsmith's page script (pictures in have their own file, image_input.js). Everything it does
// is an enhancement: the page works without it (forms post, the server remembers). It copies, sends on Enter, keeps one generation
// at a time per page, saves what you type as you go, switches the theme and shows local times.
// It runs in its own scope, so nothing it names can clash with the page's globals.
(() => {
  "use strict";

  document.documentElement.classList.add("js");

  const BUSY = '#result[aria-busy="true"], #chat[aria-busy="true"], #batch[aria-busy="true"]';

  // --- Copy -------------------------------------------------------------------------------------

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const text = source.value ?? source.textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const hidden = source.hidden;
      source.hidden = false;
      source.select();
      document.execCommand("copy");
      source.hidden = hidden;
    }
    const label = button.textContent;
    button.textContent = "Copied ✓";
    setTimeout(() => (button.textContent = label), 1500);
  });

  // --- One generation at a time: Send and Generate wait while a reply streams --------------------

  function busy() {
    return document.querySelector(BUSY) !== null;
  }

  function queuedHint(show) {
    for (const el of document.querySelectorAll(".composer .queued")) el.hidden = !show;
  }

  function syncBusy() {
    const now = busy();
    for (const button of document.querySelectorAll("[data-send]")) button.disabled = now;
    const form = document.getElementById("gen-form");
    if (!now && form?.dataset.queued) {
      delete form.dataset.queued;
      queuedHint(false);
      form.requestSubmit();
    }
  }

  /** Sends now, or (while a reply streams) once it is finished. */
  function submitOrQueue(form) {
    if (!busy()) return form.requestSubmit();
    const input = document.getElementById("input");
    if (!input?.value.trim()) return;
    form.dataset.queued = "1";
    queuedHint(true);
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const id = event.detail.elt?.id;
    if (id !== "gen-form" && id !== "batch-form") return;
    if (busy()) return event.preventDefault();
    for (const button of document.querySelectorAll("[data-send]")) button.disabled = true;
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form?.id !== "gen-form" || form.getAttribute("hx-post") !== "/ui/chat") return;
    const sent = event.detail.requestConfig?.formData;
    // A sent message leaves the box (it is in the conversation now); Regenerate leaves it alone.
    if (event.detail.successful && !sent?.has?.("regenerate")) {
      const input = document.getElementById("input");
      if (input) input.value = "";
      clearTimeout(saveTimers.get(form));
      saveTimers.delete(form);
    }
  });

  document.addEventListener("htmx:afterSettle", () => {
    syncBusy();
    // A message that could not be sent goes back into an empty box.
    const unsent = document.querySelector("#chat [data-restore]");
    const input = document.getElementById("input");
    if (unsent && input && !input.value.trim()) input.value = unsent.dataset.restore;
    localTimes();
    summarisePresets();
    fitPrompts();
  });
  // Also right after a swap, before the page is painted, so new buttons never show usable.
  document.addEventListener("htmx:afterSwap", () => {
    for (const button of document.querySelectorAll("[data-send]")) button.disabled = busy();
  });
  document.addEventListener("htmx:sendError", syncBusy);
  document.addEventListener("htmx:responseError", syncBusy);

  // --- Keys: Enter sends a chat message, Ctrl+Enter submits any form; h and / -----------------------

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const plainEnter = event.key === "Enter" && !event.shiftKey && !event.ctrlKey &&
      !event.metaKey && !event.altKey && !event.isComposing;
    if (plainEnter && target.matches?.("[data-enter-sends]") && target.form) {
      event.preventDefault();
      submitOrQueue(target.form);
    } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.form) {
      event.preventDefault();
      if (target.form.id === "gen-form") submitOrQueue(target.form);
      else target.form.requestSubmit();
    } else if (!typing && event.key === "h" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      location.href = "/ui/history";
    } else if (!typing && event.key === "/" && document.getElementById("q")) {
      event.preventDefault();
      document.getElementById("q").focus();
    }
  });

  // --- Keep what is typed and chosen: saved as it changes, sent once more when the page goes -------

  const saveTimers = new Map();

  function saveState(form, leaving) {
    const body = new URLSearchParams(new FormData(form));
    if (leaving && navigator.sendBeacon) navigator.sendBeacon("/ui/state", body);
    else fetch("/ui/state", { method: "POST", body }).catch(() => {});
  }

  function scheduleSave(event) {
    const form = event.target.form ?? event.target.closest?.("form");
    if (!form?.hasAttribute("data-autosave")) return;
    clearTimeout(saveTimers.get(form));
    saveTimers.set(form, setTimeout(() => (saveTimers.delete(form), saveState(form)), 600));
  }
  document.addEventListener("input", scheduleSave);
  document.addEventListener("change", scheduleSave);
  addEventListener("pagehide", () => {
    for (const [form, timer] of saveTimers) {
      clearTimeout(timer);
      saveState(form, true);
    }
    saveTimers.clear();
  });

  // --- Theme: light, dark or the system's, switched at once and remembered by the server -----------

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".theme-switch button");
    if (!button) return;
    event.preventDefault();
    const theme = button.value;
    const root = document.documentElement;
    if (theme === "system") delete root.dataset.theme;
    else root.dataset.theme = theme;
    const meta = document.querySelector('meta[name="color-scheme"]');
    if (meta) meta.content = theme === "system" ? "light dark" : theme;
    for (const b of button.parentElement.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b === button));
    }
    fetch("/ui/theme", {
      method: "POST",
      body: new URLSearchParams({ theme }),
      redirect: "manual",
    }).catch(() => {});
  });

  // --- What the presets apply, kept current as they change -----------------------------------------

  function cleanName(text) {
    return text.replace(/\s+/g, " ").trim().replace(/^[^\p{L}\p{N}]+/u, "");
  }

  function summarisePresets(event) {
    const area = document.getElementById("presets");
    const list = document.getElementById("applied-list");
    if (!area || !list) return;
    const items = [];
    for (const el of area.querySelectorAll("select, input:checked")) {
      if (el.disabled || !el.value || el.value === "None" || el.closest(".save-pack")) continue;
      const label = el.tagName === "SELECT"
        ? document.querySelector(`label[for="${el.id}"]`)?.textContent
        : el.closest("fieldset")?.querySelector("legend")?.textContent;
      const value = el.tagName === "SELECT"
        ? el.selectedOptions[0]?.textContent
        : el.closest("label")?.textContent;
      if (label && value) items.push(`${cleanName(label)}: ${cleanName(value)}`);
    }
    list.textContent = items.length
      ? items.join(" · ")
      : "nothing yet — the idea alone decides the look.";
    const count = document.getElementById("applied-count");
    if (count) count.textContent = items.length ? `${items.length} applied` : "none applied";
    // A choice made by hand no longer is the pack that was applied.
    if (event) {
      document.getElementById("applied-pack")?.remove();
      for (const pack of area.querySelectorAll("button.pack.on")) {
        pack.classList.remove("on");
        pack.setAttribute("aria-pressed", "false");
      }
    }
  }
  document.addEventListener("change", (event) => {
    if (event.target.closest?.("#presets") && !event.target.closest(".save-pack")) {
      summarisePresets(event);
    }
  });

  // --- Small touches ------------------------------------------------------------------------------

  function localTimes() {
    for (const time of document.querySelectorAll("time[data-local]")) {
      const date = new Date(time.dateTime);
      if (Number.isNaN(date.getTime())) continue;
      time.title = `${time.dateTime} (UTC)`;
      time.textContent = date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
      time.removeAttribute("data-local");
    }
  }

  // Prompt boxes grow with their text; browsers without CSS field-sizing get it done here.
  function fitPrompts() {
    if (CSS.supports?.("field-sizing", "content")) return;
    for (const box of document.querySelectorAll("textarea.prompt-text")) {
      box.style.height = "auto";
      box.style.height = `${box.scrollHeight + 2}px`;
    }
  }

  document.addEventListener("submit", (event) => {
    const message = event.target.dataset?.confirm;
    if (message && !confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Reasoning stays hidden until a thinking model actually sends some.
  document.addEventListener("htmx:sseBeforeMessage", (event) => {
    if (event.detail.type !== "thinking") return;
    const details = event.target.closest("details.thinking");
    if (details) details.hidden = false;
  });

  // On narrow screens the result sits below the form: bring it into view when it arrives.
  // Only the swap a form post causes moves the page; tokens and the final panel do not.
  document.addEventListener("htmx:afterSwap", (event) => {
    const id = event.detail.requestConfig?.elt?.id;
    if (!matchMedia("(max-width: 900px)").matches) return;
    if (id === "gen-form" || id === "batch-form") {
      const el = document.getElementById(event.detail.target?.id);
      if (el?.id === "chat") document.querySelector(".composer")?.scrollIntoView({ block: "end" });
      else el?.scrollIntoView({ block: "start" });
    }
  });

  localTimes();
  summarisePresets();
  fitPrompts();
  syncBusy();
})();
