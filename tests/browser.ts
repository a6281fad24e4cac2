import { type Browser, chromium, type Page } from "playwright-core";

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

/** Saves a screenshot to test-output/ at the page's current size. */
export async function shot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, OUTPUT).pathname, fullPage: true });
}
