import { equal, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launch, shot } from "./browser.ts";
import { serveOnPort, startTestApp, type TestApp } from "./helpers.ts";
import { makePng } from "./support/png_writer.ts";
import { a1111Png, comfyPng, GIF, plainJpeg } from "./support/sample_images.ts";

const HAS_BROWSER = browserAvailable();
const VISION = "gemma3:4b";
const PROMPT = "a lighthouse on a cliff at dusk, <lora:film_grain:0.6>";

interface Env {
  t: TestApp;
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

async function setup(): Promise<Env> {
  const t = await startTestApp({ fake: { tokenDelayMs: 10 } });
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

async function open(env: Env, js: boolean): Promise<{ page: Page; errors: string[] }> {
  const context = await env.browser.newContext({
    javaScriptEnabled: js,
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(env.url);
  return { page, errors };
}

/** A file for `setInputFiles`, which wants Node's Buffer. */
function file(name: string, mimeType: string, bytes: Uint8Array) {
  return { name, mimeType, buffer: Buffer.from(bytes) };
}

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_BROWSER, sanitizeOps: false, sanitizeResources: false, fn });

browserTest(
  "browser without JavaScript: a picture posts with the form; describing needs a vision model; history shows the thumbnail",
  async () => {
    const env = await setup();
    try {
      const { page: p } = await open(env, false);
      await p.setInputFiles("#image", file("photo.png", "image/png", makePng(64, 48)));
      await p.click("#describe-image");
      // The default LLM cannot read images: the page says so, names the one that can, keeps the form.
      await p.waitForSelector(".error");
      match(
        await p.textContent(".error") ?? "",
        /cannot read images.*pick one that does: gemma3:4b/s,
      );
      equal(env.t.fake.chatRequests().length, 0);
      await p.selectOption("select[name=model]", "sdxl");
      await p.selectOption("#ollama_model", VISION);
      await p.fill("#input", "as a Ghibli film still");
      await p.setInputFiles("#image", file("photo.png", "image/png", makePng(64, 48)));
      await p.click("#describe-image");
      await p.waitForURL(/\?result=\d+/);
      match(await p.inputValue("#positive"), /seen in a 64x48 png image/);
      await shot(p, "image-describe-nojs");
      await p.goto(`${env.url}/ui/history`);
      const thumb = p.locator(".source-thumb img");
      equal(await thumb.count(), 1);
      match(
        await p.textContent(".source-thumb figcaption") ?? "",
        /Written from a PNG picture, 64×48/,
      );
      const src = await thumb.getAttribute("src");
      const res = await p.request.get(`${env.url}${src}`);
      equal(res.headers()["content-type"], "image/jpeg");
      equal(
        await p.locator("button:has-text('Replay')").count(),
        0,
        "a picture cannot be replayed",
      );
      // A file that is not a picture is refused with what to do.
      await p.goto(env.url);
      await p.setInputFiles("#image", file("anim.gif", "image/gif", GIF));
      await p.click("#read-image");
      match(
        await p.textContent(".error") ?? "",
        /this is a GIF image; use a PNG, JPEG or WebP image/,
      );
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser without JavaScript: reading an A1111 PNG fills the form, shows its settings and saves to history; a ComfyUI graph saves as a workflow",
  async () => {
    const env = await setup();
    try {
      const { page: p } = await open(env, false);
      await p.selectOption("select[name=model]", "sdxl");
      await p.setInputFiles("#image", file("a1111.png", "image/png", a1111Png(300, 200)));
      await p.click("#read-image");
      await p.waitForSelector(".image-reading");
      equal(await p.inputValue("#input"), PROMPT, "the prompt is in the idea box");
      equal(await p.inputValue("#read-negative"), "blurry, lowres");
      const settings = await p.textContent(".settings") ?? "";
      for (
        const part of ["Seed1234567", "Steps28", "SamplerDPM++ 2M Karras", "Modelsd_xl_base_1.0"]
      ) {
        ok(
          settings.replace(/\s+/g, "").includes(part.replace(/\s+/g, "")),
          `${part} in ${settings}`,
        );
      }
      ok(await p.isVisible(".read-head img.thumb"));
      equal(await p.inputValue("select[name=model]"), "sdxl", "the form keeps its choices");
      await shot(p, "image-read-nojs");
      await p.click("button:has-text('Save to history')");
      await p.waitForURL(/\/ui\/history$/);
      match(
        await p.textContent(".source-thumb figcaption") ?? "",
        /Read from a PNG picture, 300×200 \(it carried A1111 metadata\)/,
      );
      const entry = env.t.services.history.use().list({ limit: 1 }).history[0]!;
      equal(entry.mode, "image-read");
      equal(entry.model, "sdxl");

      await p.goto(env.url);
      await p.setInputFiles("#image", file("comfy.png", "image/png", comfyPng()));
      await p.click("#read-image");
      equal(await p.inputValue("#input"), "a red fox in fresh snow, golden hour");
      await p.fill("#workflow-name", "fox from png");
      await p.click("button:has-text('Save as ComfyUI workflow')");
      await p.waitForURL(/\/ui\/comfy$/);
      ok(await p.isVisible("text=fox from png"));
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser with JavaScript: picking, dropping or pasting a picture reads its prompt into the form at once",
  async () => {
    const env = await setup();
    try {
      const { page: p, errors } = await open(env, true);
      await p.setInputFiles("#image", file("a1111.png", "image/png", a1111Png()));
      await p.waitForFunction(
        (want) => (document.getElementById("input") as HTMLTextAreaElement).value === want,
        PROMPT,
      );
      equal(await p.inputValue("#read-negative"), "blurry, lowres");
      ok(await p.isVisible(".image-preview"), "a preview of the picture");
      await shot(p, "image-read-js");

      const put = async (how: "drop" | "paste", bytes: Uint8Array, name: string) => {
        await p.evaluate(({ how, data, name }) => {
          const file = new File([new Uint8Array(data)], name, { type: "image/png" });
          const dt = new DataTransfer();
          dt.items.add(file);
          if (how === "drop") {
            const box = document.querySelector("[data-image-drop]")!;
            box.dispatchEvent(
              new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: dt }),
            );
            box.dispatchEvent(
              new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: dt }),
            );
          } else {
            document.body.dispatchEvent(
              new ClipboardEvent("paste", { bubbles: true, cancelable: true, clipboardData: dt }),
            );
          }
        }, { how, data: [...bytes], name });
      };
      await p.fill("#input", "");
      await put("drop", comfyPng(), "comfy.png");
      await p.waitForFunction(() =>
        (document.getElementById("input") as HTMLTextAreaElement).value.includes("red fox")
      );
      await p.click("button:has-text('Save as ComfyUI workflow')");
      await p.waitForSelector("text=Saved as the ComfyUI workflow");
      equal(env.t.services.comfy.use().listWorkflows().length, 1);

      await p.fill("#input", "");
      await put("paste", a1111Png(), "pasted.png");
      await p.waitForFunction(
        (want) => (document.getElementById("input") as HTMLTextAreaElement).value === want,
        PROMPT,
      );
      await p.click("button:has-text('Save to history')");
      await p.waitForSelector("text=Saved to history as #");

      // A picture over 20 MB is refused in the page, before anything is sent.
      const before = env.t.services.history.use().list({ limit: 1 }).total;
      await p.evaluate(() => {
        const input = document.getElementById("image") as HTMLInputElement;
        const dt = new DataTransfer();
        dt.items.add(
          new File([new Uint8Array(21 * 1024 * 1024)], "huge.png", { type: "image/png" }),
        );
        input.files = dt.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      match(
        await p.textContent(".image-drop-hint") ?? "",
        /21\.0 MB; pictures may be at most 20 MB/,
      );
      equal(env.t.services.history.use().list({ limit: 1 }).total, before);
      equal(errors.length, 0, errors.join("\n"));
    } finally {
      await env.close();
    }
  },
);

browserTest(
  "browser with JavaScript: describing a photo streams the prompt, and history keeps its thumbnail",
  async () => {
    const env = await setup();
    try {
      const { page: p, errors } = await open(env, true);
      await p.selectOption("#ollama_model", VISION);
      await p.selectOption("select[name=model]", "flux");
      await p.setInputFiles("#image", file("photo.jpg", "image/jpeg", await plainJpeg(80, 60)));
      // Reading first: a photo carries no prompt, and the panel says to describe it instead.
      await p.waitForSelector("text=No prompt found in this image");
      await p.click("#describe-image");
      await p.waitForSelector("#positive", { timeout: 20_000 });
      match(await p.inputValue("#positive"), /seen in a 80x60 jpeg image/i);
      await shot(p, "image-describe-js");
      const entry = env.t.services.history.use().list({ limit: 1 }).history[0]!;
      equal(entry.mode, "image");
      equal(entry.source_image?.format, "jpeg");
      equal(errors.length, 0, errors.join("\n"));
      await p.setViewportSize({ width: 375, height: 800 });
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      ok(width <= 375, `no horizontal scroll at 375 px (scrollWidth ${width})`);
    } finally {
      await env.close();
    }
  },
);
