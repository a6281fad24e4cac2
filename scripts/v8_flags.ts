/**
 * The V8 flags the server runs with, read from the `start` task in deno.json so the task, the
 * compiled binary and the benchmark all run the app the same way.
 *
 * `--max-semi-space-size=1` keeps the young generation at 1 MB: each scavenge then copies few
 * survivors, so the pauses that land inside a burst of streamed tokens stay short (measured in
 * docs/PERFORMANCE.md, "GC pauses inside token bursts").
 */
export function serverV8Flags(): string[] {
  const config = JSON.parse(
    Deno.readTextFileSync(new URL("../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  return config.tasks.start!.match(/--v8-flags=\S+/g) ?? [];
}
