/**
 * Builds single-file binaries with `deno compile` for every platform we ship.
 * `deno task compile` builds all five; `deno task compile --host` only the current platform.
 * `deno compile` downloads `denort` for each target; set DENORT_BIN to use a local one (host only).
 */
import { serverV8Flags } from "./v8_flags.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

const root = new URL("../", import.meta.url).pathname;
const hostTarget = Deno.build.target;
const onlyHost = Deno.args.includes("--host");
const outDir = Deno.args.find((a) => a.startsWith("--out="))?.slice(6) ?? `${root}dist`;
const targets = onlyHost ? [hostTarget] : TARGETS;

/**
 * The permissions the binary runs with: network, files, environment, opening the browser, and
 * FFI for glibc's malloc_trim after bursts of generations (lib/app/heap_trim.ts).
 */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-sys",
  "--allow-ffi",
];

await Deno.mkdir(outDir, { recursive: true });
let failed = 0;
for (const target of targets) {
  const exe = target.includes("windows") ? ".exe" : "";
  const output = `${outDir}/promptsmith-${target}${exe}`;
  const args = [
    "compile",
    ...PERMISSIONS,
    "--unstable-kv",
    "--unstable-no-legacy-abort",
    ...serverV8Flags(),
    "--include",
    `${root}presets`,
    // Workers are not found by the module graph; without this the binary cannot decode images.
    "--include",
    `${root}lib/images/image_worker.ts`,
    "--target",
    target,
    "--output",
    output,
    `${root}main.ts`,
  ];
  // deno-lint-ignore no-console
  console.log(`Building ${output}`);
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: root }).spawn().status;
  if (code !== 0) {
    failed++;
    // deno-lint-ignore no-console
    console.error(
      `Could not build ${target} (deno compile exited ${code}); it needs to download denort for that target.`,
    );
  }
}
Deno.exit(failed ? 1 : 0);
