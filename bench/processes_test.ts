import { equal, ok } from "node:assert/strict";

Deno.test("a benchmark that fails mid-section removes its temporary folders", async () => {
  const script = new URL("./testdata/failing_section.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.success, false, "the failing section ends the run with an error");
  ok(new TextDecoder().decode(out.stderr).includes("a section failed"));
  const { dir } = JSON.parse(new TextDecoder().decode(out.stdout)) as { dir: string };
  let exists = true;
  try {
    await Deno.stat(dir);
  } catch {
    exists = false;
  }
  equal(exists, false, "the temporary folder was removed");
});
