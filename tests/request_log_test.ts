import { equal, ok } from "node:assert/strict";
import { closeLogging, setupLogging } from "../lib/app/logger.ts";
import { startTestApp } from "./helpers.ts";

/** Lines of app.log after some plain requests at `level`. */
async function loggedAt(level: "INFO" | "DEBUG"): Promise<string[]> {
  const dir = await Deno.makeTempDir();
  const t = await startTestApp();
  try {
    await setupLogging({ level, logDir: dir });
    for (const path of ["/presets", "/history?q=lighthouse", "/healthz"]) {
      const res = await t.request(path);
      await res.body?.cancel();
      equal(res.ok, true, path);
    }
    await closeLogging();
    return Deno.readTextFileSync(`${dir}/app.log`).split("\n").filter(Boolean);
  } finally {
    await closeLogging();
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("at the default log level a plain request writes no line (each line cost a file sync), as the original kept its request log at WARNING", async () => {
  const lines = await loggedAt("INFO");
  equal(
    lines.filter((l) => /"GET" "\/(presets|history|healthz)"/.test(l)).length,
    0,
    lines.join("\n"),
  );
});

Deno.test("LOG_LEVEL=DEBUG logs every request with its method, path, status and time", async () => {
  const lines = await loggedAt("DEBUG");
  for (const path of ["/presets", "/history", "/healthz"]) {
    ok(lines.some((l) => l.includes(`"GET" "${path}" 200`)), `${path} in\n${lines.join("\n")}`);
  }
});
