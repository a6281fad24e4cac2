import { isSpace, oneOf, trimEndWhere } from "../app/text_scan.ts";
import type { Target } from "./targets.ts";
import type { PresetLine, PresetSlot } from "./assembly.ts";
import type { IdeaParts } from "./idea_parts.ts";
import { pick } from "./random.ts";
import { splitTags } from "./negatives.ts";
import { contentWords, withoutRepeats } from "./repeats.ts";
import { budgetTokens, countForTarget } from "./target_tokens.ts";

/**
 * Paragraphs for prose and video targets. Every kind of sentence has several shapes and the
 * seed picks one, and the order of the light, mood and framing sentences, so two seeds read
 * differently beyond their first word. Where the style goes follows the target's own order:
 * before the subject (Qwen-Image, Chroma, WAN), in the first sentence with it (SD 3.5, HiDream,
 * whose CLIP encoders read only the first 77 tokens), or after it (Flux).
 */

/** The preset phrases of a prompt, grouped as the sentences use them. */
interface Groups {
  scene: string[];
  style: string[];
  artist: string[];
  light: string[];
  when: string[];
  mood: string[];
  palette: string[];
  framing: string[];
  camera: string[];
}

const GROUP_SLOTS: [keyof Groups, PresetSlot[]][] = [
  ["scene", ["scene"]],
  ["style", ["genre", "style"]],
  ["artist", ["artist"]],
  ["light", ["lighting"]],
  ["when", ["time", "weather"]],
  ["mood", ["mood"]],
  ["palette", ["palette"]],
  ["framing", ["composition", "technical"]],
  ["camera", ["camera"]],
];

function phraseOf(line: PresetLine): string {
  return (line.phrase ?? line.text).trim();
}

/**
 * Groups the lines and applies the repeat rule across them, the idea first: each comma part of
 * a phrase loses the words said before it, and goes when nothing of its own is left.
 */
function groupsOf(idea: string, lines: PresetLine[]): Groups {
  const entries: { group: keyof Groups; line: number; text: string }[] = [];
  let count = 0;
  for (const [group, slots] of GROUP_SLOTS) {
    for (const line of lines.filter((l) => slots.includes(l.slot))) {
      const parts = line.slot === "mood" ? [phraseOf(line)] : splitTags(phraseOf(line));
      const at = count++;
      for (const text of parts) entries.push({ group, line: at, text });
    }
  }
  const texts = withoutRepeats([
    { text: idea, fixed: true },
    ...entries.map((e) => ({ text: e.text })),
  ])
    .slice(1);
  const groups: Groups = {
    scene: [],
    style: [],
    artist: [],
    light: [],
    when: [],
    mood: [],
    palette: [],
    framing: [],
    camera: [],
  };
  const joinedByLine = new Map<number, { group: keyof Groups; parts: string[] }>();
  entries.forEach((e, i) => {
    const text = texts[i];
    if (!text) return;
    const entry = joinedByLine.get(e.line) ?? { group: e.group, parts: [] };
    entry.parts.push(text);
    joinedByLine.set(e.line, entry);
  });
  for (const { group, parts } of joinedByLine.values()) groups[group].push(parts.join(", "));
  return groups;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? "an" : "a"} ${phrase}`;
}

function sentence(text: string): string {
  const t = trimEndWhere(text.trim(), (c) => isSpace(c) || ".,;:".includes(c));
  return t ? `${capitalize(t)}.` : "";
}

/** Each sentence kind offers its shapes; the writer picks one with the seed. */
type Shapes = string[];

function styleShapes(g: Groups): Shapes {
  const style = g.style.join(", ");
  const artist = g.artist.join(", ");
  if (!style && !artist) return [];
  if (!style) return [artist, `made ${artist}`];
  const tail = artist ? `, ${artist}` : "";
  return [
    `rendered as ${style}${tail}`,
    `${style}${tail}`,
    `styled as ${style}${tail}`,
    `it reads as ${style}${tail}`,
  ];
}

function lightShapes(g: Groups): Shapes {
  const light = g.light.join(", ");
  const when = g.when.join(", ");
  if (!light) return when ? [when] : [];
  if (!when) return [`lit by ${light}`, light, `the light: ${light}`, `light falls as ${light}`];
  return [
    `lit by ${light}, ${when}`,
    `${light}, ${when}`,
    `the light: ${light}; ${when}`,
    `${when}, under ${light}`,
  ];
}

function moodShapes(g: Groups): Shapes {
  const mood = joinAnd(g.mood);
  const palette = g.palette.join(", ");
  if (mood && palette) {
    return [
      `the mood is ${mood}, in ${withArticle(palette)}`,
      `${mood} in feeling, with ${withArticle(palette)}`,
      `${withArticle(palette)} keeps the mood ${mood}`,
      `a ${mood} mood, its colours kept to ${withArticle(palette)}`,
    ];
  }
  if (mood) return [`the mood is ${mood}`, `it feels ${mood}`, `${mood} in mood`];
  if (palette) return [`in ${withArticle(palette)}`, `colours keep to ${withArticle(palette)}`];
  return [];
}

function framingShapes(g: Groups): Shapes {
  const framing = g.framing.join(", ");
  if (!framing) return [];
  return [`framed as ${framing}`, framing, `composition: ${framing}`, `shot as ${framing}`];
}

function cameraShapes(g: Groups): Shapes {
  const camera = joinAnd(g.camera);
  if (!camera) return [];
  return [`finished with ${camera}`, `with ${camera}`, `${camera} to finish`];
}

/**
 * Writes sentences in order, each in a shape the seed picks among those that bring no word the
 * paragraph already has ("The light: golden hour light" is never chosen).
 */
class Writer {
  #used = new Set<string>();
  #random: () => number;
  constructor(random: () => number, fixed: string) {
    this.#random = random;
    for (const w of contentWords(fixed)) this.#used.add(w);
  }
  /** One sentence from `shapes` (plain text, no final stop), or "" when there are none. */
  write(shapes: Shapes): string {
    if (!shapes.length) return "";
    const fresh = shapes.filter((s) => {
      const words = contentWords(s);
      return words.every((w, i) => !this.#used.has(w) && words.indexOf(w) === i);
    });
    const chosen = pick(this.#random, fresh.length ? fresh : shapes);
    for (const w of contentWords(chosen)) this.#used.add(w);
    return sentence(chosen);
  }
}

/** Background motion a weather choice brings to a clip. */
const WEATHER_MOTION: [string, string][] = [
  ["rain", "rain keeps falling and ripples the puddles"],
  ["storm", "storm clouds race overhead and the wind gusts"],
  ["fog", "fog drifts slowly through the scene"],
  ["snow", "snow drifts down steadily"],
  ["wind", "the wind tugs at hair, cloth and leaves"],
  ["dust", "dust drifts through the shafts of light"],
  ["haze", "heat haze shimmers in the distance"],
];

/** Camera movements that suit a framing choice. */
const FRAMING_MOVES: [string, string][] = [
  ["extreme close-up", "the camera holds close and drifts across the detail"],
  ["close-up", "the camera pushes in slowly"],
  ["bird's-eye", "an aerial shot, the camera gliding forward"],
  ["low-angle", "a low-angle shot, the camera tilting up slowly"],
  ["high-angle", "a high-angle shot, the camera craning down"],
  ["over-the-shoulder", "an over-the-shoulder shot, the camera holding steady"],
  ["panoramic", "the camera pans slowly across the vista"],
  ["wide", "a wide shot, the camera panning slowly"],
  ["landscape", "a wide shot, the camera panning slowly"],
  ["full-body", "a tracking shot that keeps the whole figure in frame"],
];

const DEFAULT_MOVES = [
  "the camera pushes in slowly",
  "a smooth tracking shot follows the movement",
  "the camera holds steady, then eases forward",
  "the camera pans slowly to follow the action",
];

/** The motion a clip's weather brings, when a weather line has one. */
function weatherMotion(lines: PresetLine[]): string | undefined {
  const weather = lines.filter((l) => l.slot === "weather").map((l) => l.text.toLowerCase())
    .join(" ");
  return WEATHER_MOTION.find(([word]) => weather.includes(word))?.[1];
}

/** The camera movement a clip's framing implies, when a composition line has one. */
function framingMove(lines: PresetLine[]): string | undefined {
  const framing = lines.filter((l) => l.slot === "composition").map((l) => l.text.toLowerCase())
    .join(" ");
  return FRAMING_MOVES.find(([word]) => framing.includes(word))?.[1];
}

const DEFAULT_MOTION = [
  "the background moves gently as the moment unfolds",
  "around the subject, the scene keeps moving softly",
];

/** Where the target wants the style: before the subject, with it, or after it. */
function stylePlace(target: Target): "before" | "with" | "after" {
  const subjectAt = target.order.findIndex((o) => o.includes("subject"));
  const styleAt = target.order.findIndex((o) => /style|medium/.test(o));
  if (styleAt < 0 || subjectAt < 0) return "after";
  if (styleAt === subjectAt) return "with";
  return styleAt < subjectAt ? "before" : "after";
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A paragraph for a prose or video target from the idea and presets, within the target's token
 * budget as its first encoder counts it; the idea's sentence is never cut.
 */
export function composeProse(
  parts: IdeaParts,
  target: Target,
  lines: PresetLine[],
  random: () => number,
): string {
  const idea = trimEndWhere(parts.text, oneOf(".!?;,"));
  const video = target.medium === "video";
  // A clip turns its weather into motion and its framing into a camera move, said once there.
  const motion = video ? weatherMotion(lines) : undefined;
  const move = video ? framingMove(lines) : undefined;
  const g = groupsOf(
    idea,
    lines.filter((l) => !(motion && l.slot === "weather") && !(move && l.slot === "composition")),
  );
  const place = stylePlace(target);
  const scene = g.scene.join(", ");
  const style = [...g.style, ...g.artist].join(", ");
  const w = new Writer(random, "");
  // Kinds of sentence in paragraph order, each with how soon it is cut (higher goes first).
  type Kind = { shapes: () => Shapes; priority: number };
  const kinds: Kind[] = [];
  if (place === "with" && style) {
    kinds.push({ shapes: () => [`${idea}, ${style}`], priority: 0 });
    if (scene) kinds.push({ shapes: () => [scene], priority: 2 });
  } else {
    const subject: Kind = {
      shapes: () => scene ? [`${idea}, ${scene}`] : [idea],
      priority: 0,
    };
    const styled: Kind = { shapes: () => styleShapes(g), priority: 1 };
    kinds.push(...(place === "before" ? [styled, subject] : [subject, styled]));
  }
  const middle: Kind[] = shuffled([
    { shapes: () => lightShapes(g), priority: 3 },
    { shapes: () => moodShapes(g), priority: 4 },
    { shapes: () => framingShapes(g), priority: 5 },
  ], random);
  if (video) {
    kinds.push({ shapes: () => motion ? [motion] : DEFAULT_MOTION, priority: 1 });
    kinds.push({ shapes: () => move ? [move] : DEFAULT_MOVES, priority: 1 });
    kinds.push(...middle);
    kinds.push({ shapes: () => ["one continuous take of about five seconds"], priority: 2 });
  } else {
    kinds.push(...middle);
  }
  kinds.push({ shapes: () => cameraShapes(g), priority: 6 });
  if (target.quality_tags.length) {
    kinds.push({ shapes: () => [target.quality_tags.join(", ")], priority: 0 });
  }
  let kept = kinds.map((k) => ({ text: w.write(k.shapes()), priority: k.priority }))
    .filter((s) => s.text);
  const text = () => kept.map((s) => s.text).join(" ");
  while (
    kept.some((s) => s.priority > 0) &&
    budgetTokens(countForTarget(text(), target)) > target.token_budget
  ) {
    const worst = Math.max(...kept.map((s) => s.priority));
    kept = kept.filter((s) => s.priority !== worst);
  }
  return text();
}
