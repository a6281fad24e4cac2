/**
 * `deno run -A bench/memory_map.ts URL PID [GENERATIONS] [CLIENTS]`: where a running app's
 * resident memory sits (glibc heap, other anonymous mappings, files) while idle and 30 s after
 * GENERATIONS generations (default 10,000) from CLIENTS concurrent clients (default 100). PID is
 * the app's process (Linux only: it reads /proc). SETTLE_MS changes the 30 s wait.
 */
import { generateMany } from "./http_client.ts";

const [url, pidText, gensText = "10000", clientsText = "100"] = Deno.args;
if (!url || !/^\d+$/.test(pidText ?? "")) {
  // deno-lint-ignore no-console
  console.error("usage: deno run -A bench/memory_map.ts URL PID [GENERATIONS] [CLIENTS]");
  Deno.exit(2);
}
const pid = Number(pidText);
const generations = Number(gensText);

/** Resident megabytes by mapping name ("[heap]", "[anon]", a file path). */
function residentByMapping(): Map<string, number> {
  const byName = new Map<string, number>();
  let name = "";
  for (const line of Deno.readTextFileSync(`/proc/${pid}/smaps`).split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) name = line.split(/\s+/).slice(5).join(" ") || "[anon]";
    else if (line.startsWith("Rss:")) {
      byName.set(name, (byName.get(name) ?? 0) + Number(line.split(/\s+/)[1]) / 1024);
    }
  }
  return byName;
}

function report(label: string): void {
  const byName = residentByMapping();
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 4)
    .map(([name, mb]) => `${name} ${mb.toFixed(1)}`).join(", ");
  // deno-lint-ignore no-console
  console.log(`${label}: ${total.toFixed(1)} MB resident; ${top}`);
}

report("idle");
await generateMany(url, generations, Number(clientsText));
const settleMs = Number(Deno.env.get("SETTLE_MS") ?? 30_000);
await new Promise((r) => setTimeout(r, settleMs));
report(`${settleMs / 1000} s after`);
