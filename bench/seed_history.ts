import type { HistoryStore } from "../lib/history/store.ts";
import { seededRandom } from "../lib/prompt/random.ts";

const SUBJECTS = [
  "lighthouse",
  "samurai",
  "dragon",
  "café",
  "robot",
  "forest",
  "harbour",
  "witch",
  "astronaut",
  "fox",
  "castle",
  "market",
  "desert",
  "glacier",
  "train",
  "library",
  "garden",
  "cathedral",
  "warrior",
  "dancer",
];
const DETAILS = [
  "at dawn",
  "in the rain",
  "under neon lights",
  "in fog",
  "at golden hour",
  "in winter",
  "by candlelight",
  "at night",
  "in a storm",
  "in spring",
];
const STYLES = [
  "cinematic",
  "watercolour",
  "oil painting",
  "anime",
  "photorealistic",
  "pencil sketch",
  "cyberpunk",
  "art nouveau",
  "low poly",
  "ukiyo-e",
];
const EXTRA = [
  "crème brûlée",
  "Zürich",
  "naïve",
  "façade",
  "smörgåsbord",
  "piñata",
  "jalapeño",
  "résumé",
];

/** Fills a history store with `n` varied, realistic rows (seeded, so every run is the same). */
export function seedHistory(store: HistoryStore, n: number, seed = 1): void {
  const random = seededRandom(seed);
  const pick = <T>(a: T[]) => a[Math.floor(random() * a.length)]!;
  store.db.exec("BEGIN");
  for (let i = 0; i < n; i++) {
    const input = `a ${pick(SUBJECTS)} ${pick(DETAILS)}${
      random() < 0.05 ? `, ${pick(EXTRA)}` : ""
    }`;
    const positive = `${pick(STYLES)}, ${input}, ${pick(DETAILS)}, ${
      pick(STYLES)
    }, highly detailed, ${pick(SUBJECTS)} in the background`;
    store.add({
      user_input: input,
      generated_output: positive,
      positive,
      negative: random() < 0.5 ? "blurry, lowres, watermark" : null,
      model: random() < 0.5 ? "flux" : "sdxl",
      ollama_model: "qwen3:latest",
      presets: { style: pick(STYLES) },
      mode: random() < 0.8 ? "oneshot" : "chat",
      timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    });
    if (i % 50_000 === 49_999) {
      store.db.exec("COMMIT");
      store.db.exec("BEGIN");
    }
  }
  store.db.exec("COMMIT");
}
