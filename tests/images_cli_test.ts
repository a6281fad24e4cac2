import { equal, match } from "node:assert/strict";
import { startFakeOllama } from "./fakes/fake_ollama.ts";
import { MAIN } from "./helpers.ts";
import { makePng } from "./support/png_writer.ts";
import { a1111Png, COMFY_GRAPH, comfyPng, plainJpeg } from "./support/sample_images.ts";

async function cli(args: string[], env: Record<string, string>, cwd: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", OLLAMA_STARTUP_CHECK: "false", ...env },
    cwd,
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("cli: generate --image writes a prompt from a picture with a vision model; mistakes exit 2 with one line", async () => {
  const fake = startFakeOllama();
  const dir = await Deno.makeTempDir();
  const env = { DATA_DIR: `${dir}/data`, OLLAMA_URL: fake.url };
  try {
    await Deno.writeFile(`${dir}/photo.png`, makePng(64, 48));
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a picture");
    const gen = await cli(
      [
        "generate",
        "--image",
        "photo.png",
        "moody",
        "--target",
        "sdxl",
        "--ollama-model",
        "gemma3:4b",
      ],
      env,
      dir,
    );
    equal(gen.code, 0, gen.err);
    // The parsed prompt alone: the labelled reply never reaches stdout.
    match(
      gen.out,
      /^masterpiece, best quality, \(seen in a 64x48 png image: the attached/,
    );
    const json = await cli(
      ["generate", "--image", "photo.png", "--ollama-model", "gemma3:4b", "--json"],
      env,
      dir,
    );
    equal(json.code, 0, json.err);
    const body = JSON.parse(json.out);
    equal(body.image.format, "png");
    equal(body.vision, "declared");
    const hist = JSON.parse((await cli(["history", "--json"], env, dir)).out);
    equal(hist.history[0].mode, "image");
    equal(hist.history[0].source_image.width, 64);

    const cases: [string[], RegExp][] = [
      [
        ["generate", "--image", "photo.png"],
        /"qwen3:latest" cannot read images.*pick one that does: gemma3:4b/,
      ],
      [["generate", "--image", "missing.png"], /cannot read missing\.png: no such file/],
      [
        ["generate", "--image", "notes.txt", "--ollama-model", "gemma3:4b"],
        /image: this is not an image we can read; use a PNG, JPEG or WebP image/,
      ],
      [
        ["generate", "--image", "photo.png", "--engine", "composer"],
        /--image needs an LLM that reads images/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, env, dir);
      equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
      match(r.err, message);
      equal(r.err.trim().split("\n").length, 1, `one line: ${r.err}`);
    }
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: read-image prints the prompt, negative and settings a picture carries, and can save it", async () => {
  const dir = await Deno.makeTempDir();
  const env = { DATA_DIR: `${dir}/data`, OLLAMA_URL: "http://127.0.0.1:9" };
  try {
    await Deno.writeFile(`${dir}/a1111.png`, a1111Png());
    await Deno.writeFile(`${dir}/comfy.png`, comfyPng());
    await Deno.writeFile(`${dir}/photo.jpg`, await plainJpeg());
    const plain = await cli(["read-image", "a1111.png"], env, dir);
    equal(plain.code, 0, plain.err);
    match(plain.out, /^a1111\.png: PNG 64×48, carries A1111\/Forge parameters\n/);
    match(plain.out, /\nPrompt:\na lighthouse on a cliff at dusk, <lora:film_grain:0\.6>\n/);
    match(plain.out, /\nNegative prompt:\nblurry, lowres\n/);
    match(
      plain.out,
      /Seed 1234567 · Steps 28 · Sampler DPM\+\+ 2M Karras · CFG 6\.5 · Model sd_xl_base_1\.0 · Size 832×1216/,
    );
    // The same settings the page's reading shows, denoise included.
    match(
      (await cli(["read-image", "comfy.png"], env, dir)).out,
      /Seed 8566257 · Steps 20 · Sampler euler · Scheduler normal · CFG 8 · Model juggernautXL\.safetensors · Denoise 1 · Size 1024×1024/,
    );
    const comfy = JSON.parse((await cli(["read-image", "comfy.png", "--json"], env, dir)).out);
    equal(comfy.source, "comfyui");
    equal(comfy.positive, "a red fox in fresh snow, golden hour");
    equal(JSON.stringify(comfy.api_graph), JSON.stringify(COMFY_GRAPH));
    const none = await cli(["read-image", "photo.jpg"], env, dir);
    equal(none.code, 0);
    match(
      none.out,
      /carries nothing\nNo prompt found in this image.*\nTo write a prompt from what it shows: promptsmith generate --image photo\.jpg/s,
    );
    const saved = await cli(["read-image", "a1111.png", "--save", "--target", "sdxl"], env, dir);
    match(saved.out, /Saved to history as #1\./);
    const hist = JSON.parse((await cli(["history", "--json"], env, dir)).out);
    equal(hist.history[0].mode, "image-read");
    equal(hist.history[0].model, "sdxl");
    const bad = await cli(["read-image", "nothing.png"], env, dir);
    equal(bad.code, 2);
    match(bad.err, /read-image: cannot read nothing\.png: no such file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
