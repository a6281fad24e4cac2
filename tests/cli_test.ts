import { equal, match, ok } from "node:assert/strict";
import { startFakeOllama } from "./fakes/fake_ollama.ts";
import { MAIN, startServerProcess, waitFor } from "./helpers.ts";
import { listen } from "../cli/serve.ts";

async function cli(args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", OLLAMA_STARTUP_CHECK: "false", ...env },
    cwd: Deno.makeTempDirSync(),
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("cli: generate streams the prompt to stdout, history and presets read the same data", async () => {
  const fake = startFakeOllama();
  const dir = await Deno.makeTempDir();
  const env = { DATA_DIR: dir, OLLAMA_URL: fake.url };
  try {
    const gen = await cli([
      "generate",
      "a fox in the snow",
      "--target",
      "sdxl",
      "--style",
      "Watercolor",
    ], env);
    equal(gen.code, 0, gen.err);
    // The structured reply's values stream as they come: the prompt, a blank line, the negative.
    match(gen.out, /^masterpiece, best quality, \(a fox in the snow:1\.2\)/);
    match(gen.out, /\n\nblurry, lowres, /);
    ok(!/POSITIVE|NEGATIVE|[{}"]/.test(gen.out), `no labels, braces or quotes: ${gen.out}`);
    equal(gen.err, "");

    const quiet = await cli(["generate", "-q", "a fox at dusk", "--target", "sdxl"], env);
    equal(quiet.code, 0, quiet.err);
    equal(quiet.out.split("\n").length, 2, `one line: ${quiet.out}`);
    match(quiet.out, /^masterpiece, best quality, \(a fox at dusk:1\.2\)/);
    ok(!/POSITIVE|NEGATIVE/.test(quiet.out), "only the positive prompt");

    const json = await cli(
      ["generate", "a heron", "--engine", "composer", "--json", "--seed", "4"],
      env,
    );
    equal(json.code, 0, json.err);
    const body = JSON.parse(json.out);
    equal(body.engine, "composer");
    equal(body.positive, "A heron.");

    const hist = await cli(["history", "--search", "fox", "--json"], env);
    equal(hist.code, 0, hist.err);
    equal(JSON.parse(hist.out).total, 2);
    const plain = await cli(["history", "--limit", "5"], env);
    match(plain.out, /#3 .* a heron/);

    const styles = await cli(["presets", "styles"], env);
    match(styles.out, /^Cinematic\s+cinematic film still/m);
    const photo = await cli(["presets", "photography"], env);
    match(photo.out, /annie_leibovitz\s+Annie Leibovitz/);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: usage errors exit 2, upstream failures exit 1, each with one line on stderr", async () => {
  const dir = await Deno.makeTempDir();
  const env = { DATA_DIR: dir, OLLAMA_URL: "http://127.0.0.1:9" };
  try {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [["generate"], {}, 2, /give the idea in quotes/],
      [["generate", "x", "--bogus"], {}, 2, /unknown option --bogus/],
      [["generate", "x", "--style", "Nope"], {}, 2, /unknown preset "Nope"/],
      // LLM_BACKEND=auto (the default) cannot tell what should have answered; named, it can.
      [["generate", "x"], {}, 1, /Cannot connect to the LLM server at http:\/\/127\.0\.0\.1:9/],
      [
        ["generate", "x"],
        { LLM_BACKEND: "ollama" },
        1,
        /Cannot connect to Ollama at http:\/\/127\.0\.0\.1:9/,
      ],
      [["generate", "x"], { LLM_BACKEND: "openai" }, 1, /start the local server/],
      [
        ["generate", "x", "--style", "Watercolour"],
        {},
        2,
        /^promptsmith: --style: unknown preset "Watercolour"\. Did you mean "Watercolor"\? .*see: promptsmith presets styles/,
      ],
      [["generate", "x", "--pack", "nope"], {}, 2, /see: promptsmith presets packs/],
      [["generate", "x", "-q", "--json"], {}, 2, /use either --json or --positive-only, not both/],
      [["history", "--limit", "0"], {}, 2, /--limit "0" must be a whole number from 1 to 200/],
      [["presets", "nope"], {}, 2, /unknown category "nope"/],
      [["frobnicate"], {}, 2, /unknown command "frobnicate"/],
      [["serve"], { PORT: "abc" }, 2, /PORT="abc" is not a port number/],
      [["--port", "99999"], {}, 2, /--port "99999" must be a whole number from 1 to 65535/],
    ];
    for (const [args, extra, code, message] of cases) {
      const r = await cli(args, { ...env, ...extra });
      equal(r.code, code, `${args.join(" ")}: ${r.err}`);
      match(r.err, message);
      equal(r.err.trim().split("\n").length, 1, `one line: ${r.err}`);
      ok(!/\b(GET|POST) \//.test(r.err), `speaks of commands, not routes: ${r.err}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: --help and --version for the program and each command", async () => {
  const top = await cli(["--help"], {});
  match(top.out, /Commands:\n {2}serve/);
  for (const flag of ["--port N", "--host H", "--no-open", "-q"]) ok(top.out.includes(flag), flag);
  equal(
    (await cli(["--version"], {})).out.trim(),
    JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).version,
  );
  for (const command of ["serve", "generate", "history", "presets"]) {
    const r = await cli([command, "--help"], {});
    equal(r.code, 0);
    match(r.out, new RegExp(`^promptsmith ${command}:`));
  }
});

Deno.test("serve runs from another folder, and SIGTERM ends in-flight streams and exits 0", async () => {
  const fake = startFakeOllama({ tokenDelayMs: 50, reply: () => "tok ".repeat(400) });
  const dir = await Deno.makeTempDir();
  const elsewhere = await Deno.makeTempDir();
  const { child, url, output } = await startServerProcess(
    { DATA_DIR: dir, OLLAMA_URL: fake.url },
    [],
    elsewhere,
  );
  try {
    const page = await fetch(url);
    equal(page.status, 200);
    match(await page.text(), /Studio Ghibli Magic/);
    const presets = await (await fetch(`${url}/api/preset-packs`)).json();
    ok(presets.packs.length >= 9);
    const stream = await fetch(`${url}/generate-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "a long one" }),
    });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read();
    child.kill("SIGTERM");
    let rest = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
    }
    match(
      rest,
      /data: \{"error":"Promptsmith is shutting down; try again once it is running\.","type":"shutdown"\}\n\n$/,
    );
    const status = await child.status;
    equal(status.code, 0);
    match(await output(), /Promptsmith stopped\./);
    await waitFor(() => fake.openStreams === 0, 2000, "upstream closed");
    await child.stderr.cancel().catch(() => {});
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await fake.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("a second start on the same port finds the running one instead of failing", async () => {
  const dir = await Deno.makeTempDir();
  const first = await startServerProcess({ DATA_DIR: dir, OLLAMA_URL: "http://127.0.0.1:9" });
  try {
    const second = await cli(["--no-open", "--port", String(first.port)], { DATA_DIR: dir });
    equal(second.code, 0, second.err);
    match(second.out, new RegExp(`already running at http://127\\.0\\.0\\.1:${first.port}/`));
  } finally {
    first.child.kill("SIGTERM");
    await first.child.status;
    await first.child.stderr.cancel().catch(() => {});
    await first.output();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listen() moves to the next port when the default one is taken by another program", async () => {
  const other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("not us"),
  );
  const ac = new AbortController();
  try {
    const port = other.addr.port;
    const result = await listen(() => new Response("ok"), {
      host: "127.0.0.1",
      port,
      portExplicit: false,
    }, ac.signal);
    ok("server" in result);
    ok(result.server.addr.port > port);
    ac.abort();
    await result.server.finished;
    let error = "";
    try {
      await listen(
        () => new Response("ok"),
        { host: "127.0.0.1", port, portExplicit: true },
        ac.signal,
      );
    } catch (err) {
      error = (err as Error).message;
    }
    match(error, /in use by another program/);
  } finally {
    await other.shutdown();
  }
});

const DENORT = Deno.env.get("DENORT_BIN");
if (!DENORT) {
  // deno-lint-ignore no-console
  console.warn(
    "SKIPPED deno compile test: DENORT_BIN is not set (deno compile downloads denort, which this machine cannot reach)",
  );
}

Deno.test({
  name: "deno compile builds a binary that serves the app with everything inside",
  ignore: !DENORT,
  async fn() {
    const out = await Deno.makeTempDir();
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../scripts/compile.ts", import.meta.url).pathname,
        "--host",
        `--out=${out}`,
      ],
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const exe = [...Deno.readDirSync(out)][0]!.name;
    const version = await new Deno.Command(`${out}/${exe}`, { args: ["--version"] }).output();
    equal(version.code, 0);
    const dir = await Deno.makeTempDir();
    const presets = await new Deno.Command(`${out}/${exe}`, {
      args: ["presets", "packs"],
      env: { DATA_DIR: dir },
      cwd: dir,
    }).output();
    match(new TextDecoder().decode(presets.stdout), /ghibli_magic/);
    // Served from a folder that holds nothing of ours: pages, styles and htmx come from inside.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const server = new Deno.Command(`${out}/${exe}`, {
      args: ["serve", "--no-open", "--port", String(port)],
      env: { DATA_DIR: dir, OLLAMA_STARTUP_CHECK: "false" },
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const base = `http://127.0.0.1:${port}`;
      let page: Response | undefined;
      for (let i = 0; i < 100 && !page; i++) {
        page = await fetch(base).catch(() => undefined);
        if (!page) await new Promise((r) => setTimeout(r, 100));
      }
      equal(page?.status, 200);
      match(await page!.text(), /<form id="gen-form"/);
      for (const path of ["/static/app.css", "/static/vendor/htmx.min.js", "/healthz"]) {
        const res = await fetch(`${base}${path}`);
        equal(res.status, 200, path);
        await res.body?.cancel();
      }
    } finally {
      server.kill("SIGTERM");
      await server.status;
    }
  },
});

Deno.test("cli: --target takes every target and old ids; the composer's note goes to stderr", async () => {
  const dir = await Deno.makeTempDir();
  const env = { DATA_DIR: dir, OLLAMA_URL: "http://127.0.0.1:9" };
  try {
    const help = await cli(["generate", "--help"], env);
    for (const id of ["flux_schnell", "illustrious", "sd35", "qwen_image", "hidream", "wan"]) {
      ok(help.out.includes(id), id);
    }
    const composed = await cli(
      ["generate", "un zorro rojo en la nieve", "--target", "sd3", "--engine", "composer"],
      env,
    );
    equal(composed.code, 0, composed.err);
    // The prompt alone, never the result's labels.
    match(composed.out, /^Un zorro rojo en la nieve\./);
    match(composed.err, /^Note: The idea is kept in its own words: the composer cannot translate/m);
    const listed = await cli(["presets", "targets"], env);
    match(listed.out, /^pony\s+Pony Diffusion V6: /m);
    match(listed.out, /^wan\s+WAN 2\.1 \/ 2\.2 \(video\): /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A reply as a chatty model writes it when asked for labelled text. */
const CHATTY =
  "Here's your prompt:\n\nPOSITIVE: a red fox in the snow, golden hour light\nNEGATIVE: blurry, lowres\n\n" +
  "This prompt emphasizes the contrast between the fox and the snow. Let me know if you'd like any changes!";

Deno.test("cli: a chatty text reply prints only the parsed prompt, never labels or commentary", async () => {
  const fake = startFakeOllama({ reply: () => CHATTY });
  const dir = await Deno.makeTempDir();
  try {
    const env = { DATA_DIR: dir, OLLAMA_URL: fake.url, STRUCTURED_OUTPUT: "off" };
    const gen = await cli(["generate", "a fox", "--target", "sdxl"], env);
    equal(gen.code, 0, gen.err);
    const [positive, negative, ...rest] = gen.out.split("\n\n");
    equal(positive, "a red fox in the snow, golden hour light");
    match(negative!, /^blurry, lowres\b/);
    equal(rest.length, 0, `the prompt and the negative, nothing else: ${gen.out}`);
    ok(!/POSITIVE|NEGATIVE|Here's|emphasizes|Let me know/.test(gen.out), gen.out);
    // The composer's labelled result is parsed the same way.
    const composed = await cli(
      ["generate", "a heron", "--engine", "composer", "--target", "sdxl"],
      {
        ...env,
      },
    );
    equal(composed.code, 0, composed.err);
    ok(!/POSITIVE|NEGATIVE/.test(composed.out), composed.out);
    match(composed.out, /heron/);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: a structured reply that breaks mid-stream shows only the text retry's clean prompt", async () => {
  const fake = startFakeOllama({ reply: () => CHATTY, formatReplies: "invalid" });
  const dir = await Deno.makeTempDir();
  try {
    const env = { DATA_DIR: dir, OLLAMA_URL: fake.url, STRUCTURED_OUTPUT: "on" };
    const gen = await cli(["generate", "a fox", "--target", "sdxl"], env);
    equal(gen.code, 0, gen.err);
    equal(fake.requests.length >= 2, true, "asked twice");
    equal(gen.out.split("a red fox in the snow").length, 2, `the prompt once: ${gen.out}`);
    ok(gen.out.startsWith("a red fox in the snow, golden hour light\n\nblurry, lowres"), gen.out);
    ok(!/and then it rambles|POSITIVE|Here's|Let me know/.test(gen.out), gen.out);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: a reply that was only reasoning prints no prompt and says why on stderr", async () => {
  const fake = startFakeOllama({ reply: () => "<think>A fox, maybe in snow, or" });
  const dir = await Deno.makeTempDir();
  try {
    const env = { DATA_DIR: dir, OLLAMA_URL: fake.url, STRUCTURED_OUTPUT: "off" };
    for (const args of [["generate", "a fox"], ["generate", "-q", "a fox"]]) {
      const r = await cli(args, env);
      equal(r.code, 0, r.err);
      equal(r.out, "", `${args.join(" ")}: no prompt, no blank line`);
      match(r.err, /only reasoning/);
    }
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
