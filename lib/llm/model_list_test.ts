import assert from "node:assert/strict";
import { ModelList } from "./model_list.ts";
import type { InstalledModel } from "./types.ts";

/** A stand-in for the Ollama client whose `/api/tags` answers when the test says so. */
function slowTags() {
  const calls: ((models: InstalledModel[] | Error) => void)[] = [];
  return {
    calls,
    kind: "ollama" as const,
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
  assert.match(after.notice!, /did not answer/);
});

for (const kind of ["ollama", "openai"] as const) {
  Deno.test(`model list says when the default model is missing or nothing is there (${kind})`, async () => {
    let models: InstalledModel[] = [{ name: "qwen3:latest" }];
    let clock = 0;
    const list = new ModelList({ tags: () => Promise.resolve(models), kind }, {
      now: () => clock,
    });
    const missing = (await list.get("llama3.2")).notice!;
    models = [];
    clock += 10_000;
    await list.get("llama3.2");
    await new Promise((r) => setTimeout(r, 0));
    const empty = (await list.get("llama3.2")).notice!;
    if (kind === "ollama") {
      assert.match(missing, /ollama pull llama3\.2/);
      assert.match(empty, /Ollama has no models yet/);
    } else {
      // No Ollama commands for a server that is not Ollama.
      assert.match(missing, /not one the LLM server lists; .*LLM_MODEL/);
      assert.match(empty, /The LLM server lists no models: load one there/);
      assert.doesNotMatch(missing + empty, /ollama/i);
    }
  });
}

Deno.test("a generation that found Ollama gone (or back) corrects the listing at once", async () => {
  const clock = 0;
  const list = new ModelList({
    tags: () => Promise.resolve([{ name: "qwen3:latest" }]),
    kind: "ollama",
  }, {
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
