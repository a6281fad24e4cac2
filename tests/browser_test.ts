import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  browserSuite,
  busyRecord,
  DESKTOP,
  FLUX_PROMPT,
  open,
  PHONE,
  saved,
  serve,
  shot,
  watchAnnouncements,
  watchBusy,
  watchResultHeight,
} from "./browser.ts";
import { waitFor } from "./helpers.ts";
import { startFakeComfy } from "./fakes/fake_comfyui.ts";

// Quick Generate, presets, History, ComfyUI, the theme, keyboard and safety, in Chromium at
// 1366×900 and 390×844, light and dark; screenshots in test-output/. Chat, offline, Batch and the
// page without JavaScript are in browser_chat_test.ts, so the two files run side by side.

browserSuite(
  "browser: generate, presets, History, ComfyUI and the theme",
  async (step, browser) => {
    await step(
      "Quick Generate streams with Generate held, announces the prompt once, and its box neither clips nor shrinks",
      async () => {
        const env = await serve({ fake: { tokenDelayMs: 12, reply: () => FLUX_PROMPT } });
        try {
          const { page: p, errors } = await open(browser);
          await p.goto(env.url);
          await watchAnnouncements(p);
          await p.fill("#input", "a lighthouse keeper in a storm");
          await watchResultHeight(p);
          await watchBusy(p);
          await p.click("#gen-form button.primary");
          await p.waitForFunction(() =>
            (document.querySelector(".stream-text")?.textContent ?? "").length > 20
          ).catch(async (err) => {
            const result = await p.innerHTML("#result").catch(() => "(no #result)");
            throw new Error(
              `${err}\nurl ${p.url()}\ninput ${await p.inputValue("#input")}\nerrors ${errors}\n` +
                `requests ${env.t.fake.chatRequests().length}\n#result ${result.slice(0, 1500)}`,
            );
          });
          equal(await p.getAttribute("#result", "aria-busy"), "true");
          equal(await p.getAttribute("#result", "aria-live"), null, "tokens are not announced");
          await p.waitForSelector("#positive");
          const held = await busyRecord(p);
          ok(
            held.seen > 0 && held.open === 0,
            `Generate waits while it streams: ${JSON.stringify(held)}`,
          );
          await p.waitForFunction(() =>
            !(document.querySelector("#gen-form button.primary") as HTMLButtonElement).disabled
          );
          const announced = await p.evaluate(() =>
            (window as unknown as { announced: string[] }).announced
          );
          equal(announced.length, 1, announced.join(" | "));
          ok(announced[0]!.startsWith("Prompt ready: A weathered lighthouse keeper"));
          const box = await p.$eval("#positive", (el) => ({
            scroll: el.scrollHeight,
            client: el.clientHeight,
          }));
          ok(box.scroll <= box.client + 1, `the prompt fits its box (${JSON.stringify(box)})`);
          const heights = await p.evaluate(() =>
            (window as unknown as { heights: { busy: boolean; h: number }[] }).heights
          );
          const streaming = Math.max(...heights.filter((h) => h.busy).map((h) => h.h));
          const done = heights.at(-1)!.h;
          ok(done >= streaming - 1, `no jump: ${streaming}px while streaming, ${done}px done`);
          await shot(p, "result-1366-light");
          const id = env.t.services.history.use().list({ limit: 1 }).history[0]!.id;
          for (
            const [size, scheme, name] of [
              [PHONE, "light", "result-390-light"],
              [PHONE, "dark", "result-390-dark"],
              [DESKTOP, "dark", "result-1366-dark"],
            ] as const
          ) {
            const other = await open(browser, { size, scheme });
            await other.page.goto(`${env.url}/?result=${id}`);
            const fits = await other.page.$eval(
              "#positive",
              (el) => el.scrollHeight <= el.clientHeight + 1,
            );
            ok(fits, `${name}: the prompt fits its box`);
            const width = await other.page.evaluate(() => document.documentElement.scrollWidth);
            ok(width <= size.width, `${name}: no sideways scroll (${width}px)`);
            // On a phone the result is under the form: shoot it where the user scrolls to.
            await other.page.locator("#result").scrollIntoViewIfNeeded();
            await shot(other.page, name, { full: size !== PHONE });
            await other.context.close();
          }
          deepEqual(errors, []);
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "a structured reply that breaks mid-stream leaves the stream before the text retry shows",
      async () => {
        const env = await serve({
          fake: { tokenDelayMs: 25, reply: () => FLUX_PROMPT, formatReplies: "invalid" },
        });
        try {
          const { page: p } = await open(browser);
          await p.goto(env.url);
          // Every state of the streamed text, to see the partial values go before the retry.
          await p.evaluate(() => {
            const w = window as unknown as { streamed: string[]; reasoned: string[] };
            w.streamed = [];
            w.reasoned = [];
            new MutationObserver(() => {
              const pre = document.querySelector(".stream-text");
              if (pre && pre.textContent !== w.streamed.at(-1)) w.streamed.push(pre.textContent!);
              const thinking = document.querySelector(".streaming .thinking pre");
              if (thinking && thinking.textContent !== w.reasoned.at(-1)) {
                w.reasoned.push(thinking.textContent!);
              }
            }).observe(document.body, { subtree: true, childList: true, characterData: true });
          });
          // Reasoning on: each attempt streams the model's reasoning too.
          await p.evaluate(() => {
            (document.querySelector("input[name=think]") as HTMLInputElement).checked = true;
          });
          await p.fill("#input", "a lighthouse keeper");
          await p.click("#gen-form button.primary");
          await p.waitForSelector("#positive");
          const streamed = await p.evaluate(() =>
            (window as unknown as { streamed: string[] }).streamed
          );
          const partial = streamed.findIndex((s) => s.includes("rambles"));
          ok(partial >= 0, `the partial values streamed: ${JSON.stringify(streamed.slice(0, 5))}`);
          const reset = streamed.indexOf("", partial);
          ok(reset > partial, "then the stream was emptied");
          ok(
            streamed.slice(reset).every((s) => !s.includes("rambles")),
            "the retry's text never follows the partial values",
          );
          ok(!(await p.inputValue("#positive")).includes("rambles"));
          // Both attempts reason alike; the pane must never hold the failed one's beside the
          // retry's.
          const reasoned = await p.evaluate(() =>
            (window as unknown as { reasoned: string[] }).reasoned
          );
          const copies = (text: string) => text.split("I should think about light").length - 1;
          ok(reasoned.some((r) => copies(r) === 1), `reasoning streamed: ${reasoned.at(-1)}`);
          ok(
            reasoned.every((r) => copies(r) <= 1),
            `one attempt's reasoning at a time: ${reasoned.at(-1)}`,
          );
        } finally {
          await env.close();
        }
      },
    );
    await step(
      "Stop keeps the reply so far, marked stopped and not as an error, even after a reload",
      async () => {
        const env = await serve({ fake: { tokenDelayMs: 40, reply: () => "slow ".repeat(200) } });
        try {
          const { page: p } = await open(browser, { size: PHONE });
          await p.goto(env.url);
          await p.fill("#input", "a slow idea");
          await p.click("#gen-form button.primary");
          await p.waitForFunction(() =>
            (document.querySelector(".stream-text")?.textContent ?? "").length > 20
          );
          await waitFor(() => env.t.fake.openStreams === 1, 15_000, "upstream stream open");
          await p.click("button.stop");
          await p.waitForSelector("#result .badge:has-text('Stopped')");
          equal(await p.locator("#result [role=alert]").count(), 0, "no error box");
          match(await p.inputValue("#positive"), /^slow slow/);
          await waitFor(() => env.t.fake.openStreams === 0, 15_000, "upstream cancelled");
          equal(env.t.services.history.use().list({ limit: 5 }).total, 0, "not in history");
          await shot(p, "stopped-390-light", { full: false });
          await p.reload();
          ok(await p.isVisible("#result .badge:has-text('Stopped')"), "still there");
          match(await p.inputValue("#positive"), /^slow slow/);
          equal(await p.inputValue("#input"), "a slow idea");
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "the idea, target, LLM, presets and result stay across History, the tabs and a new visit",
      async () => {
        const env = await serve();
        try {
          const { context, page: p } = await open(browser);
          await p.goto(env.url);
          await p.fill("#input", "a paper lantern festival");
          await saved(p);
          await p.selectOption("select[name=model]", "sdxl");
          await saved(p);
          await p.selectOption("#ollama_model", "llama3.2:latest");
          await saved(p);
          await p.click("button.pack:has-text('Noir Detective')");
          await p.waitForSelector("button.pack.on:has-text('Noir Detective')");
          await p.selectOption("#legacy-lighting", "Golden Hour");
          await saved(p);
          await p.click("nav[aria-label=Main] a:has-text('History')");
          await p.waitForURL(/\/ui\/history/);
          await p.click("nav[aria-label=Main] a:has-text('Create')");
          equal(await p.inputValue("#input"), "a paper lantern festival");
          ok((await p.inputValue("select[name=model]")) === "sdxl");
          equal(await p.inputValue("#ollama_model"), "llama3.2:latest");
          equal(await p.inputValue("#h_artist"), "frank_miller");
          equal(await p.inputValue("#legacy-lighting"), "Golden Hour");
          ok(await p.isVisible("button.pack.on:has-text('Noir Detective')"), "pack still active");
          await p.click("nav.tabs a:has-text('Chat & Refine')");
          ok((await p.inputValue("select[name=model]")) === "sdxl", "chat shares the target");
          equal(await p.inputValue("#h_artist"), "frank_miller");
          await p.click("nav.tabs a:has-text('Quick Generate')");
          equal(await p.inputValue("#input"), "a paper lantern festival");
          await p.click("#gen-form button.primary");
          await p.waitForSelector("#positive");
          const prompt = await p.inputValue("#positive");
          // A new tab of the same browser (same cookies) finds everything as it was.
          const again = await context.newPage();
          await again.goto(env.url);
          equal(await again.inputValue("#positive"), prompt, "the last result is back");
          equal(await again.inputValue("#input"), "a paper lantern festival");
          await shot(again, "remembered-1366-light");
          await context.close();
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "presets: the active pack, what is applied, clear all, save as your own pack, and what each kind does",
      async () => {
        const env = await serve();
        try {
          const { page: p } = await open(browser);
          await p.goto(env.url);
          ok(await p.isVisible(".presets .intro:has-text('Four ways to set the look')"));
          match(await p.textContent("#applied-list") ?? "", /nothing yet/);
          await p.click("button.pack:has-text('Studio Ghibli Magic')");
          await p.waitForSelector(
            "button.pack[aria-pressed=true]:has-text('Studio Ghibli Magic')",
          );
          match(await p.textContent("#applied-list") ?? "", /Artist: Hayao Miyazaki/);
          await p.selectOption("#legacy-style", "Watercolor");
          match(await p.textContent("#applied-list") ?? "", /Style: Watercolor/);
          match(await p.textContent("#applied-count") ?? "", /\d+ applied/);
          await p.fill("#pack_name", "My Ghibli watercolors");
          await p.click("button:has-text('Save pack')");
          await p.waitForSelector(".applied .notice:has-text('Saved')");
          ok(await p.isVisible("button.pack.on:has-text('My Ghibli watercolors')"));
          await shot(p, "presets-1366-light");
          // A hand-made change is no longer the pack.
          await p.selectOption("#category", "fantasy");
          await p.waitForSelector("#type:not([disabled])");
          equal(await p.locator("button.pack.on").count(), 0);
          await p.click("button:has-text('Clear all presets')");
          await p.waitForSelector(".applied .notice:has-text('Cleared')");
          equal(await p.inputValue("#category"), "");
          equal(await p.inputValue("#legacy-style"), "None");
          match(await p.textContent("#applied-list") ?? "", /nothing yet/);
          const custom = env.t.services.custom.use().list();
          equal(custom.length, 1);
          equal(custom[0]!.kind, "packs");

          const phone = await open(browser, { size: PHONE, scheme: "dark" });
          await phone.page.goto(env.url);
          await phone.page.click("button.pack:has-text('Noir Detective')");
          await phone.page.waitForSelector("button.pack.on");
          await phone.page.locator(".applied").scrollIntoViewIfNeeded();
          await shot(phone.page, "presets-390-dark", { full: false });
          await phone.context.close();
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "history: Copy takes both prompts, the count follows a delete, times are local",
      async () => {
        const env = await serve();
        try {
          for (const input of ["a red lighthouse", "a blue whale", "a lighthouse keeper"]) {
            await env.t.post("/generate", { input, engine: "composer", model: "sdxl" });
          }
          const { context, page: p } = await open(browser, { timezone: "Asia/Tokyo" });
          await context.grantPermissions(["clipboard-read", "clipboard-write"]);
          await p.goto(`${env.url}/ui/history`);
          const entry = env.t.services.history.use().list({ limit: 1 }).history[0]!;
          const time = await p.textContent("article.entry time");
          ok(!time!.includes("UTC"), `local time: ${time}`);
          await p.locator("article.entry").first().locator("button.copy").click();
          const copied = await p.evaluate(() => navigator.clipboard.readText());
          equal(copied, `${entry.positive}\n\nNegative prompt: ${entry.negative}`);
          match(await p.textContent("#history-count") ?? "", /^3 entries/);
          p.once("dialog", (d) => d.accept());
          await p.locator("article.entry").first().locator("button.danger").click();
          await p.waitForFunction(() => document.querySelectorAll("article.entry").length === 2);
          match(await p.textContent("#history-count") ?? "", /^2 entries/);
          await p.fill("#q", "lightho");
          await p.waitForFunction(() => document.querySelectorAll("article.entry").length === 1);
          await shot(p, "history-1366-light");
          const phone = await open(browser, { size: PHONE, scheme: "dark" });
          await phone.page.goto(`${env.url}/ui/history`);
          await shot(phone.page, "history-390-dark");
          await phone.context.close();
          await context.close();
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "ComfyUI: the address is set on the page, the right workflow and the negative are shown, steps count, images reach History",
      async () => {
        const comfy = startFakeComfy({ steps: 6, stepMs: 60 });
        const env = await serve({ env: { COMFYUI_URL: "http://127.0.0.1:9" } });
        try {
          const { page: p } = await open(browser);
          await p.goto(`${env.url}/ui/comfy`);
          ok(await p.isVisible("text=ComfyUI does not answer"));
          await p.fill("#comfy-url", comfy.url);
          await p.click("button:has-text('Save address')");
          await p.waitForSelector("text=Connected to ComfyUI");
          equal(await env.t.services.comfyAddress.saved(), comfy.url, "kept for restarts");
          for (
            const [name, file] of [["A flux graph", "flux_api"], [
              "Portraits",
              "sdxl_api",
            ]] as const
          ) {
            await p.fill("#wf-name", name);
            await p.fill(
              "#wf-json",
              Deno.readTextFileSync(new URL(`./fixtures/${file}.json`, import.meta.url)),
            );
            await p.click("button:has-text('Save workflow')");
            await p.waitForSelector(`.workflows strong:has-text('${name}')`);
          }
          const renameId = (await p.getAttribute(
            ".workflows li:has-text('Portraits')",
            "id",
          ))!.replace("workflow-", "");
          await p.fill(`#wf-rename-${renameId}`, "SDXL portraits");
          await p.click(`#workflow-${renameId} button:has-text('Rename')`);
          await p.waitForSelector(".workflows strong:has-text('SDXL portraits')");
          await shot(p, "comfy-1366-light");

          await p.goto(env.url);
          await p.fill("#input", "a lighthouse at night");
          await p.selectOption("select[name=model]", "sdxl");
          await p.click("#gen-form button.primary");
          await p.waitForSelector("#positive");
          await p.click("a:has-text('Send to ComfyUI')");
          equal(
            await p.textContent("#workflow_id option:checked"),
            "SDXL portraits",
            "the SDXL workflow, not the Flux one",
          );
          match(await p.textContent(".prompt-text.boxed >> nth=1") ?? "", /blurry/);
          await p.setViewportSize(PHONE);
          await shot(p, "comfy-send-390-light");
          await p.setViewportSize(DESKTOP);
          await p.click("button:has-text('Send')");
          await p.waitForURL(/\/ui\/comfy\/jobs\//);
          await p.waitForSelector("text=State: done");
          equal(await p.textContent("#job-steps"), "Step 6 of 6 (100%)");
          await shot(p, "comfy-job-1366-light");
          const id = env.t.services.history.use().list({ limit: 1 }).history[0]!.id;
          const entry = await (await env.t.request(`/history/${id}`)).json();
          equal(entry.images.length, 1);
          equal(entry.images[0].url, `/api/comfyui/history/${id}/images/0`);
          await p.goto(`${env.url}/ui/history`);
          await p.waitForFunction(() => {
            const img = document.querySelector("article.entry .thumbs img") as
              | HTMLImageElement
              | null;
            return img?.complete && img.naturalWidth === 1;
          });
          p.once("dialog", (d) => d.accept());
          await p.goto(`${env.url}/ui/comfy`);
          await p.locator(".workflows li:has-text('A flux graph') button.danger").click();
          await p.waitForFunction(() => document.querySelectorAll(".workflows li").length === 1);
        } finally {
          await env.close();
          await comfy.close();
        }
      },
    );

    await step("the theme switch: light, dark or system, remembered", async () => {
      const env = await serve();
      try {
        const { context, page: p } = await open(browser, { scheme: "light" });
        await p.goto(env.url);
        await p.click(".theme-switch button[value=dark]");
        equal(await p.getAttribute("html", "data-theme"), "dark");
        const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
        equal(bg, "rgb(20, 20, 22)");
        await p.waitForTimeout(200);
        await p.goto(`${env.url}/ui/history`);
        equal(await p.getAttribute("html", "data-theme"), "dark", "remembered");
        await shot(p, "theme-dark-history-1366");
        await p.click(".theme-switch button[value=system]");
        equal(await p.getAttribute("html", "data-theme"), null);
        await context.close();
        const nojs = await open(browser, { js: false, scheme: "dark" });
        await nojs.page.goto(`${env.url}/ui/batch`);
        await nojs.page.click(".theme-switch button[value=light]");
        await nojs.page.waitForURL(/\/ui\/batch/);
        equal(await nojs.page.getAttribute("html", "data-theme"), "light");
        await nojs.context.close();
      } finally {
        await env.close();
      }
    });

    await step(
      "the page is usable by keyboard alone, and every field has a label",
      async () => {
        const env = await serve();
        try {
          const { page: p } = await open(browser);
          for (const path of ["/", "/?mode=chat", "/ui/batch", "/ui/history", "/ui/comfy"]) {
            await p.goto(`${env.url}${path}`);
            const unlabeled = await p.evaluate(() =>
              [...document.querySelectorAll("input, select, textarea")]
                .filter((el) =>
                  (el as HTMLInputElement).type !== "hidden" && !(el as HTMLElement).hidden
                )
                .filter((el) =>
                  !(el.id && document.querySelector(`label[for="${el.id}"]`)) &&
                  !el.closest("label")
                )
                .map((el) => el.outerHTML.slice(0, 80))
            );
            equal(unlabeled.length, 0, `${path}: ${unlabeled.join("\n")}`);
          }
          await p.goto(env.url);
          await p.keyboard.press("Tab");
          equal(await p.evaluate(() => document.activeElement?.textContent), "Skip to content");
          await p.focus("#input");
          await p.keyboard.type("a paper boat");
          await p.keyboard.press("Control+Enter");
          await p.waitForSelector("#positive");
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "script, onerror and javascript: payloads in every text the page shows never run",
      async () => {
        const payload =
          `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><a href="javascript:window.__pwned=3">x</a>"'`;
        const env = await serve({
          fake: { reply: () => `PROMPT: ${payload}\nNOTE: ${payload}` },
        });
        try {
          const custom = await env.t.post("/api/presets/custom", {
            kind: "styles",
            name: `Evil ${payload}`.slice(0, 80),
            text: payload,
          });
          equal(custom.status, 201);
          const { page: p } = await open(browser);
          let dialogs = 0;
          p.on("dialog", (d) => {
            dialogs++;
            d.dismiss();
          });
          // Checked on each page that rendered the payload, before leaving it.
          const unharmed = async (where: string) => {
            const pwned = await p.evaluate(() =>
              (window as unknown as { __pwned?: number }).__pwned
            );
            equal(pwned, undefined, `${where}: a payload ran`);
            equal(await p.locator("img[src=x]").count(), 0, `${where}: an injected image`);
            equal(
              await p.locator('a[href^="javascript:"]').count(),
              0,
              `${where}: an injected link`,
            );
            equal(dialogs, 0, `${where}: a dialog opened`);
          };
          await p.goto(env.url);
          await p.fill("#input", payload);
          await p.click("#gen-form button.primary");
          await p.waitForSelector("#positive");
          ok((await p.inputValue("#positive")).startsWith(`<script>window.__pwned=1</script>`));
          await unharmed("the result");
          await p.goto(`${env.url}/?mode=chat`);
          await p.fill("#input", payload);
          await p.click(".composer button.primary");
          await p.waitForSelector("#chat .msg.assistant .text");
          await p.waitForFunction(() => !document.querySelector("#chat[aria-busy]"));
          await unharmed("the chat transcript");
          await p.goto(`${env.url}/ui/history?q=pwned`);
          await p.waitForSelector("article.entry");
          equal(await p.textContent("article.entry .idea"), payload);
          await unharmed("the history page");
          await p.goto(`${env.url}/history/1`);
          await unharmed("an entry's JSON");
          await p.goto(env.url);
          await unharmed("the form with the custom preset");
          equal(await p.locator(`option:has-text("Evil <script>")`).count(), 1);
        } finally {
          await env.close();
        }
      },
    );

    await step(
      "a thinking model's reasoning streams into a collapsed panel, apart from the prompt",
      async () => {
        const env = await serve({ fake: { tokenDelayMs: 20 } });
        try {
          const { page: p } = await open(browser);
          await p.goto(env.url);
          await p.fill("#input", "a quiet library");
          await p.click("summary:has-text('Options')");
          await p.check("input[name=think]");
          await p.click("#gen-form button.primary");
          await p.waitForFunction(() => {
            const d = document.querySelector("#result details.thinking") as
              | HTMLDetailsElement
              | null;
            return d && !d.hidden && !d.open && (d.textContent ?? "").includes("carefully");
          });
          await p.waitForSelector("#positive");
          ok(!(await p.inputValue("#positive")).includes("carefully"));
          const details = p.locator("#result details.thinking").last();
          equal(await details.getAttribute("open"), null, "collapsed");
        } finally {
          await env.close();
        }
      },
    );

    await step("Replay from History reruns an entry", async () => {
      const env = await serve();
      try {
        await env.t.post("/generate", { input: "a tram in fog", model: "sdxl" });
        const { page: p } = await open(browser);
        await p.goto(`${env.url}/ui/history`);
        await p.locator("article.entry").first().locator("button:has-text('Replay')").click();
        await p.waitForURL(/\?result=\d+/);
        ok(await p.isVisible("#positive"));
        equal(env.t.services.history.use().list({ limit: 1 }).total, 2);
      } finally {
        await env.close();
      }
    });
  },
);
