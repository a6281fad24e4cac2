import { deepEqual } from "node:assert/strict";
import { stripThink, ThinkFilter } from "./think_filter.ts";

function run(chunks: string[]) {
  const f = new ThinkFilter();
  const pieces = [...chunks.flatMap((c) => f.push(c)), ...f.flush()];
  return {
    content: pieces.filter((p) => p.type === "content").map((p) => p.text).join(""),
    thinking: pieces.filter((p) => p.type === "thinking").map((p) => p.text).join(""),
  };
}

Deno.test("ThinkFilter separates a think block from the answer", () => {
  deepEqual(run(["<think>plan</think>\n\nA cat"]), { content: "A cat", thinking: "plan" });
});

Deno.test("ThinkFilter handles tags cut across chunks", () => {
  const chunks = ["<thi", "nk>pl", "an</th", "ink>", "\n", "A ", "cat"];
  deepEqual(run(chunks), { content: "A cat", thinking: "plan" });
});

Deno.test("ThinkFilter passes text without tags through, holding only a possible tag start", () => {
  const f = new ThinkFilter();
  deepEqual(f.push("A cat <"), [{ type: "content", text: "A cat " }]);
  deepEqual(f.push("lora:x:1>"), [{ type: "content", text: "<lora:x:1>" }]);
});

Deno.test("stripThink() drops an unterminated think block", () => {
  deepEqual(stripThink("<think>still thinking"), "");
  deepEqual(stripThink("no tags here"), "no tags here");
});

Deno.test("ThinkFilter strips every think block, not only the first", () => {
  deepEqual(run(["<think>one</think>A <think>two</think>cat<think>three</think>"]), {
    content: "A cat",
    thinking: "onetwothree",
  });
  deepEqual(stripThink("<think>a</think>red <think>b</think>fox"), "red fox");
});

Deno.test("ThinkFilter takes <thinking> and <reasoning> blocks in any case, cut anywhere", () => {
  const reply = "<Thinking>plan it</THINKING>\n\nA red fox <reasoning>why</reasoning>in snow";
  for (let cut = 0; cut <= reply.length; cut++) {
    deepEqual(run([reply.slice(0, cut), reply.slice(cut)]), {
      content: "A red fox in snow",
      thinking: "plan itwhy",
    }, `cut at ${cut}`);
  }
  deepEqual(run([..."<THINK>a</think>b"]), { content: "b", thinking: "a" });
});

Deno.test("ThinkFilter sends an unclosed block to reasoning, leaving no content", () => {
  deepEqual(run(["<think>The user wants a fox. Let me weigh"]), {
    content: "",
    thinking: "The user wants a fox. Let me weigh",
  });
});
