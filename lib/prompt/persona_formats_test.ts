import { deepEqual, equal, ok } from "node:assert/strict";
import { parseReply } from "./reply_parser.ts";

const DIR = new URL("../../presets/personas/", import.meta.url);
const PERSONAS = JSON.parse(
  Deno.readTextFileSync(new URL("../../presets/personas.json", import.meta.url)),
) as Record<string, { prompt_file: string }>;

/** The fenced answer format of a persona prompt. */
function formatOf(text: string): string[] {
  const start = text.indexOf("```text\n");
  const end = text.indexOf("\n```", start + 1);
  ok(start >= 0 && end > start, "the answer format is in a ```text block");
  return text.slice(start + 8, end).split("\n");
}

const SAMPLES = {
  PROMPT: "a red fox in the snow at dawn, soft light",
  POSITIVE: "a red fox in the snow at dawn, soft light",
  NEGATIVE: "blurry, text",
  "ALTERNATE A": "a red fox at night, moonlight",
  "ALTERNATE B": "a red fox at dusk, warm light",
  NOTES: "Keep the light low.",
  PURPOSE: "Cover for a winter issue.",
  AUDIENCE: "Readers who love the outdoors.",
  MESSAGE: "Quiet wonder.",
  LOOK: "Pale blues, one warm accent.",
} as Record<string, string> & { PROMPT: string; NEGATIVE: string; NOTES: string };

/** The reply a model gives when it follows the format; `negative` false drops that line. */
function follow(format: string[], negative: boolean): string {
  const out: string[] = [];
  let n = 0;
  for (const line of format) {
    const colon = line.indexOf(":");
    const label = line.slice(0, colon);
    if (label === "NEGATIVE" && !negative) continue;
    if (line.match(/^\d+\. </)) out.push(`${++n}. a red fox in the snow, variation ${n}`);
    else if (line.endsWith(":")) out.push(line);
    else out.push(`${label}: ${SAMPLES[label] ?? "x"}`);
  }
  return out.join("\n");
}

for (const [id, persona] of Object.entries(PERSONAS)) {
  Deno.test(`persona ${id} asks for one label per line, and its format parses`, () => {
    const format = formatOf(Deno.readTextFileSync(new URL(persona.prompt_file, DIR)));
    for (const line of format) {
      ok(line.match(/^([A-Z][A-Z ]*[A-Z]:( <.*>)?|\d+\. <.*>)$/), `one label per line: ${line}`);
    }
    for (const [style, negative] of [["tags", true], ["prose", false]] as const) {
      const r = parseReply(follow(format, negative), { style, negative, requireLabel: true });
      equal(r.kind, "prompt");
      equal(r.positive, SAMPLES.PROMPT);
      equal(r.negative, negative ? SAMPLES.NEGATIVE : null);
      const named = format.filter((l) => l.startsWith("ALTERNATE ")).length;
      const numbered = format.filter((l) => l.match(/^\d+\./)).length;
      deepEqual(
        r.alternates.length,
        named + numbered,
        `alternates of ${id}: ${JSON.stringify(r.alternates)}`,
      );
      for (const a of r.alternates) ok(a.startsWith("a red fox"), `alternate: ${a}`);
      if (format.some((l) => l.startsWith("NOTES:"))) ok(r.notes?.includes(SAMPLES.NOTES));
      ok(!r.notes?.includes(SAMPLES.PROMPT), "the prompt is not repeated in the notes");
    }
  });
}
