import { equal, ok } from "node:assert/strict";

const script = new URL("./testdata/failing_section.ts", import.meta.url).pathname;

/** Whether the folder is still there. */
async function exists(dir: string): Promise<boolean> {
  try {
    await Deno.stat(dir);
    return true;
  } catch {
    return false;
  }
}

/** Runs the failing section; returns how it ended and the folder it made. */
async function runSection(
  how: string,
): Promise<{ status: Deno.CommandStatus; stderr: string; dir: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, how],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    line += value;
  }
  const { dir } = JSON.parse(line) as { dir: string };
  if (how === "wait") {
    equal(await exists(dir), true, "the folder is there while the section runs");
    child.kill("SIGINT");
  }
  await reader.cancel();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  return { status, stderr, dir };
}

Deno.test("a benchmark that fails mid-section removes its temporary folders", async (t) => {
  for (const how of ["throw", "timer"]) {
    await t.step(`an error ${how === "throw" ? "at top level" : "in a callback"}`, async () => {
      const { status, stderr, dir } = await runSection(how);
      equal(status.success, false, "the failing section ends the run with an error");
      ok(stderr.includes("a section failed"));
      equal(await exists(dir), false, "the temporary folder was removed");
    });
  }
});

Deno.test("a benchmark stopped with Ctrl+C removes its temporary folders", async () => {
  const { status, dir } = await runSection("wait");
  equal(status.code, 130);
  equal(await exists(dir), false, "the temporary folder was removed");
});
