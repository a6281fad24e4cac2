import { equal, ok } from "node:assert/strict";

const root = new URL("../", import.meta.url);

Deno.test("the README's commands use the pinned Deno version", async () => {
  const version = (await Deno.readTextFile(new URL(".deno-version", root))).trim();
  const readme = await Deno.readTextFile(new URL("README.md", root));
  ok(readme.includes(`npx -y deno@${version} task start`));
  ok(readme.includes(`npx -y deno@${version} task test`));
  const pinned = [...readme.matchAll(/deno@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
  equal(new Set(pinned).size, 1, "one Deno version everywhere");
});

Deno.test(".ci/run runs the README's test command", async () => {
  const ci = await Deno.readTextFile(new URL(".ci/run", root));
  ok(ci.includes('npx -y "deno@${DENO_VERSION}" task test'));
});

Deno.test("the start and dev tasks run the server with the same V8 flags the binary gets", async () => {
  const { serverV8Flags } = await import("../scripts/v8_flags.ts");
  const flags = serverV8Flags();
  ok(flags.some((f) => f.includes("--max-semi-space-size=")), "a small young generation");
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks;
  for (const flag of flags) ok(tasks.dev.includes(flag), `dev task has ${flag}`);
});

Deno.test("the README's target table lists every target", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const { loadTargets } = await import("../lib/prompt/targets.ts");
  for (const t of loadTargets()) {
    ok(readme.includes(`| \`${t.id}\``), `${t.id} is missing from the README's target table`);
  }
});
