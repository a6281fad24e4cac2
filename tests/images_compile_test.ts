import { deepEqual, equal } from "node:assert/strict";
import { jpegFrom, webpFrom } from "./support/image_encoders.ts";
import { gradient, makePng, textChunk } from "./support/png_writer.ts";

const DENORT = Deno.env.get("DENORT_BIN");
if (!DENORT) {
  // deno-lint-ignore no-console
  console.warn(
    "SKIPPED image codecs in deno compile: DENORT_BIN is not set (deno compile downloads denort, which this machine cannot reach)",
  );
}

const root = new URL("../", import.meta.url);

Deno.test({
  name: "a compiled binary decodes PNG, JPEG and WebP with the WASM codecs embedded",
  ignore: !DENORT,
  async fn() {
    const dir = await Deno.makeTempDir();
    const entry = `${dir}/images_entry.ts`;
    await Deno.writeTextFile(
      entry,
      `import { thumbnail } from "${new URL("lib/images/resize.ts", root)}";
import { readImagePrompt } from "${new URL("lib/images/prompt_metadata.ts", root)}";
const out = [];
for (const path of Deno.args) {
  const bytes = await Deno.readFile(path);
  const t = await thumbnail(bytes, { maxSide: 32 });
  out.push([t.mime, t.width, t.height, readImagePrompt(bytes).source]);
}
console.log(JSON.stringify(out));
`,
    );
    const exe = `${dir}/images_bin`;
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["compile", "-A", "--config", new URL("deno.json", root).pathname, "-o", exe, entry],
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const px = gradient(64, 48);
    const files = {
      "a.png": makePng(64, 48, [textChunk("parameters", "a cat\nSteps: 2, Seed: 3, Sampler: x")]),
      "b.jpg": await jpegFrom(px, 64, 48),
      "c.webp": await webpFrom(px, 64, 48),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
    }
    // Run from another folder so nothing is found beside the sources by accident.
    const run = await new Deno.Command(exe, {
      args: Object.keys(files).map((n) => `${dir}/${n}`),
      cwd: await Deno.makeTempDir(),
    }).output();
    equal(run.code, 0, new TextDecoder().decode(run.stderr));
    deepEqual(JSON.parse(new TextDecoder().decode(run.stdout)), [
      ["image/jpeg", 32, 24, "a1111"],
      ["image/jpeg", 32, 24, "none"],
      ["image/jpeg", 32, 24, "none"],
    ]);
  },
});

Deno.test({
  name: "a compiled binary runs the image worker it embeds with --include",
  ignore: !DENORT,
  async fn() {
    const dir = await Deno.makeTempDir();
    const entry = `${dir}/worker_entry.ts`;
    await Deno.writeTextFile(
      entry,
      `import { ImageWorkers } from "${new URL("lib/images/image_workers.ts", root)}";
const pool = new ImageWorkers();
const out = await pool.prepare(await Deno.readFile(Deno.args[0]!), { prompt: true, thumbnail: true });
pool.close();
console.log(JSON.stringify([out.prompt?.source, out.thumbnail?.width, out.thumbnail?.height]));
`,
    );
    const exe = `${dir}/worker_bin`;
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "compile",
        "-A",
        "--config",
        new URL("deno.json", root).pathname,
        "--include",
        new URL("lib/images/image_worker.ts", root).pathname,
        "-o",
        exe,
        entry,
      ],
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    await Deno.writeFile(
      `${dir}/a.png`,
      makePng(600, 300, [textChunk("parameters", "a cat\nSteps: 2, Seed: 3, Sampler: x")]),
    );
    const run = await new Deno.Command(exe, {
      args: [`${dir}/a.png`],
      cwd: await Deno.makeTempDir(),
    })
      .output();
    equal(run.code, 0, new TextDecoder().decode(run.stderr));
    deepEqual(JSON.parse(new TextDecoder().decode(run.stdout)), ["a1111", 256, 128]);
  },
});

Deno.test("every worker module under lib/ is named with --include in scripts/compile.ts", async () => {
  const script = await Deno.readTextFile(new URL("scripts/compile.ts", root));
  const workers: string[] = [];
  async function walk(dir: URL, rel: string) {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
      else if (e.name.endsWith("_worker.ts")) workers.push(`${rel}${e.name}`);
    }
  }
  await walk(new URL("lib/", root), "lib/");
  deepEqual(workers, ["lib/images/image_worker.ts"]);
  for (const w of workers) equal(script.includes(`\${root}${w}`), true, `${w} is not included`);
});
