import { ENGLISH_GLUE, FOREIGN_GLUE, isHan, isKana } from "./script_classes.ts";

/**
 * What the composer can read from an idea without a language model: whether it is English, and
 * for English ideas its subject, action and setting ("an old witch | feeding crows | in a
 * cottage garden"). Word lists, no regular expressions over the idea beyond linear splits.
 */

/** An idea cut into the parts a tag prompt lists separately. */
export interface IdeaParts {
  /** The idea as written, tidied. */
  text: string;
  english: boolean;
  /** The subject without its article ("old witch"); empty when the idea opens with the action. */
  subject: string;
  /** The action ("feeding crows"), or empty. */
  action: string;
  /** Where it happens ("in a cottage garden"), or empty. */
  setting: string;
  /** Further comma-separated phrases the user wrote. */
  extra: string[];
  /** Whether the idea names a setting or an action; unknown (true) for ideas we cannot read. */
  hasSetting: boolean;
  hasAction: boolean;
}

const ARTICLES = new Set(["a", "an", "the", "one", "some"]);

/** Prepositions that open a place or time: where a setting starts. */
const PLACE = new Set([
  "in",
  "on",
  "at",
  "under",
  "inside",
  "beneath",
  "beside",
  "near",
  "over",
  "above",
  "across",
  "through",
  "among",
  "amid",
  "atop",
  "behind",
  "along",
  "within",
  "outside",
  "against",
  "underneath",
  "into",
  "onto",
  "between",
  "during",
]);

/** Place words of other languages: enough to tell that a foreign idea names a setting. */
const FOREIGN_PLACE = new Set([
  "en",
  "sobre",
  "bajo",
  "junto",
  "auf",
  "im",
  "unter",
  "über",
  "vor",
  "bei",
  "am",
  "dans",
  "sur",
  "sous",
  "devant",
  "nel",
  "nella",
  "sul",
  "sotto",
  "no",
  "na",
  "em",
]);

/** CJK particles and words that place a scene: 在 (at), で and に (at, in). */
const CJK_PLACE = ["在", "で", "に", "里", "中"];

/** Words ending in -ing that are nouns, not actions. */
const ING_NOUNS = new Set([
  "building",
  "ceiling",
  "clothing",
  "evening",
  "morning",
  "king",
  "ring",
  "wing",
  "string",
  "thing",
  "spring",
  "sibling",
  "wedding",
  "pudding",
  "bedding",
  "stocking",
  "earring",
  "duckling",
  "dumpling",
  "viking",
  "awning",
  "offspring",
  "lightning",
  "nothing",
  "something",
  "anything",
  "everything",
  "railing",
  "herring",
  "painting",
  "ceiling",
  "landing",
  "clearing",
  "sling",
  "swing",
  "icing",
  "lighting",
  "darling",
  "sapling",
  "seedling",
  "ming",
  "beijing",
]);

const RELATIVES = new Set(["who", "that", "which", "while"]);

/** More foreign words than English ones, or a script other than Latin: not English. */
export function looksEnglish(text: string): boolean {
  let foreign = 0;
  let english = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (isHan(c) || isKana(c) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x0400 && c <= 0x06ff)) {
      return false;
    }
  }
  for (const word of text.toLowerCase().split(/[\s,.;:!?]+/)) {
    if (!word) continue;
    if (ENGLISH_GLUE.has(word) || ARTICLES.has(word) || PLACE.has(word)) english++;
    else if (FOREIGN_GLUE.has(word) || FOREIGN_PLACE.has(word) || word === "un" || word === "la") {
      foreign++;
    }
  }
  return foreign <= english;
}

function isAction(word: string): boolean {
  const w = word.toLowerCase();
  return w.length >= 5 && w.endsWith("ing") && !ING_NOUNS.has(w);
}

function withoutArticle(words: string[]): string[] {
  return words.length > 1 && ARTICLES.has(words[0]!.toLowerCase()) ? words.slice(1) : words;
}

/** Splits an idea into subject, action and setting where it can read it; see `IdeaParts`. */
export function ideaParts(idea: string): IdeaParts {
  const text = idea.trim().replace(/\s+/g, " ");
  const english = looksEnglish(text);
  const [head = "", ...rest] = text.split(",").map((p) => p.trim()).filter(Boolean);
  const extra = rest;
  if (!english) {
    const lower = ` ${text.toLowerCase()} `;
    const foreignPlace = [...FOREIGN_PLACE].some((w) => lower.includes(` ${w} `)) ||
      CJK_PLACE.some((p) => text.includes(p));
    return {
      text,
      english,
      subject: head,
      action: "",
      setting: "",
      extra,
      hasSetting: foreignPlace || extra.length > 0,
      hasAction: true,
    };
  }
  const words = head.split(" ");
  let actionAt = -1;
  let settingAt = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.toLowerCase();
    if (actionAt < 0 && settingAt < 0 && (isAction(w) || (i > 0 && RELATIVES.has(w)))) {
      actionAt = i;
    } else if (settingAt < 0 && i > 0 && PLACE.has(w)) {
      settingAt = i;
    }
  }
  const subjectEnd = [actionAt, settingAt].filter((i) => i >= 0).reduce(
    (a, b) => Math.min(a, b),
    words.length,
  );
  const subject = withoutArticle(words.slice(0, subjectEnd)).join(" ");
  let actionWords = actionAt >= 0
    ? words.slice(actionAt, settingAt >= 0 ? settingAt : undefined)
    : [];
  if (actionWords.length && RELATIVES.has(actionWords[0]!.toLowerCase())) {
    actionWords = actionWords.slice(1);
  }
  const setting = settingAt >= 0 ? words.slice(settingAt).join(" ") : "";
  return {
    text,
    english,
    subject,
    action: actionWords.join(" "),
    setting,
    extra,
    hasSetting: setting !== "" || extra.length > 0,
    hasAction: actionWords.length > 0,
  };
}

const FEMALE = new Set([
  "girl",
  "woman",
  "lady",
  "witch",
  "queen",
  "princess",
  "mother",
  "nun",
  "heroine",
  "sorceress",
  "maid",
  "schoolgirl",
  "ballerina",
  "actress",
  "priestess",
  "empress",
  "goddess",
  "bride",
]);

const MALE = new Set([
  "boy",
  "man",
  "king",
  "prince",
  "monk",
  "gentleman",
  "father",
  "wizard",
  "sorcerer",
  "emperor",
  "priest",
  "god",
  "schoolboy",
  "groom",
]);

const ANIMALS = new Set([
  "fox",
  "cat",
  "dog",
  "wolf",
  "dragon",
  "bird",
  "crow",
  "raven",
  "owl",
  "horse",
  "deer",
  "stag",
  "lion",
  "tiger",
  "bear",
  "fish",
  "whale",
  "rabbit",
  "hare",
  "heron",
  "eagle",
  "hawk",
  "snake",
  "frog",
  "turtle",
  "octopus",
  "butterfly",
  "moth",
  "elephant",
  "giraffe",
  "panda",
  "otter",
  "squirrel",
  "mouse",
  "koi",
  "jellyfish",
  "kitten",
  "puppy",
]);

/** Booru subject tags for an English subject: `1girl, solo`, `1boy, solo`, `no humans`… */
export function booruSubjectTags(subject: string): string[] {
  const words = subject.toLowerCase().split(" ").filter(Boolean);
  const head = words.at(-1) ?? "";
  if (FEMALE.has(head)) return ["1girl", "solo"];
  if (MALE.has(head)) return ["1boy", "solo"];
  if (ANIMALS.has(head)) return ["no humans", "animal focus"];
  return [];
}
