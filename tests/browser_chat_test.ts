import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  browserSuite,
  busyRecord,
  DESKTOP,
  open,
  PHONE,
  serve,
  shot,
  watchBusy,
} from "./browser.ts";
import { waitFor } from "./helpers.ts";

// Chat, offline, Batch and the page without JavaScript, in Chromium at 1366×900 and 390×844;
// screenshots in test-output/.

browserSuite("browser: chat, offline, Batch and no JavaScript", async (step, browser) => {
  await step(
    "chat: Enter sends and clears, one reply at a time, a second message queues, the newest is in view",
    async () => {
      // The first reply stalls after a few words, so the second message is sent while it streams
      // (whatever the machine's load); Stop ends it, and the queued message goes.
      const env = await serve({ fake: { tokenDelayMs: 25, fault: "hang-mid" } });
      try {
        const { page: p, errors } = await open(browser);
        await p.goto(`${env.url}/?mode=chat`);
        await watchBusy(p);
        await p.selectOption("select[name=model]", "sdxl");
        await p.selectOption("#persona_id", { index: 1 });
        const persona = (await p.textContent("#persona_id option:checked"))!.trim();
        await p.focus("#input");
        await p.keyboard.type("a castle on a hill");
        await p.keyboard.press("Shift+Enter");
        await p.keyboard.type("at dawn");
        equal(await p.inputValue("#input"), "a castle on a hill\nat dawn", "Shift+Enter");
        await p.keyboard.press("Enter");
        await p.waitForSelector("#chat[aria-busy=true]");
        equal(await p.inputValue("#input"), "", "the box is cleared once sent");
        // Typed while the reply streams, Enter queues it; it goes once the reply is done.
        await p.keyboard.type("make it night");
        await p.keyboard.press("Enter");
        ok(await p.isVisible(".composer .queued"), "queued while the reply streams");
        equal(env.t.fake.chatRequests().length, 1, "not sent yet");
        env.t.fake.set({ fault: "none" });
        await p.click("#chat button.stop");
        await p.waitForFunction(
          () =>
            document.querySelectorAll("#chat .msg.assistant .msg-actions").length === 2 &&
            !document.querySelector("#chat[aria-busy]"),
          undefined,
          {},
        ).catch(async (err) => {
          throw new Error(`${err}\n${(await p.innerHTML("#chat")).slice(0, 2500)}`);
        });
        equal(await p.locator("#chat .msg.assistant.stopped").count(), 1, "the first, stopped");
        const held = await busyRecord(p);
        ok(
          held.seen > 0 && held.open === 0,
          `Send waits for the reply: ${JSON.stringify(held)}`,
        );
        const texts = await p.locator("#chat .msg.user .text").allTextContents();
        deepEqual(texts, ["a castle on a hill\nat dawn", "make it night"]);
        equal(env.t.fake.chatRequests().length, 2, "the queued message waited");
        const sent = env.t.fake.chatRequests().at(-1)!.messages as { role: string }[];
        equal(sent.length, 4, "the second turn saw the first");
        // Who answers, and what each reply offers.
        const who = await p.locator("#chat .msg.assistant .who").first().textContent();
        ok(who!.includes(persona.replace(/^\S+\s/, "")), `${who} names ${persona}`);
        equal(await p.locator("#chat .msg.assistant button.copy").count(), 2);
        equal(await p.locator("#chat .msg.assistant button[name=regenerate]").count(), 2);
        const scroll = await p.$eval(".transcript-scroll", (el) => ({
          top: el.scrollTop,
          height: el.scrollHeight,
          client: el.clientHeight,
        }));
        // column-reverse: scrollTop 0 is the end of the conversation.
        ok(Math.abs(scroll.top) < 2, `newest in view ${JSON.stringify(scroll)}`);
        await shot(p, "chat-1366-light");
        // Regenerate sends the same message again; the earlier reply stays.
        await p.locator("#chat button[name=regenerate]").last().click();
        await p.waitForFunction(() =>
          document.querySelectorAll("#chat .msg.assistant .msg-actions").length === 3 &&
          !document.querySelector("#chat[aria-busy]")
        );
        equal(await p.locator("#chat .msg.user").last().textContent(), "Youmake it night");
        deepEqual(errors, []);

        const phone = await open(browser, { size: PHONE, scheme: "dark" });
        await phone.context.addCookies(await p.context().cookies());
        await phone.page.goto(`${env.url}/?mode=chat`);
        const gap = await phone.page.evaluate(() => {
          const chat = document.getElementById("chat")!.getBoundingClientRect();
          const box = document.querySelector(".composer")!.getBoundingClientRect();
          return { gap: box.top - chat.bottom, chatTop: chat.top + scrollY };
        });
        ok(
          gap.gap >= 0 && gap.gap < 40,
          `the message box is under the conversation (${gap.gap}px)`,
        );
        ok(gap.chatTop < 200, `the conversation comes first on a phone (${gap.chatTop}px)`);
        await shot(phone.page, "chat-390-dark", { full: false });
        await phone.context.close();
      } finally {
        await env.close();
      }
    },
  );

  await step(
    "chat: a stopped reply and one abandoned by leaving the page both keep the message and the words so far",
    async () => {
      const env = await serve({
        fake: { tokenDelayMs: 40, reply: () => "slowly ".repeat(150) },
      });
      try {
        const { page: p } = await open(browser, { size: PHONE });
        await p.goto(`${env.url}/?mode=chat`);
        await p.fill("#input", "a harbour at night");
        await p.click(".composer button.primary");
        await p.waitForFunction(() =>
          (document.querySelector("#chat .stream-text")?.textContent ?? "").length > 20
        );
        await p.click("#chat button.stop");
        await p.waitForSelector("#chat .msg.assistant.stopped");
        match(await p.textContent("#chat .msg.assistant.stopped .text") ?? "", /^slowly/);
        ok(await p.isVisible("#chat .stopped-tag:has-text('Stopped')"));
        equal(await p.locator("#chat [role=alert]").count(), 0);
        await p.fill("#input", "add fog");
        await p.click(".composer button.primary");
        await p.waitForFunction(() =>
          (document.querySelector("#chat .stream-text")?.textContent ?? "").length > 20
        );
        await waitFor(() => env.t.fake.openStreams === 1, 15_000, "second reply streaming");
        // Leaving mid-reply: the run loses its watcher and stops; the turn is kept.
        await p.goto(`${env.url}/ui/history`);
        await waitFor(() => env.t.fake.openStreams === 0, 15_000, "abandoned reply stopped");
        await p.goto(`${env.url}/?mode=chat`);
        const users = await p.locator("#chat .msg.user .text").allTextContents();
        deepEqual(users, ["a harbour at night", "add fog"]);
        equal(await p.locator("#chat .msg.assistant.stopped").count(), 2);
        await shot(p, "chat-stopped-390-light", { full: false });
      } finally {
        await env.close();
      }
    },
  );

  await step(
    "offline: the banner, Chat, a batch and the status pill say the same thing, calmly",
    async () => {
      const env = await serve({ ollamaDown: true });
      try {
        const { page: p } = await open(browser, { size: PHONE });
        await p.goto(`${env.url}/?mode=chat`);
        ok(await p.isVisible("#ollama-status:has-text('Ollama offline')"));
        match(await p.textContent("#model-notice") ?? "", /Chat needs it to answer/);
        await p.fill("#input", "a fox in the snow");
        await p.click(".composer button.primary");
        await p.waitForSelector("#chat .notice:has-text('The LLM server is offline')");
        equal(await p.locator("#chat [role=alert]").count(), 0, "not a red error");
        equal(await p.inputValue("#input"), "a fox in the snow", "the message is back");
        await shot(p, "offline-chat-390-light", { full: false });
        await p.goto(`${env.url}/?mode=oneshot`);
        match(await p.textContent("#model-notice") ?? "", /composed without an LLM/);
        await p.fill("#input", "a fox in the snow");
        await p.click("#gen-form button.primary");
        await p.waitForSelector("#positive");
        ok(await p.isVisible("text=Composed without an LLM"));
        ok(await p.isVisible("#ollama-status:has-text('Ollama offline')"));
        await p.goto(`${env.url}/ui/batch`);
        await p.fill("#ideas", "a lighthouse\na tram");
        await p.click("#batch-form button.primary");
        await p.waitForSelector("#batch .hint:has-text('composed without an LLM')", {});
        equal(await p.locator(".batch-item:not(.failed)").count(), 2);
        await shot(p, "offline-batch-390-light", { full: false });
      } finally {
        await env.close();
      }
    },
  );

  await step(
    "batch: on a phone the results come into view; cards show both prompts, Copy and real labels; sweeps are ticks",
    async () => {
      const env = await serve({ fake: { tokenDelayMs: 5 } });
      try {
        const { page: p } = await open(browser, { size: PHONE });
        await p.goto(`${env.url}/ui/batch`);
        await p.fill("#ideas", "a lighthouse\na fox");
        await p.selectOption("select[name=model]", "sdxl");
        await p.click("#batch-form button.primary");
        await p.waitForSelector("#batch-bar");
        const top = await p.$eval("#batch", (el) => el.getBoundingClientRect().top);
        ok(top >= -1 && top < PHONE.height - 200, `the batch panel is in view (${top}px)`);
        await p.waitForSelector("text=Export:");
        equal(await p.locator(".batch-item").count(), 2);
        deepEqual(await p.locator(".batch-label").allTextContents(), ["a lighthouse", "a fox"]);
        equal(await p.locator(".batch-item .negative").count(), 2, "both prompts");
        equal(await p.locator(".batch-item button.copy").count(), 2);
        await shot(p, "batch-390-light", { full: false });

        await p.click("summary:has-text('Sweep presets')");
        await p.check("input[name='sweep.lighting'][value='Moonlight']");
        await p.check("input[name='sweep.lighting'][value='Golden Hour']");
        await p.fill("#ideas", "a tram");
        await p.click("#batch-form button.primary");
        // The first batch's list is still there until this one's panel replaces it.
        await p.waitForSelector(".batch-label:has-text('Lighting: Moonlight')");
        await p.waitForSelector("text=Export:");

        env.t.fake.set({ failWhen: () => true });
        await p.setViewportSize(DESKTOP);
        await p.fill("#ideas", "a doomed idea\nanother");
        await p.uncheck("input[name='sweep.lighting'][value='Moonlight']");
        await p.uncheck("input[name='sweep.lighting'][value='Golden Hour']");
        await p.click("#batch-form button.primary");
        await p.waitForSelector("#batch .error:has-text('No prompt was written')", {});
        equal(await p.locator("text=Export:").count(), 0, "nothing to export");
        await shot(p, "batch-failed-1366-light");
      } finally {
        await env.close();
      }
    },
  );

  await step(
    "without JavaScript: generate, pick, chat, the theme and history work by plain forms, and choices are remembered",
    async () => {
      const env = await serve();
      try {
        const { page: p } = await open(browser, { js: false });
        await p.goto(env.url);
        await p.fill("#input", "a lighthouse in a storm");
        await p.selectOption("select[name=model]", "sdxl");
        await p.selectOption("#category", "photography");
        await p.click("button:has-text('Show options for this choice')");
        equal(await p.inputValue("#category"), "photography");
        equal(await p.inputValue("#input"), "a lighthouse in a storm");
        await p.selectOption("#type", "landscape");
        await p.click("button:has-text('Show options for this choice')");
        await p.selectOption("#h_artist", "ansel_adams");
        await p.click("button:has-text('Show options for this choice')");
        ok(await p.isVisible("#tech-lens"));
        await p.click("#gen-form button.primary");
        await p.waitForURL(/\?result=\d+/);
        match(await p.inputValue("#positive"), /lighthouse in a storm/);
        match(await p.inputValue("#negative"), /colour|color/);
        await shot(p, "nojs-result-1366-light");

        await p.click("button.pack:has-text('Noir Detective')");
        equal(await p.inputValue("#h_artist"), "frank_miller");
        await p.click("button:has-text('Clear all presets')");
        equal(await p.inputValue("#category"), "");

        await p.goto(`${env.url}/?mode=chat`);
        ok((await p.inputValue("select[name=model]")) === "sdxl", "the target is remembered");
        await p.fill("#input", "a knight");
        await p.click(".composer button.primary");
        await p.waitForURL(/mode=chat/);
        equal(await p.inputValue("#input"), "", "the box is empty after sending");
        await p.fill("#input", "in the snow");
        await p.click(".composer button.primary");
        // The post answers with a redirect to the same URL, so wait for the page it lands on.
        await p.waitForLoadState("load");
        await p.locator(".msg").nth(3).waitFor();
        equal(await p.locator(".msg").count(), 4);
        await p.setViewportSize(PHONE);
        await shot(p, "nojs-chat-390-light", { full: false });
        await p.setViewportSize(DESKTOP);

        await p.goto(`${env.url}/ui/history?q=knight`);
        equal(await p.locator("article.entry").count(), 1);
        await p.goto(`${env.url}/ui/history`);
        equal(await p.locator("article.entry").count(), 3);
        await p.locator("article.entry").first().locator("button.fav").click();
        await p.waitForURL(/\/ui\/history/);
        equal(await p.locator("button.fav.on").count(), 1);
        await p.locator("article.entry").first().locator("button.danger").click();
        equal(await p.locator("article.entry").count(), 2);

        await p.goto(`${env.url}/ui/batch`);
        ok((await p.inputValue("select[name=model]")) === "sdxl", "batch shares the target");
        await p.fill("#ideas", "a lighthouse");
        await p.click("summary:has-text('Sweep presets')");
        await p.check("input[name='sweep.lighting'][value='Golden Hour']");
        await p.check("input[name='sweep.lighting'][value='Moonlight']");
        await p.check("input[name=engine]");
        await p.click("#batch-form button.primary");
        equal(await p.locator(".batch-item").count(), 2);
        ok(await p.isVisible("text=Lighting: Moonlight"));
      } finally {
        await env.close();
      }
    },
  );
});
