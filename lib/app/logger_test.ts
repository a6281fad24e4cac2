import { equal, match, ok } from "node:assert/strict";
import { closeLogging, log, setupLogging } from "./logger.ts";

Deno.test("setupLogging() writes to a file in the log folder and rotates it at the size limit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await setupLogging({ level: "INFO", logDir: dir, maxSize: 2000, maxFiles: 3 });
    for (let i = 0; i < 100; i++) log("test").info("line {i} of the rotation test", { i });
    log("test").debug("a debug line that INFO must drop");
    await closeLogging();
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    ok(files.includes("app.log"));
    ok(files.includes("app.log.1"), `rotated files: ${files.join(", ")}`);
    ok(files.length <= 4, "at most the live file and 3 rotations");
    const all = files.map((f) => Deno.readTextFileSync(`${dir}/${f}`)).join("");
    match(all, /line 99 of the rotation test/);
    equal(all.includes("debug line"), false);
  } finally {
    await closeLogging();
    await Deno.remove(dir, { recursive: true });
  }
});
