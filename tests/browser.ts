import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { serveOnPort, startTestApp, type TestApp } from "./helpers.ts";

/** Where Debian puts Chromium; the tests never download a browser of their own. */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Folder for screenshots; ignored by git. */
export const OUTPUT = new URL("../test-output/", import.meta.url);

/** True when a browser is available; outside CI a missing browser skips the browser tests loudly. */
export function browserAvailable(): boolean {
  try {
    Deno.statSync(CHROMIUM);
    return true;
  } catch {
    if (Deno.env.get("CI")) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}; .ci/run installs it with apt-get install -y chromium`,
      );
    }
    // deno-lint-ignore no-console
    console.warn(`SKIPPED browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    return false;
  }
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launch(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Saves a screenshot to test-output/: the whole page, or (`full: false`, for long phone pages)
 * what the viewport shows.
 */
export async function shot(page: Page, name: string, options: { full?: boolean } = {}) {
  await Deno.mkdir(OUTPUT, { recursive: true });
  await page.screenshot({
    path: new URL(`${name}.png`, OUTPUT).pathname,
    fullPage: options.full ?? true,
  });
}

/** Runs one named step of a suite. */
export type Step = (name: string, fn: () => Promise<void>) => Promise<boolean>;

/**
 * One Deno test for a file's browser steps, with one Chromium for all of them (launching costs
 * more than most steps). `BROWSER_STEPS="chat|Quick"` runs only the steps whose names match.
 */
export function browserSuite(
  name: string,
  body: (step: Step, browser: Browser) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !browserAvailable(),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const browser = await launch();
      const raw = Deno.env.get("BROWSER_STEPS");
      const only = raw ? new RegExp(raw) : undefined;
      const step: Step = (stepName, fn) =>
        t.step({ name: stepName, ignore: only !== undefined && !only.test(stepName), fn });
      try {
        await body(step, browser);
      } finally {
        await browser.close();
      }
    },
  });
}

/** The sizes every point is checked at: a laptop and a phone. */
export const DESKTOP = { width: 1366, height: 900 };
/** A phone-sized viewport. */
export const PHONE = { width: 390, height: 844 };

/** An app served on a loopback port for a browser step. */
export interface Env {
  t: TestApp;
  url: string;
  close: () => Promise<void>;
}

/** Serves a test app (over its own fake Ollama) on a loopback port. */
export async function serve(options: Parameters<typeof startTestApp>[0] = {}): Promise<Env> {
  const t = await startTestApp({ fake: { tokenDelayMs: 15, ...options.fake }, ...options });
  const server = serveOnPort(t.app);
  return {
    t,
    url: server.url,
    close: async () => {
      await server.close();
      await t.close();
    },
  };
}

/** How a step's browser page is set up. */
export interface PageOptions {
  js?: boolean;
  size?: { width: number; height: number };
  scheme?: "light" | "dark";
  timezone?: string;
}

/** A new context and page, collecting page errors. */
export async function open(
  browser: Browser,
  options: PageOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.js ?? true,
    viewport: options.size ?? DESKTOP,
    colorScheme: options.scheme ?? "light",
    timezoneId: options.timezone,
  });
  // Generous: on a loaded machine a page can take many seconds; passing runs never wait this long.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { context, page, errors };
}

/** Waits until app.js has saved the form (it does so a moment after each change). */
export async function saved(p: Page): Promise<void> {
  await p.waitForResponse((r) => r.url().endsWith("/ui/state"), { timeout: 5000 });
}

/** Records, in the page, the height of #result while it streams and after. */
export async function watchResultHeight(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { heights: { busy: boolean; h: number }[] };
    w.heights = [];
    const tick = () => {
      const el = document.querySelector("#result");
      if (el) {
        w.heights.push({
          busy: el.getAttribute("aria-busy") === "true",
          h: el.getBoundingClientRect().height,
        });
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/**
 * Records, in the page, every moment a reply streams while a Send or Generate button is usable
 * (there should be none) and how many moments it was busy at all.
 */
export async function watchBusy(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { busyWatch: { seen: number; open: number } };
    w.busyWatch = { seen: 0, open: 0 };
    const tick = () => {
      if (document.querySelector('[aria-busy="true"]')) {
        w.busyWatch.seen++;
        const usable = [...document.querySelectorAll("[data-send]")].some((b) =>
          !(b as HTMLButtonElement).disabled
        );
        if (usable) w.busyWatch.open++;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** What `watchBusy` saw. */
export async function busyRecord(p: Page): Promise<{ seen: number; open: number }> {
  return await p.evaluate(() =>
    (window as unknown as { busyWatch: { seen: number; open: number } }).busyWatch
  );
}

/** Records every text the live region #announce has held. */
export async function watchAnnouncements(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { announced: string[] };
    w.announced = [];
    new MutationObserver(() => {
      const text = document.getElementById("announce")?.textContent ?? "";
      if (text && w.announced.at(-1) !== text) w.announced.push(text);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

/** A long Flux prompt (about 90 T5 tokens), for checking that its box never clips. */
export const FLUX_PROMPT =
  "A weathered lighthouse keeper in a yellow oilskin coat stands on the wet stone gallery of a " +
  "tall white lighthouse at dusk, one hand on the iron rail, as a storm rolls in over a slate " +
  "grey sea. Waves burst against black rocks far below, throwing spray into the wind. The lamp " +
  "behind him throws a warm beam across low clouds, while cold blue light lingers on the horizon. " +
  "Shot on a 35mm lens from a low angle, rain streaks catching the light, deep shadows, fine " +
  "texture on the peeling paint and salt-crusted glass.";
