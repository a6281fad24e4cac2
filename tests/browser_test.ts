import { equal, match, ok } from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserAvailable, launch, shot } from "./browser.ts";
import { serveOnPort, startTestApp, type TestApp, waitFor } from "./helpers.ts";

const HAS_BROWSER = browserAvailable();

interface Env {
  t: TestApp;
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

async function setup(options: Parameters<typeof startTestApp>[0] = {}): Promise<Env> {
  const t = await startTestApp({ fake: { tokenDelayMs: 15, ...options.fake }, ...options });
  const server = serveOnPort(t.app);
  const browser = await launch();
  return {
    t,
    url: server.url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await t.close();
    },
  };
}

async function page(
  env: Env,
  options: { js?: boolean; width?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({
    javaScriptEnabled: options.js ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const p = await context.newPage();
  const errors: string[] = [];
  p.on("pageerror", (e) => errors.push(e.message));
  p.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  (p as unknown as { errors: string[] }).errors = errors;
  return { context, page: p };
}

function pageErrors(p: Page): string[] {
  return (p as unknown as { errors: string[] }).errors;
}

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_BROWSER, sanitizeOps: false, sanitizeResources: false, fn });

browserTest(
  "browser: a streamed generation shows tokens as they arrive, then both prompts",
  async () => {
    const env = await setup({ fake: { tokenDelayMs: 40 } });
    try {
      const { page: p } = await page(env);
      await p.goto(env.url);
      await shot(p, "home-1280");
      await p.fill("#input", "a cyberpunk warrior in a neon city");
      await p.selectOption("select[name=model]", "sdxl");
      await p.click("button.primary");
      await p.waitForFunction(() =>
        (document.querySelector(".stream-text")?.textContent ?? "").length > 5
      );
      const partial = await p.textContent(".stream-text");
      equal(
        await p.locator("#positive").count(),
        0,
        "the final panel is not there yet while streaming",
      );
      await p.waitForSelector("#positive", { timeout: 10_000 });
      const positive = await p.inputValue("#positive");
      match(positive, /\(a cyberpunk warrior in a neon city:1\.2\)/);
      // What was on screen mid-stream was the start of the reply, not all of it.
      const reply = env.t.services.history.use().get(1)!.generated_output;
      ok(reply.startsWith(partial!.trim()), `${partial} is how ${reply} starts`);
      ok(partial!.trim().length < reply.length);
      match(await p.inputValue("#negative"), /blurry/);
      match(await p.textContent(".meter-text") ?? "", /\/ 75 CLIP tokens/);
      ok(await p.isVisible("text=Saved #1"));
      await shot(p, "result-1280");
      await p.setViewportSize({ width: 375, height: 800 });
      await shot(p, "result-375");
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      ok(width <= 375, `no horizontal scroll at 375 px (scrollWidth ${width})`);
      await p.setViewportSize({ width: 390, height: 800 });
      const picker = (await p.locator("select[name=model]").boundingBox())!;
      ok(picker.x >= 0 && picker.x + picker.width <= 390, "the target picker fits 390 px");
      ok(picker.height < 60, `the target picker is one line at 390 px (${picker.height} px)`);
      equal(env.t.fake.chatRequests().length, 1, "one generation, even with SSE");
      equal(pageErrors(p).length, 0, pageErrors(p).join("\n"));
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser: Stop ends the generation and the upstream request, and saves nothing",
  async () => {
    const env = await setup({ fake: { tokenDelayMs: 60, reply: () => "slow ".repeat(200) } });
    try {
      const { page: p } = await page(env);
      await p.goto(env.url);
      await p.fill("#input", "a slow idea");
      await p.click("button.primary");
      await p.waitForFunction(() =>
        (document.querySelector(".stream-text")?.textContent ?? "").length > 10
      );
      await waitFor(() => env.t.fake.openStreams === 1, 3000, "upstream stream open");
      await p.click("button.stop");
      await p.waitForSelector("text=Stopped", { timeout: 5000 });
      await waitFor(() => env.t.fake.openStreams === 0, 3000, "upstream cancelled");
      equal(env.t.fake.cancelledStreams, 1);
      equal(env.t.services.history.use().list({ limit: 5 }).total, 0);
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser: cascading selects fill type, artist and option choices; a pack fills them at once",
  async () => {
    const env = await setup();
    try {
      const { page: p } = await page(env);
      await p.goto(env.url);
      ok(await p.isDisabled("#type"));
      await p.selectOption("#category", "fantasy");
      await p.waitForSelector("#type:not([disabled])");
      await p.selectOption("#type", "high_fantasy");
      await p.waitForSelector("#h_artist:not([disabled])");
      await p.selectOption("#h_artist", "greg_rutkowski");
      await p.waitForSelector("#spec-drama");
      ok(await p.isVisible("text=Signature:"));
      await p.selectOption("#spec-drama", "last_stand");
      await shot(p, "picker-1280");

      await p.click("button.pack:has-text('Studio Ghibli Magic')");
      await p.waitForFunction(() =>
        (document.querySelector("#h_artist") as HTMLSelectElement)?.value === "hayao_miyazaki"
      );
      equal(await p.inputValue("#category"), "anime");
      ok(await p.isChecked("input[name='u.mood'][value=peaceful]"));
      await p.fill("#input", "a girl on a hill");
      await p.check("input[name=engine]");
      await p.click("button.primary");
      await p.waitForSelector("#positive");
      match(await p.inputValue("#positive"), /Hayao Miyazaki/);
      ok(await p.isVisible("text=Composed without an LLM"));
    } finally {
      await env.close();
    }
  },
);

browserTest("browser: two chat turns stream into the transcript and keep the context", async () => {
  const env = await setup();
  try {
    const { page: p } = await page(env);
    await p.goto(`${env.url}/?mode=chat`);
    await p.fill("#input", "a castle on a hill");
    await p.click("button.primary");
    await p.waitForSelector(".msg.assistant >> nth=0");
    await p.waitForSelector("#chat #positive");
    await p.fill("#input", "make it night");
    await p.click("button.primary");
    await p.waitForFunction(() =>
      document.querySelectorAll(".msg.assistant").length === 2 &&
      !document.querySelector("#chat[aria-busy]")
    );
    const texts = await p.locator(".msg .text").allTextContents();
    equal(texts.length, 4);
    equal(texts[0], "a castle on a hill");
    equal(texts[2], "make it night");
    match(texts[3]!, /refined in turn 2/);
    const sent = env.t.fake.chatRequests().at(-1)!.messages as { role: string }[];
    equal(sent.length, 4);
    await shot(p, "chat-1280");
    await p.setViewportSize({ width: 375, height: 800 });
    await shot(p, "chat-375");
    await p.click("text=New conversation");
    await p.waitForURL(/mode=chat/);
    equal(await p.locator(".msg").count(), 0);
  } finally {
    await env.close();
  }
});

browserTest("browser: history search is live, and favorite and delete work in place", async () => {
  const env = await setup();
  try {
    for (const input of ["a red lighthouse", "a blue whale", "a lighthouse keeper"]) {
      await env.t.post("/generate", { input, engine: "composer" });
    }
    const { page: p } = await page(env);
    await p.goto(`${env.url}/ui/history`);
    equal(await p.locator("article.entry").count(), 3);
    await p.fill("#q", "lightho");
    await p.waitForFunction(() => document.querySelectorAll("article.entry").length === 2);
    ok(await p.isVisible("mark"));
    ok((await p.url()).includes("q=lightho"));
    await shot(p, "history-1280");
    const first = p.locator("article.entry").first();
    await first.locator("button.fav").click();
    await p.waitForSelector("article.entry button.fav.on");
    equal(env.t.services.history.use().list({ limit: 10, favorite: true }).total, 1);
    p.once("dialog", (d) => d.accept());
    await p.locator("article.entry").nth(1).locator("button.danger").click();
    await p.waitForFunction(() => document.querySelectorAll("article.entry").length === 1);
    equal(env.t.services.history.use().list({ limit: 10 }).total, 2);
    await p.setViewportSize({ width: 375, height: 800 });
    await shot(p, "history-375");
    await p.click("a:has-text('Reuse')");
    await p.waitForURL(/reuse=/);
    match(await p.inputValue("#input"), /lighthouse/);
  } finally {
    await env.close();
  }
});

browserTest(
  "browser without JavaScript: generate, pick, chat and history all work by plain forms",
  async () => {
    const env = await setup();
    try {
      const { page: p } = await page(env, { js: false });
      await p.goto(env.url);
      await p.fill("#input", "a lighthouse in a storm");
      await p.selectOption("select[name=model]", "sdxl");
      await p.selectOption("#category", "photography");
      await p.click("button:has-text('Show options for this choice')");
      equal(await p.inputValue("#category"), "photography");
      equal(
        await p.inputValue("#input"),
        "a lighthouse in a storm",
        "the form keeps what was typed",
      );
      await p.selectOption("#type", "landscape");
      await p.click("button:has-text('Show options for this choice')");
      await p.selectOption("#h_artist", "ansel_adams");
      await p.click("button:has-text('Show options for this choice')");
      ok(await p.isVisible("#tech-lens"));
      await p.click("button.primary");
      await p.waitForURL(/\?result=\d+/);
      match(await p.inputValue("#positive"), /lighthouse in a storm/);
      match(await p.inputValue("#negative"), /colour/);
      await shot(p, "nojs-result-1280");

      await p.click("button.pack:has-text('Noir Detective')");
      equal(await p.inputValue("#h_artist"), "frank_miller");

      await p.goto(`${env.url}/?mode=chat`);
      await p.fill("#input", "a knight");
      await p.click("button.primary");
      await p.waitForURL(/mode=chat/);
      await p.fill("#input", "in the snow");
      await p.click("button.primary");
      equal(await p.locator(".msg").count(), 4);
      await shot(p, "nojs-chat-1280");

      await p.goto(`${env.url}/ui/history?q=knight`);
      equal(await p.locator("article.entry").count(), 1);
      ok(await p.isVisible("mark"));
      await p.goto(`${env.url}/ui/history`);
      equal(await p.locator("article.entry").count(), 3);
      await p.locator("article.entry").first().locator("button.fav").click();
      await p.waitForURL(/\/ui\/history/);
      equal(await p.locator("button.fav.on").count(), 1);
      await p.locator("article.entry").first().locator("button.danger").click();
      equal(await p.locator("article.entry").count(), 2);
      await shot(p, "nojs-history-1280");
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser: when Ollama is down the page says what to run and still composes a prompt",
  async () => {
    const env = await setup({ ollamaDown: true });
    try {
      const { page: p } = await page(env);
      await p.goto(env.url);
      ok(await p.isVisible("text=Ollama offline"));
      match(await p.textContent(".notice") ?? "", /ollama serve/);
      await p.fill("#input", "a fox in the snow");
      await p.click("button.primary");
      await p.waitForSelector("#positive");
      ok(await p.isVisible("text=Composed without an LLM"));
      match(await p.textContent("#result .notice") ?? "", /Cannot connect to Ollama/);
      await shot(p, "offline-1280");
    } finally {
      await env.close();
    }
  },
);

browserTest("browser: the page is usable by keyboard alone", async () => {
  const env = await setup();
  try {
    const { page: p } = await page(env);
    await p.goto(env.url);
    await p.keyboard.press("Tab");
    equal(await p.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await p.focus("#input");
    await p.keyboard.type("a paper boat");
    await p.keyboard.press("Control+Enter");
    await p.waitForSelector("#positive");
    const unlabeled = await p.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => (el as HTMLInputElement).type !== "hidden" && !(el as HTMLElement).hidden)
        .filter((el) =>
          !(el.id && document.querySelector(`label[for="${el.id}"]`)) && !el.closest("label")
        )
        .map((el) => el.outerHTML.slice(0, 80))
    );
    equal(unlabeled.length, 0, unlabeled.join("\n"));
  } finally {
    await env.close();
  }
});

browserTest(
  "browser: script, onerror and javascript: payloads in every text the page shows never run",
  async () => {
    const payload =
      `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><a href="javascript:window.__pwned=3">x</a>"'`;
    const env = await setup({ fake: { reply: () => `PROMPT: ${payload}\nNOTE: ${payload}` } });
    try {
      const custom = await env.t.post("/api/presets/custom", {
        kind: "styles",
        name: `Evil ${payload}`.slice(0, 80),
        text: payload,
      });
      equal(custom.status, 201);
      const { page: p } = await page(env);
      let dialogs = 0;
      p.on("dialog", (d) => {
        dialogs++;
        d.dismiss();
      });
      // Checked on each page that rendered the payload, before leaving it.
      const unharmed = async (where: string) => {
        const pwned = await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
        equal(pwned, undefined, `${where}: a payload ran`);
        equal(await p.locator("img[src=x]").count(), 0, `${where}: an injected image`);
        equal(await p.locator('a[href^="javascript:"]').count(), 0, `${where}: an injected link`);
        equal(dialogs, 0, `${where}: a dialog opened`);
      };
      await p.goto(env.url);
      await p.fill("#input", payload);
      await p.click("button.primary");
      await p.waitForSelector("#positive");
      const shown = await p.inputValue("#positive");
      ok(
        shown.startsWith(`<script>window.__pwned=1</script><img src=x onerror=`),
        `shown as text: ${shown}`,
      );
      await unharmed("the result");
      await p.goto(`${env.url}/?mode=chat`);
      await p.fill("#input", payload);
      await p.click("button.primary");
      await p.waitForSelector("#chat .msg.assistant .text");
      await p.waitForFunction(() => !document.querySelector("#chat[aria-busy]"));
      await unharmed("the chat transcript");
      await p.goto(`${env.url}/ui/history?q=pwned`);
      await p.waitForSelector("article.entry");
      const idea = await p.textContent("article.entry .idea");
      equal(idea, payload);
      await unharmed("the history page");
      await p.goto(`${env.url}/history/1`);
      await unharmed("an entry's JSON");
      await p.goto(env.url);
      await unharmed("the form with the custom preset");
      ok(
        await p.locator(`option:has-text("Evil <script>")`).count() === 1,
        "the preset name is text in its option",
      );
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser: a batch shows a progress bar, its results and export links; Replay reruns an entry",
  async () => {
    const env = await setup({ fake: { tokenDelayMs: 10 } });
    try {
      const { page: p } = await page(env);
      await p.goto(`${env.url}/?mode=batch`);
      await p.waitForURL(/\/ui\/batch/);
      await p.fill("#ideas", "a lighthouse\na fox\na tram");
      await p.fill("#variations", "2");
      await p.click("button.primary");
      await p.waitForSelector("#batch-bar");
      await p.waitForSelector("text=Export:", { timeout: 20_000 });
      equal(await p.locator(".batch-item").count(), 6);
      equal(await p.getAttribute("#batch-bar", "value"), "6");
      const href = await p.getAttribute("a:has-text('TXT')", "href");
      const txt = await (await fetch(`${env.url}${href}`)).text();
      equal(txt.trim().split("\n").length, 6);
      await shot(p, "batch-1280");
      await p.setViewportSize({ width: 375, height: 800 });
      await shot(p, "batch-375");

      await p.goto(`${env.url}/ui/history`);
      const before = env.t.services.history.use().list({ limit: 1 }).total;
      await p.locator("article.entry").first().locator("button:has-text('Replay')").click();
      await p.waitForURL(/\?result=\d+/);
      ok(await p.isVisible("#positive"));
      equal(env.t.services.history.use().list({ limit: 1 }).total, before + 1);
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser without JavaScript: a batch runs to the end and lists every result",
  async () => {
    const env = await setup();
    try {
      const { page: p } = await page(env, { js: false });
      await p.goto(`${env.url}/ui/batch`);
      await p.fill("#ideas", "a lighthouse");
      await p.selectOption("#sweep-lighting", ["Golden Hour", "Moonlight"]);
      await p.check("input[name=engine]");
      await p.click("button.primary");
      equal(await p.locator(".batch-item").count(), 2);
      ok(await p.isVisible("text=lighting=Moonlight"));
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser: upload a workflow, send a prompt to ComfyUI, watch progress and see the image",
  async () => {
    const { startFakeComfy } = await import("./fakes/fake_comfyui.ts");
    const comfy = startFakeComfy({ steps: 6, stepMs: 80 });
    const env = await setup({ env: { COMFYUI_URL: comfy.url } });
    try {
      const { page: p } = await page(env);
      await p.goto(`${env.url}/ui/comfy`);
      ok(await p.isVisible("text=Connected to ComfyUI"));
      await p.fill("#wf-name", "SDXL basic");
      await p.fill(
        "#wf-json",
        Deno.readTextFileSync(new URL("./fixtures/sdxl_api.json", import.meta.url)),
      );
      await p.click("button:has-text('Save workflow')");
      await p.waitForSelector("text=prompt → node 6.text");
      await p.goto(env.url);
      await p.fill("#input", "a lighthouse at night");
      await p.selectOption("select[name=model]", "sdxl");
      await p.click("button.primary");
      await p.waitForSelector("#positive");
      await p.click("a:has-text('Send to ComfyUI')");
      await p.click("button:has-text('Send')");
      await p.waitForURL(/\/ui\/comfy\/jobs\//);
      await p.waitForSelector("text=State: done", { timeout: 10_000 });
      await p.waitForFunction(() => {
        const img = document.querySelector("#job img") as HTMLImageElement | null;
        return img?.complete && img.naturalWidth === 1;
      });
      equal(await p.getAttribute("#job-bar", "value"), "6");
      await shot(p, "comfy-job-1280");
      equal(
        env.t.fake.requests.filter((r) => r.path === "/api/generate").length,
        1,
        "the LLM was unloaded first",
      );
    } finally {
      await env.close();
      await comfy.close();
    }
  },
);

browserTest(
  "browser: a thinking model's reasoning streams into a collapsed panel, apart from the prompt",
  async () => {
    const env = await setup({ fake: { tokenDelayMs: 30 } });
    try {
      const { page: p } = await page(env);
      await p.goto(env.url);
      await p.fill("#input", "a quiet library");
      await p.click("summary:has-text('Options')");
      await p.check("input[name=think]");
      await p.click("button.primary");
      await p.waitForFunction(() => {
        const d = document.querySelector("#result details.thinking") as HTMLDetailsElement | null;
        return d && !d.hidden && !d.open && (d.textContent ?? "").includes("carefully");
      });
      await p.waitForSelector("#positive");
      const positive = await p.inputValue("#positive");
      ok(!positive.includes("carefully"), "reasoning stays out of the prompt");
      const details = p.locator("#result details.thinking");
      equal(await details.getAttribute("open"), null, "collapsed");
      ok((await details.textContent())!.includes("light & mood <carefully>"));
    } finally {
      await env.close();
    }
  },
);
