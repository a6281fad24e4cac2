import { loadConfig } from "../lib/app/config.ts";
import { closeServices, openServices } from "../lib/app/services.ts";
import { emptyForm } from "../routes/http/form_state.ts";
import { renderPage } from "../views/render.ts";
import { HomePage } from "../views/home_page.tsx";
import { compose } from "../lib/prompt/composer.ts";
import { resolvePresets } from "../lib/prompt/assembly.ts";
import { percentile } from "./stats.ts";

/** Times the main page's server render and the composer, in this process. */
export async function measureInProcess(n: number) {
  const services = await openServices(loadConfig({ env: { OLLAMA_URL: "http://127.0.0.1:9" } }), {
    storage: "memory",
  });
  try {
    const catalog = services.presets.get(false);
    const props = {
      form: emptyForm({ ollama_model: "qwen3:latest" }),
      targets: services.targets,
      catalog,
      models: { names: ["qwen3:latest", "llama3.2:latest"], default: "qwen3:latest" },
      personas: services.personas.list(false),
      hierarchicalFirst: true,
      ollama: { reachable: true, url: "http://127.0.0.1:11434" },
    };
    const render: number[] = [];
    let pageBytes = 0;
    for (let i = 0; i < n + 50; i++) {
      const t0 = performance.now();
      pageBytes = renderPage(<HomePage {...props} />).length;
      if (i >= 50) render.push(performance.now() - t0);
    }
    const presets = resolvePresets(catalog, {
      style: "Cinematic",
      lighting: "Neon Lighting",
      composition: "Low Angle",
      selections: {
        category: "scifi",
        type: "cyberpunk",
        artist: "syd_mead",
        technical: { render: "film_still" },
        specifics: { street: "night_market" },
        universal: {
          mood: ["mysterious"],
          time_of_day: "night",
          color_palette: "neon",
          camera_effects: ["bokeh"],
        },
      },
    });
    const target = services.targets.find((t) => t.id === "sdxl")!;
    const composeTimes: number[] = [];
    for (let i = 0; i < n * 4; i++) {
      const t0 = performance.now();
      compose({ idea: "a cyberpunk warrior in a neon city", target, presets, seed: i });
      composeTimes.push(performance.now() - t0);
    }
    return {
      pageBytes,
      render50: percentile(render, 50),
      render99: percentile(render, 99),
      compose50: percentile(composeTimes, 50),
      compose99: percentile(composeTimes, 99),
    };
  } finally {
    closeServices(services);
  }
}
