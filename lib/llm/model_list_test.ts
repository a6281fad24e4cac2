import assert from "node:assert/strict";
import { ModelList } from "./model_list.ts";
import type { InstalledModel } from "./types.ts";

/** A stand-in for the Ollama client whose `/api/tags` answers when the test says so. */
function slowTags() {
  const calls: ((models: InstalledModel[] | Error) => void)[] = [];
  return {
    calls,
    tags: () =>
      new Promise<InstalledModel[]>((resolve, reject) => {
        calls.push((answer) => answer instanceof Error ? reject(answer) : resolve(answer));
      }),
  };
}

Deno.test("model list: the first page waits, later pages get the last listing while it refreshes", async () => {
  const client = slowTags();
  let clock = 0;
  const list = new ModelList(client, { ttlMs: 5000, now: () => clock });
  const first = list.get("llama3.2");
  client.calls[0]!([{ name: "llama3.2:latest" }]);
  assert.deepEqual((await first).names, ["llama3.2:latest"]);

  clock += 6000;
  // Ollama now hangs: the page is not held up by it.
  const stale = await list.get("llama3.2");
  assert.deepEqual(stale.names, ["llama3.2:latest"]);
  assert.equal(client.calls.length, 2);
  // Two more pages while the refresh is out: no second request.
  await list.get("llama3.2");
  assert.equal(client.calls.length, 2);

  client.calls[1]!(new Error("down"));
  await new Promise((r) => setTimeout(r, 0));
  const after = await list.get("llama3.2");
  assert.equal(after.reachable, false);
  assert.match(after.notice!, /Ollama did not answer/);
});

Deno.test("model list says when the default model is missing or nothing is installed", async () => {
  let models: InstalledModel[] = [{ name: "qwen3:latest" }];
  let clock = 0;
  const list = new ModelList({ tags: () => Promise.resolve(models) }, { now: () => clock });
  assert.match((await list.get("llama3.2")).notice!, /ollama pull llama3\.2/);
  models = [];
  clock += 10_000;
  await list.get("llama3.2");
  await new Promise((r) => setTimeout(r, 0));
  assert.match((await list.get("llama3.2")).notice!, /no models yet/);
});

Deno.test("a generation that found Ollama gone (or back) corrects the listing at once", async () => {
  const clock = 0;
  const list = new ModelList({ tags: () => Promise.resolve([{ name: "qwen3:latest" }]) }, {
    now: () => clock,
  });
  assert.equal((await list.get("qwen3")).reachable, true);
  list.noteReachable(false, "Cannot connect to Ollama.");
  const down = await list.get("qwen3");
  assert.equal(down.reachable, false);
  assert.match(down.notice!, /Cannot connect/);
  list.noteReachable(true);
  // Back up: the stale listing is refreshed on the next look.
  assert.equal((await list.get("qwen3")).reachable, true);
});
