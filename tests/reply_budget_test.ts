/**
 * Every function that reads model reply text finishes 1 MB of hostile input in under 50 ms of
 * CPU: no backtracking pattern, no rescanning loop (issue 18, point 1).
 */
import { deepEqual } from "node:assert/strict";
import { describeTiming, withinBudget } from "./support/timing.ts";
import { PATHOLOGICAL } from "./support/pathological.ts";
import { MAX_ANSWER_CHARS, parseReply, parseStructured } from "../lib/prompt/reply_parser.ts";
import { CloseTagHider, splitThinking } from "../lib/prompt/thinking.ts";
import { JsonReplyStream } from "../lib/prompt/json_reply_stream.ts";
import {
  cleanPrompt,
  collapseSpaces,
  isChatter,
  isNoneText,
  joinNotes,
  splitTopLevel,
  splitTrailingChatter,
  stripTokenCount,
  stripWrapping,
} from "../lib/prompt/reply_text.ts";
import {
  classifyLabel,
  decorate,
  inlineLabels,
  isLeadIn,
  readLabel,
} from "../lib/prompt/reply_labels.ts";
import { stripThink, ThinkFilter } from "../lib/llm/think_filter.ts";
import { restoreTerms } from "../lib/prompt/protected_terms.ts";
import { mergeNegatives } from "../lib/prompt/negatives.ts";
import { markedParts } from "../lib/history/search.ts";
import { joinLines } from "../lib/app/text_scan.ts";

const BUDGET_MS = 50;

/** Feeds text in 4 KiB chunks, as a stream delivers it. */
function chunks(text: string, size = 4096): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** What reads a whole model reply, however long it is. */
const READERS: Record<string, (text: string) => unknown> = {
  "parseReply (tags)": (t) => parseReply(t, { style: "tags", negative: true }),
  "parseReply (prose)": (t) => parseReply(t, { style: "prose", negative: false }),
  "parseReply (persona)": (t) =>
    parseReply(t, { style: "tags", negative: true, requireLabel: true }),
  "parseStructured": (t) => parseStructured(t),
  "splitThinking": (t) => splitThinking(t),
  "stripThink": (t) => stripThink(t),
  "ThinkFilter in 4 KiB chunks": (t) => {
    const f = new ThinkFilter();
    for (const c of chunks(t)) f.push(c);
    return f.flush();
  },
  "ThinkFilter one character at a time (first 64 KiB)": (t) => {
    const f = new ThinkFilter();
    const head = t.slice(0, 64 * 1024);
    for (let i = 0; i < head.length; i++) f.push(head[i]!);
    return f.flush();
  },
  "CloseTagHider in 4 KiB chunks": (t) => {
    const h = new CloseTagHider();
    for (const c of chunks(t)) h.push(c);
    return h.flush();
  },
  "JsonReplyStream in 4 KiB chunks": (t) => {
    const s = new JsonReplyStream();
    for (const c of chunks(t)) s.push(c);
    return s.end();
  },
  "joinLines (CLI, batch and history text output)": (t) => joinLines(t),
  "history snippet marks": (t) => markedParts(t),
};

/**
 * What only ever sees the answer the parser reads (at most MAX_ANSWER_CHARS): held to the same
 * budget on that much of each input, which a quadratic scan could never meet (32 KiB squared is
 * a billion steps).
 */
const AFTER_CAP: Record<string, (text: string) => unknown> = {
  "parseReply reading its whole input": (t) =>
    parseReply(t, { style: "tags", negative: true, maxChars: Infinity }),
  "cleanPrompt (tags)": (t) => cleanPrompt([t], "tags"),
  "cleanPrompt (prose)": (t) => cleanPrompt([t], "prose"),
  "splitTrailingChatter": (t) => splitTrailingChatter(t),
  "isChatter": (t) => isChatter(t),
  "stripWrapping": (t) => stripWrapping(t),
  "stripTokenCount": (t) => stripTokenCount(t),
  "splitTopLevel": (t) => splitTopLevel(t),
  "collapseSpaces": (t) => collapseSpaces(t),
  "isNoneText": (t) => isNoneText(t),
  "joinNotes": (t) => joinNotes(t.split("\n")),
  "decorate + readLabel": (t) => readLabel(decorate(t)),
  "inlineLabels": (t) => inlineLabels(t),
  "isLeadIn": (t) => isLeadIn(t),
  "classifyLabel": (t) => classifyLabel(t, false),
  "restoreTerms (tags)": (t) => restoreTerms(t, ["<lora:x:1>"], "tags"),
  "restoreTerms (prose)": (t) => restoreTerms(t, ["<lora:x:1>"], "prose"),
  "mergeNegatives": (t) => mergeNegatives(t, ["blurry"], [], [t]),
};

async function slowOnes(
  readers: Record<string, (text: string) => unknown>,
  size: number,
): Promise<string[]> {
  const slow: string[] = [];
  for (const [inputName, make] of Object.entries(PATHOLOGICAL)) {
    const text = make().slice(0, size);
    for (const [readerName, read] of Object.entries(readers)) {
      const timed = await withinBudget(() => read(text), BUDGET_MS, 3);
      if (!timed.ok) slow.push(`${readerName} on ${inputName}: ${describeTiming(timed.last)}`);
    }
  }
  return slow;
}

Deno.test("every reader of a whole reply handles 1 MB of each pathological input in under 50 ms", async () => {
  deepEqual(await slowOnes(READERS, 1 << 20), []);
});

Deno.test("what reads the capped answer handles the most it can be given in under 50 ms", async () => {
  deepEqual(await slowOnes(AFTER_CAP, MAX_ANSWER_CHARS), []);
});
