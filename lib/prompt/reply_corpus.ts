/**
 * Messy replies in the shapes real local models (qwen3, llama3.x, mistral, gemma3, deepseek-r1
 * distills, phi, 3–4B models) give, with what the Prompt box must show for each. Written from
 * how those models answer, not from what the parser finds easy.
 */

/** A target shape, as in presets/targets.json. */
export type CorpusTarget = "flux" | "sdxl" | "pony" | "sd15" | "sd3";

/** One reply and the exact parse the user should get. */
export interface CorpusCase {
  name: string;
  /** The kind of model that answers this way (documentation only). */
  model: string;
  target: CorpusTarget;
  /** A persona turn: only a marked prompt counts. */
  requireLabel?: boolean;
  raw: string;
  expect: {
    positive: string;
    negative: string | null;
    alternates?: string[];
    notes?: string | null;
    kind?: "prompt" | "question" | "reasoning_only" | "empty";
    thinking?: string | null;
    labeled?: boolean;
  };
}

/** Style and negative switch of each target, as in presets/targets.json. */
export const TARGET_OPTIONS: Record<
  CorpusTarget,
  { style: "prose" | "tags"; negative: boolean }
> = {
  flux: { style: "prose", negative: false },
  sdxl: { style: "tags", negative: true },
  pony: { style: "tags", negative: true },
  sd15: { style: "tags", negative: true },
  sd3: { style: "prose", negative: true },
};

const FOX =
  "A red fox sits alone in a snowy birch forest at dawn, its breath visible in the cold air, low golden sunlight raking through the pale trunks and throwing long blue shadows across the snow, frost glittering on its whiskers, shot at eye level with a long lens and shallow depth of field.";

const HARBOR =
  "A quiet fishing harbor at dusk, wooden boats rocking gently on dark water, strings of warm lanterns reflected in long wavering streaks, a violet sky fading to deep blue above the hills, mist drifting between the masts, painted in loose impressionist brushstrokes.";

const SAMURAI_TAGS =
  "masterpiece, best quality, highly detailed, 1boy, lone samurai, (rain:1.3), standing in a flooded street, neon signs, (reflections on wet ground:1.2), katana, straw hat, night, cinematic lighting, teal and orange, sharp focus";

const SDXL_NEG =
  "lowres, blurry, jpeg artifacts, watermark, signature, text, deformed, bad anatomy, extra fingers, poorly drawn hands";

/** The corpus: at least 80 replies, each with its golden parse. */
export const REPLY_CORPUS: CorpusCase[] = [
  // ---------------------------------------------------------------- the model does as asked
  {
    name: "flux: exact one-line PROMPT",
    model: "qwen3:8b",
    target: "flux",
    raw: `PROMPT: ${FOX}`,
    expect: { positive: FOX, negative: null, labeled: true },
  },
  {
    name: "sdxl: exact POSITIVE and NEGATIVE lines",
    model: "qwen3:8b",
    target: "sdxl",
    raw: `POSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, labeled: true },
  },
  {
    name: "pony: score tags and negative, as asked",
    model: "mistral:7b",
    target: "pony",
    raw:
      "POSITIVE: score_9, score_8_up, score_7_up, 1girl, solo, silver hair, (red eyes:1.2), witch hat, sitting on a broom, night sky, full moon, looking at viewer, smile, (glowing runes:1.3), wind, cape\nNEGATIVE: score_4, score_5, score_6, lowres, bad anatomy, bad hands, text, watermark, blurry, extra limbs",
    expect: {
      positive:
        "score_9, score_8_up, score_7_up, 1girl, solo, silver hair, (red eyes:1.2), witch hat, sitting on a broom, night sky, full moon, looking at viewer, smile, (glowing runes:1.3), wind, cape",
      negative:
        "score_4, score_5, score_6, lowres, bad anatomy, bad hands, text, watermark, blurry, extra limbs",
    },
  },
  {
    name: "sd15: short tags, as asked",
    model: "llama3.1:8b",
    target: "sd15",
    raw:
      "POSITIVE: masterpiece, best quality, ultra detailed, old lighthouse, stormy sea, (crashing waves:1.3), dark clouds, dramatic lighting\nNEGATIVE: lowres, worst quality, low quality, blurry, watermark, text, cropped",
    expect: {
      positive:
        "masterpiece, best quality, ultra detailed, old lighthouse, stormy sea, (crashing waves:1.3), dark clouds, dramatic lighting",
      negative: "lowres, worst quality, low quality, blurry, watermark, text, cropped",
    },
  },
  {
    name: "sd3: prose prompt and short negative, as asked",
    model: "gemma3:12b",
    target: "sd3",
    raw:
      "PROMPT: An elderly clockmaker bent over his workbench in a cluttered attic workshop, brass gears and tiny springs scattered across green felt, a single desk lamp casting warm pools of light while the rest of the room falls into soft shadow, dust motes floating in the beam, rendered with the quiet detail of a Dutch still life.\nNEGATIVE: blurry, low quality, distorted hands, watermark, text",
    expect: {
      positive:
        "An elderly clockmaker bent over his workbench in a cluttered attic workshop, brass gears and tiny springs scattered across green felt, a single desk lamp casting warm pools of light while the rest of the room falls into soft shadow, dust motes floating in the beam, rendered with the quiet detail of a Dutch still life.",
      negative: "blurry, low quality, distorted hands, watermark, text",
    },
  },
  {
    name: "flux: a bare paragraph and nothing else",
    model: "llama3.1:8b",
    target: "flux",
    raw: HARBOR,
    expect: { positive: HARBOR, negative: null, labeled: false },
  },
  {
    name: "sdxl: bare tags, no labels, no negative",
    model: "llama3.2:3b",
    target: "sdxl",
    raw: `${SAMURAI_TAGS}\n`,
    expect: { positive: SAMURAI_TAGS, negative: null, labeled: false },
  },
  {
    name: "flux: label on its own line, the paragraph below",
    model: "mistral:7b",
    target: "flux",
    raw: `PROMPT:\n${HARBOR}\n`,
    expect: { positive: HARBOR, negative: null },
  },
  {
    name: "sdxl: tags wrapped over several lines under the label",
    model: "mistral:7b",
    target: "sdxl",
    raw:
      "POSITIVE:\nmasterpiece, best quality, highly detailed,\n1girl, solo, long black hair, kimono\ncherry blossoms, (falling petals:1.2), temple garden\nsoft light\nNEGATIVE:\nlowres, blurry, bad anatomy,\nbad hands, text, watermark",
    expect: {
      positive:
        "masterpiece, best quality, highly detailed, 1girl, solo, long black hair, kimono, cherry blossoms, (falling petals:1.2), temple garden, soft light",
      negative: "lowres, blurry, bad anatomy, bad hands, text, watermark",
    },
  },
  {
    name: "sdxl: LoRA tags, wildcards and weights kept exactly, the final period dropped",
    model: "qwen3:4b",
    target: "sdxl",
    raw:
      "POSITIVE: <lora:film_grain_v2:0.8>, __lighting__, (portrait of a woman:1.2), ((freckles)), [blurry background], (red scarf, snow:1.1), analog photo, kodak portra 400.\nNEGATIVE: cartoon, illustration, 3d render, (deformed iris:1.3), bad anatomy.",
    expect: {
      positive:
        "<lora:film_grain_v2:0.8>, __lighting__, (portrait of a woman:1.2), ((freckles)), [blurry background], (red scarf, snow:1.1), analog photo, kodak portra 400",
      negative: "cartoon, illustration, 3d render, (deformed iris:1.3), bad anatomy",
    },
  },
  {
    name: "sdxl: a negative of 'none' is no negative",
    model: "phi4-mini",
    target: "sdxl",
    raw: "POSITIVE: watercolor, fox, snow, minimal\nNEGATIVE: none",
    expect: { positive: "watercolor, fox, snow, minimal", negative: null },
  },

  // ------------------------------------------------------------------ thinking, every kind
  {
    name: "qwen3: closed think block, then the prompt",
    model: "qwen3:8b",
    target: "flux",
    raw:
      `<think>\nOkay, the user wants a fox in snow. Flux likes one paragraph. I should mention the light, maybe dawn. PROMPT: should start with the subject.\n</think>\n\nPROMPT: ${FOX}`,
    expect: {
      positive: FOX,
      negative: null,
      thinking:
        "Okay, the user wants a fox in snow. Flux likes one paragraph. I should mention the light, maybe dawn. PROMPT: should start with the subject.",
    },
  },
  {
    name: "qwen3 with think off: an empty think block before the answer",
    model: "qwen3:4b",
    target: "sdxl",
    raw: `<think>\n\n</think>\n\nPOSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, thinking: null },
  },
  {
    name: "deepseek-r1 distill: orphan </think> before an unlabelled prompt",
    model: "deepseek-r1:7b",
    target: "flux",
    raw:
      `Alright, so the user wants a harbor scene at dusk. I need to make it one paragraph for Flux. Let me think about lanterns and reflections.\n</think>\n\n${HARBOR}`,
    expect: {
      positive: HARBOR,
      negative: null,
      thinking:
        "Alright, so the user wants a harbor scene at dusk. I need to make it one paragraph for Flux. Let me think about lanterns and reflections.",
      labeled: false,
    },
  },
  {
    name: "deepseek-r1 distill: orphan </think>, then labels in bold",
    model: "deepseek-r1:8b",
    target: "sdxl",
    raw:
      `Okay, let me figure out the tags. Samurai, rain, neon. Negative should have bad anatomy.\n</think>\n\n**POSITIVE:** ${SAMURAI_TAGS}\n\n**NEGATIVE:** ${SDXL_NEG}`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      thinking:
        "Okay, let me figure out the tags. Samurai, rain, neon. Negative should have bad anatomy.",
    },
  },
  {
    name: "unterminated think: the model ran out of tokens while reasoning",
    model: "qwen3:4b",
    target: "flux",
    raw:
      "<think>\nThe user wants a cozy cabin. Let me consider the light: warm window glow, snow outside. Maybe a PROMPT: A cozy cabin… no wait, I should also think about",
    expect: {
      positive: "",
      negative: null,
      kind: "reasoning_only",
      thinking:
        "The user wants a cozy cabin. Let me consider the light: warm window glow, snow outside. Maybe a PROMPT: A cozy cabin… no wait, I should also think about",
      notes: null,
    },
  },
  {
    name: "<thinking> variant of the tag",
    model: "reflection-style finetune",
    target: "sd3",
    raw:
      "<thinking>\nSD 3.5 needs prose plus a short negative. Keep it under 150 words.\n</thinking>\n\nPrompt: A glass greenhouse on a cliff above a grey northern sea, ferns and orchids pressed against fogged panes, rain streaming down the glass, a single figure in a yellow raincoat tending plants inside, soft overcast light.\nNegative prompt: blurry, low quality, watermark, text",
    expect: {
      positive:
        "A glass greenhouse on a cliff above a grey northern sea, ferns and orchids pressed against fogged panes, rain streaming down the glass, a single figure in a yellow raincoat tending plants inside, soft overcast light.",
      negative: "blurry, low quality, watermark, text",
      thinking: "SD 3.5 needs prose plus a short negative. Keep it under 150 words.",
    },
  },
  {
    name: "<reasoning> variant of the tag",
    model: "exaone-deep",
    target: "flux",
    raw:
      `<reasoning>The user asked for a fox. I'll write one paragraph.</reasoning>\nPROMPT: ${FOX}`,
    expect: {
      positive: FOX,
      negative: null,
      thinking: "The user asked for a fox. I'll write one paragraph.",
    },
  },
  {
    name: "several think blocks between the sections",
    model: "qwen3:14b",
    target: "sdxl",
    raw:
      `<think>First the positive tags.</think>\nPOSITIVE: ${SAMURAI_TAGS}\n<think>Now a negative that fits a photo-like render.</think>\nNEGATIVE: ${SDXL_NEG}`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      thinking: "First the positive tags.\n\nNow a negative that fits a photo-like render.",
    },
  },
  {
    name: "reasoning only: a closed think block and no answer",
    model: "deepseek-r1:1.5b",
    target: "flux",
    raw:
      "<think>\nHmm, the user wants a castle. Castles are big. I should describe the towers. Let me write it.\n</think>\n\n",
    expect: {
      positive: "",
      negative: null,
      kind: "reasoning_only",
      thinking:
        "Hmm, the user wants a castle. Castles are big. I should describe the towers. Let me write it.",
      notes: null,
    },
  },
  {
    name: "empty reply",
    model: "any (aborted)",
    target: "sdxl",
    raw: "",
    expect: { positive: "", negative: null, kind: "empty", notes: null, labeled: false },
  },
  {
    name: "whitespace-only reply",
    model: "llama3.2:1b",
    target: "flux",
    raw: "\n\n   \n",
    expect: { positive: "", negative: null, kind: "empty", notes: null },
  },
  {
    name: "an empty think block and nothing else",
    model: "qwen3:4b",
    target: "flux",
    raw: "<think>\n\n</think>\n\n",
    expect: { positive: "", negative: null, kind: "empty", thinking: null },
  },
  {
    name: "think block, then JSON",
    model: "qwen3:8b",
    target: "sdxl",
    raw:
      '<think>\nThey asked for JSON output.\n</think>\n{"positive": "masterpiece, best quality, lighthouse, storm, (huge waves:1.3)", "negative": "lowres, blurry, text"}',
    expect: {
      positive: "masterpiece, best quality, lighthouse, storm, (huge waves:1.3)",
      negative: "lowres, blurry, text",
      thinking: "They asked for JSON output.",
      labeled: true,
    },
  },

  // ---------------------------------------------------------------- labels on one line
  {
    name: "one line: POSITIVE: … NEGATIVE: …",
    model: "llama3.2:3b",
    target: "sdxl",
    raw: `POSITIVE: ${SAMURAI_TAGS} NEGATIVE: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "one line: Positive prompt: … Negative prompt: … for SD 3.5 prose",
    model: "phi3.5",
    target: "sd3",
    raw:
      "Positive prompt: A weathered stone bridge over a rushing mountain river in autumn, orange and gold larches on the slopes, morning fog lifting off the water. Negative prompt: blurry, oversaturated, text, watermark",
    expect: {
      positive:
        "A weathered stone bridge over a rushing mountain river in autumn, orange and gold larches on the slopes, morning fog lifting off the water.",
      negative: "blurry, oversaturated, text, watermark",
    },
  },
  {
    name: "one line in bold: **PROMPT:** … **NEGATIVE:** …",
    model: "gemma3:4b",
    target: "pony",
    raw:
      "**PROMPT:** score_9, score_8_up, score_7_up, 1boy, knight, silver armor, (glowing sword:1.3), castle ruins, sunset **NEGATIVE:** score_4, score_5, score_6, lowres, bad hands",
    expect: {
      positive:
        "score_9, score_8_up, score_7_up, 1boy, knight, silver armor, (glowing sword:1.3), castle ruins, sunset",
      negative: "score_4, score_5, score_6, lowres, bad hands",
    },
  },
  {
    name: "one line with a note at the end: POSITIVE … NEGATIVE … Note …",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "POSITIVE: masterpiece, best quality, (steampunk airship:1.3), brass, clouds, sunset, highly detailed NEGATIVE: lowres, blurry, text, watermark Note: I weighted the airship so it stays the focus.",
    expect: {
      positive:
        "masterpiece, best quality, (steampunk airship:1.3), brass, clouds, sunset, highly detailed",
      negative: "lowres, blurry, text, watermark",
      notes: "I weighted the airship so it stays the focus.",
    },
  },

  // ---------------------------------------------------------------- commentary after the prompt
  {
    name: "flux: preamble, paragraph, explanation and offer (llama3.1 style)",
    model: "llama3.1:8b",
    target: "flux",
    raw:
      `Here is a prompt for Flux:\n\n${FOX}\n\nThis prompt emphasizes the contrast between the warm dawn light and the cold blue shadows, while the long lens keeps the focus on the fox. Let me know if you'd like any changes!`,
    expect: {
      positive: FOX,
      negative: null,
      notes:
        "This prompt emphasizes the contrast between the warm dawn light and the cold blue shadows, while the long lens keeps the focus on the fox. Let me know if you'd like any changes!",
    },
  },
  {
    name: "flux: labelled prompt followed by Explanation:",
    model: "mistral:7b",
    target: "flux",
    raw:
      `Prompt: ${HARBOR}\n\nExplanation: The lanterns give a warm focal point against the cool dusk, and the impressionist brushwork keeps it soft and nostalgic.`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes:
        "The lanterns give a warm focal point against the cool dusk, and the impressionist brushwork keeps it soft and nostalgic.",
    },
  },
  {
    name: "sdxl: commentary after the negative must not be swallowed by it",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      `POSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}\n\nThis negative prompt helps avoid the most common SDXL artifacts.\n\nLet me know if you'd like any changes!`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes:
        "This negative prompt helps avoid the most common SDXL artifacts.\nLet me know if you'd like any changes!",
    },
  },
  {
    name: "sdxl: commentary on the line right after the negative, no blank line",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw:
      `POSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}\nThis setup should give you a moody cyberpunk samurai. Feel free to tweak the weights!`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes:
        "This setup should give you a moody cyberpunk samurai. Feel free to tweak the weights!",
    },
  },
  {
    name: "flux: commentary on the same line as the prompt",
    model: "llama3.2:3b",
    target: "flux",
    raw: `PROMPT: ${FOX} Let me know if you'd like any changes!`,
    expect: { positive: FOX, negative: null, notes: "Let me know if you'd like any changes!" },
  },
  {
    name: "mistral: Prompt / Negative prompt with a closing paragraph",
    model: "mistral:7b",
    target: "sd3",
    raw:
      "Prompt: A lone astronaut sitting on the edge of a crater on the Moon, Earth rising huge and blue over the horizon, long hard shadows, fine grey dust on the boots, silent and vast.\n\nNegative prompt: blurry, low quality, distorted, watermark, text, cartoon\n\nThis prompt is designed to capture the loneliness and grandeur of the scene. The negative prompt keeps the image clean and realistic.",
    expect: {
      positive:
        "A lone astronaut sitting on the edge of a crater on the Moon, Earth rising huge and blue over the horizon, long hard shadows, fine grey dust on the boots, silent and vast.",
      negative: "blurry, low quality, distorted, watermark, text, cartoon",
      notes:
        "This prompt is designed to capture the loneliness and grandeur of the scene. The negative prompt keeps the image clean and realistic.",
    },
  },
  {
    name: "llama3.2: quoted paragraph, then what it included",
    model: "llama3.2:3b",
    target: "flux",
    raw:
      `Here is a prompt for an image generation model:\n\n"${HARBOR}"\n\nI've included details about the lighting, the mood and the painting style to help the model create a cohesive image.`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes:
        "I've included details about the lighting, the mood and the painting style to help the model create a cohesive image.",
    },
  },

  // ---------------------------------------------------------------- variations
  {
    name: "flux: three numbered prompts, no labels",
    model: "llama3.1:8b",
    target: "flux",
    raw:
      "Here are three prompt ideas for your scene:\n\n1. A red fox curled asleep in fresh snow beneath a leaning birch, soft blue morning light, tiny snowflakes settling on its fur.\n2. A red fox leaping mid-air over a snowdrift, powder exploding around it, low sun behind it creating a glowing rim light.\n3. A red fox watching a frozen river at twilight, the sky streaked with pink and violet, its reflection faint in the ice.\n\nLet me know which one you like best!",
    expect: {
      positive:
        "A red fox curled asleep in fresh snow beneath a leaning birch, soft blue morning light, tiny snowflakes settling on its fur.",
      negative: null,
      alternates: [
        "A red fox leaping mid-air over a snowdrift, powder exploding around it, low sun behind it creating a glowing rim light.",
        "A red fox watching a frozen river at twilight, the sky streaked with pink and violet, its reflection faint in the ice.",
      ],
      notes: "Let me know which one you like best!",
    },
  },
  {
    name: "flux: bold titled variations, each on its own paragraph",
    model: "gemma3:4b",
    target: "flux",
    raw:
      "Okay, here are a few variations on your idea:\n\n**Variation 1 – Misty Dawn:**\nA lighthouse on a rocky point wrapped in thick morning mist, its beam a soft pale cone, gulls half-hidden in the fog, muted greys and pale gold.\n\n**Variation 2 – Stormy Night:**\nA lighthouse battered by a violent storm at night, waves crashing over the rocks, lightning splitting the sky, the beam cutting through sheets of rain.\n\n**Variation 3 – Summer Afternoon:**\nA white lighthouse under a bright summer sky, wildflowers on the cliff, sailboats dotting a turquoise sea, crisp clear light.",
    expect: {
      positive:
        "A lighthouse on a rocky point wrapped in thick morning mist, its beam a soft pale cone, gulls half-hidden in the fog, muted greys and pale gold.",
      negative: null,
      alternates: [
        "A lighthouse battered by a violent storm at night, waves crashing over the rocks, lightning splitting the sky, the beam cutting through sheets of rain.",
        "A white lighthouse under a bright summer sky, wildflowers on the cliff, sailboats dotting a turquoise sea, crisp clear light.",
      ],
      notes: null,
    },
  },
  {
    name: "sdxl: numbered titled tag prompts with one shared negative",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw:
      "1. **Neon alley:** masterpiece, best quality, cyberpunk alley, (neon signs:1.3), rain, reflections, lone figure, night\n2. **Rooftop:** masterpiece, best quality, cyberpunk rooftop, city skyline, (flying cars:1.2), dusk\n3. **Market:** masterpiece, best quality, crowded night market, steam, lanterns, street food, cyberpunk\n\nNegative prompt: lowres, blurry, text, watermark, bad anatomy",
    expect: {
      positive:
        "masterpiece, best quality, cyberpunk alley, (neon signs:1.3), rain, reflections, lone figure, night",
      negative: "lowres, blurry, text, watermark, bad anatomy",
      alternates: [
        "masterpiece, best quality, cyberpunk rooftop, city skyline, (flying cars:1.2), dusk",
        "masterpiece, best quality, crowded night market, steam, lanterns, street food, cyberpunk",
      ],
      notes: null,
    },
  },
  {
    name: "sdxl: Prompt 1 / Prompt 2, each with its own negative",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "**Prompt 1:**\nPositive: masterpiece, best quality, dragon, mountain peak, (storm clouds:1.2), lightning\nNegative: lowres, blurry, text\n\n**Prompt 2:**\nPositive: masterpiece, best quality, baby dragon, sleeping, treasure pile, candlelight\nNegative: lowres, blurry, bad anatomy",
    expect: {
      positive: "masterpiece, best quality, dragon, mountain peak, (storm clouds:1.2), lightning",
      negative: "lowres, blurry, text",
      alternates: ["masterpiece, best quality, baby dragon, sleeping, treasure pile, candlelight"],
      notes: null,
    },
  },
  {
    name: "flux: Option 1 / Option 2 labels with the prompt on the same line",
    model: "mistral-nemo",
    target: "flux",
    raw:
      "Option 1: A tiny moss-covered cottage deep in an ancient forest, smoke curling from the chimney, shafts of green-gold light.\nOption 2: The same cottage in winter, roof heavy with snow, warm orange light in every window, blue twilight all around.",
    expect: {
      positive:
        "A tiny moss-covered cottage deep in an ancient forest, smoke curling from the chimney, shafts of green-gold light.",
      negative: null,
      alternates: [
        "The same cottage in winter, roof heavy with snow, warm orange light in every window, blue twilight all around.",
      ],
    },
  },

  // ---------------------------------------------------------------- other languages
  {
    name: "qwen: Chinese preamble before an English Flux prompt",
    model: "qwen2.5:7b",
    target: "flux",
    raw: `以下是为 Flux 生成的提示词：\n\n${FOX}`,
    expect: { positive: FOX, negative: null, labeled: true, notes: null },
  },
  {
    name: "qwen: Chinese labels with full-width colons",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw:
      "正面提示词：masterpiece, best quality, 1girl, hanfu, (peach blossoms:1.2), ancient courtyard, spring, soft sunlight\n负面提示词：lowres, blurry, bad anatomy, bad hands, text, watermark",
    expect: {
      positive:
        "masterpiece, best quality, 1girl, hanfu, (peach blossoms:1.2), ancient courtyard, spring, soft sunlight",
      negative: "lowres, blurry, bad anatomy, bad hands, text, watermark",
    },
  },
  {
    name: "qwen: Chinese prompt text with a Chinese explanation",
    model: "qwen3:8b",
    target: "flux",
    raw:
      "提示词：一只红狐狸独自坐在清晨的白桦林雪地里，金色的阳光穿过树干，在雪上投下长长的蓝色影子。\n\n说明：这个提示词突出了冷暖光的对比。",
    expect: {
      positive:
        "一只红狐狸独自坐在清晨的白桦林雪地里，金色的阳光穿过树干，在雪上投下长长的蓝色影子。",
      negative: null,
      notes: "这个提示词突出了冷暖光的对比。",
    },
  },
  {
    name: "Japanese label and a Japanese remark",
    model: "qwen3:4b",
    target: "flux",
    raw:
      `プロンプト：${HARBOR}\n\nこのプロンプトは、夕暮れの静けさとランタンの暖かさを強調しています。`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes: "このプロンプトは、夕暮れの静けさとランタンの暖かさを強調しています。",
    },
  },
  {
    name: "Japanese positive and negative labels",
    model: "gemma3:4b",
    target: "sd15",
    raw:
      "ポジティブプロンプト: masterpiece, best quality, 1girl, school uniform, cherry blossoms, (wind:1.2)\nネガティブプロンプト: lowres, bad anatomy, bad hands, worst quality",
    expect: {
      positive: "masterpiece, best quality, 1girl, school uniform, cherry blossoms, (wind:1.2)",
      negative: "lowres, bad anatomy, bad hands, worst quality",
    },
  },
  {
    name: "Spanish: greeting, positivo and negativo",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "¡Claro! Aquí tienes tu prompt:\n\nPrompt positivo: masterpiece, best quality, flamenco dancer, red dress, (motion blur:1.2), stage lights, dramatic shadows\nPrompt negativo: lowres, blurry, bad anatomy, text\n\n¡Espero que te guste!",
    expect: {
      positive:
        "masterpiece, best quality, flamenco dancer, red dress, (motion blur:1.2), stage lights, dramatic shadows",
      negative: "lowres, blurry, bad anatomy, text",
      notes: "¡Espero que te guste!",
    },
  },
  {
    name: "German: bold labels and a Hinweis",
    model: "mistral:7b",
    target: "sdxl",
    raw:
      "Hier ist dein Prompt:\n\n**Positiver Prompt:** masterpiece, best quality, alpine village, winter, (snow covered roofs:1.2), church tower, dusk, warm windows\n**Negativer Prompt:** lowres, blurry, text, watermark, oversaturated\n\nHinweis: Die Gewichtung auf den Dächern betont den Schnee.",
    expect: {
      positive:
        "masterpiece, best quality, alpine village, winter, (snow covered roofs:1.2), church tower, dusk, warm windows",
      negative: "lowres, blurry, text, watermark, oversaturated",
      notes: "Die Gewichtung auf den Dächern betont den Schnee.",
    },
  },
  {
    name: "French: labels with a space before the colon",
    model: "mistral:7b",
    target: "sd3",
    raw:
      "Voici votre prompt :\n\nPrompt positif : Une terrasse de café parisienne sous la pluie au crépuscule, pavés luisants, reflets des enseignes, passants avec des parapluies noirs.\nPrompt négatif : flou, basse qualité, texte, filigrane\n\nRemarque : la pluie renforce l'ambiance mélancolique.",
    expect: {
      positive:
        "Une terrasse de café parisienne sous la pluie au crépuscule, pavés luisants, reflets des enseignes, passants avec des parapluies noirs.",
      negative: "flou, basse qualité, texte, filigrane",
      notes: "la pluie renforce l'ambiance mélancolique.",
    },
  },

  // ---------------------------------------------------------------- JSON replies
  {
    name: "JSON: bare object",
    model: "qwen3:8b (format: json)",
    target: "sdxl",
    raw: `{"positive": "${SAMURAI_TAGS}", "negative": "${SDXL_NEG}"}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, labeled: true },
  },
  {
    name: "JSON: fenced, snake_case keys, chatter around it",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      `Here is the prompt in JSON format:\n\n\`\`\`json\n{\n  "positive_prompt": "${SAMURAI_TAGS}",\n  "negative_prompt": "${SDXL_NEG}"\n}\n\`\`\`\n\nLet me know if you need anything else!`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes: "Let me know if you need anything else!",
    },
  },
  {
    name: "JSON: prompt and notes keys for a prose target",
    model: "gemma3:12b",
    target: "flux",
    raw:
      `{\n  "prompt": "${HARBOR}",\n  "negative_prompt": "",\n  "notes": "Impressionist brushwork keeps the mood soft."\n}`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes: "Impressionist brushwork keeps the mood soft.",
    },
  },
  {
    name: "JSON: tag arrays instead of strings, escapes inside",
    model: "qwen2.5-coder:7b",
    target: "pony",
    raw:
      '{"positive": ["score_9", "score_8_up", "1girl", "\\"cat ears\\"", "(smile:1.2)"], "negative": ["score_4", "lowres"]}',
    expect: {
      positive: 'score_9, score_8_up, 1girl, "cat ears", (smile:1.2)',
      negative: "score_4, lowres",
    },
  },
  {
    name: "JSON: a trailing comma a strict parser rejects",
    model: "llama3.2:3b",
    target: "sdxl",
    raw:
      '{\n  "positive": "masterpiece, best quality, koi pond, autumn leaves, (ripples:1.2)",\n  "negative": "lowres, blurry, text",\n}',
    expect: {
      positive: "masterpiece, best quality, koi pond, autumn leaves, (ripples:1.2)",
      negative: "lowres, blurry, text",
    },
  },
  {
    name: "JSON: variations array",
    model: "qwen3:8b",
    target: "flux",
    raw:
      '```\n{"prompt": "A paper boat drifting down a rain-filled gutter, city lights blurred behind it.", "variations": ["The same boat at noon, bright puddles, children\'s boots splashing nearby.", "A fleet of paper boats at night under a single streetlamp."]}\n```',
    expect: {
      positive: "A paper boat drifting down a rain-filled gutter, city lights blurred behind it.",
      negative: null,
      alternates: [
        "The same boat at noon, bright puddles, children's boots splashing nearby.",
        "A fleet of paper boats at night under a single streetlamp.",
      ],
    },
  },

  // ---------------------------------------------------------------- markdown, headings, fences
  {
    name: "### Positive Prompt headings without colons, fenced bodies",
    model: "gemma3:12b",
    target: "sdxl",
    raw:
      `### Positive Prompt\n\n\`\`\`\n${SAMURAI_TAGS}\n\`\`\`\n\n### Negative Prompt\n\n\`\`\`\n${SDXL_NEG}\n\`\`\`\n\n### Notes\n\n- The rain weight keeps the streets wet and reflective.\n- Try 1024x1536 for a tall composition.`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes:
        "- The rain weight keeps the streets wet and reflective.\n- Try 1024x1536 for a tall composition.",
    },
  },
  {
    name: "Positive Prompt (SDXL): label with a qualifier",
    model: "llama3.1:8b",
    target: "sdxl",
    raw: `Positive Prompt (SDXL):\n${SAMURAI_TAGS}\n\nNegative Prompt (SDXL):\n${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "**Positive Prompt (SDXL):** in bold with the text on the same line",
    model: "gemma3:4b",
    target: "sdxl",
    raw: `**Positive Prompt (SDXL):** ${SAMURAI_TAGS}\n\n**Negative Prompt (SDXL):** ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "gemma3: long markdown answer with key elements, variations and questions",
    model: "gemma3:4b",
    target: "flux",
    raw:
      `Okay, here's a prompt designed for Flux, focusing on the quiet mood you described:\n\n**Prompt:**\n\n> ${FOX}\n\n**Key Elements & Why:**\n\n*   **Golden light:** contrasts with the cold blue shadows.\n*   **Long lens:** isolates the fox from the trees.\n\n**Variations:**\n\n*   **More dramatic:** Replace the dawn light with a stormy sky and swirling snow.\n*   **Softer:** Use overcast light and a pastel palette.\n\nTo help me refine it further, could you tell me:\n\n*   What aspect ratio are you aiming for?`,
    expect: {
      positive: FOX,
      negative: null,
      alternates: [
        "Replace the dawn light with a stormy sky and swirling snow.",
        "Use overcast light and a pastel palette.",
      ],
      notes:
        "Key Elements & Why:\n- Golden light: contrasts with the cold blue shadows.\n- Long lens: isolates the fox from the trees.\nTo help me refine it further, could you tell me:\n- What aspect ratio are you aiming for?",
    },
  },
  {
    name: "## Final Prompt heading, then a why section",
    model: "qwen2.5:14b",
    target: "flux",
    raw:
      `## Final Prompt\n\n${HARBOR}\n\n## Why it works\n\n1. The lanterns give a warm focal point.\n2. Impressionist brushwork softens the scene.`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes:
        "Why it works\n1. The lanterns give a warm focal point.\n2. Impressionist brushwork softens the scene.",
    },
  },
  {
    name: "unlabelled prompt in a code fence, chatter outside",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw:
      `Sure! Here is your SDXL prompt:\n\n\`\`\`\n${SAMURAI_TAGS}\n\`\`\`\n\nYou can add a negative prompt like "blurry, lowres" if needed.`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: null,
      notes: 'You can add a negative prompt like "blurry, lowres" if needed.',
    },
  },
  {
    name: "bullet list of tags under bold labels",
    model: "llama3.2:3b",
    target: "sd15",
    raw:
      "**Positive:**\n- masterpiece\n- best quality\n- 1girl\n- red hood\n- (wolf:1.2)\n- dark forest\n\n**Negative:**\n- lowres\n- bad anatomy\n- bad hands\n- blurry",
    expect: {
      positive: "masterpiece, best quality, 1girl, red hood, (wolf:1.2), dark forest",
      negative: "lowres, bad anatomy, bad hands, blurry",
    },
  },
  {
    name: "a blockquoted prompt under a bold heading",
    model: "gemma3:4b",
    target: "flux",
    raw: `**Prompt**\n\n> ${HARBOR}`,
    expect: { positive: HARBOR, negative: null, labeled: true },
  },
  {
    name: "Title: line before the prompt",
    model: "mistral:7b",
    target: "flux",
    raw: `Title: Whispers of Dawn\n\nPrompt: ${FOX}`,
    expect: { positive: FOX, negative: null, notes: "Title: Whispers of Dawn" },
  },

  // ---------------------------------------------------------------- preambles
  {
    name: "Here's your prompt: on the same line as the prompt",
    model: "llama3.2:3b",
    target: "flux",
    raw: `Here's your prompt: ${FOX}`,
    expect: { positive: FOX, negative: null, labeled: true, notes: null },
  },
  {
    name: "Sure! Here is a Flux prompt: … with an offer on the same line",
    model: "phi3:mini",
    target: "flux",
    raw: `Sure! Here is a Flux prompt: ${HARBOR} Feel free to adjust the colors.`,
    expect: { positive: HARBOR, negative: null, notes: "Feel free to adjust the colors." },
  },
  {
    name: "a bold preamble line that names the prompt",
    model: "gemma3:4b",
    target: "flux",
    raw: `**Here's the prompt:**\n\n${FOX}`,
    expect: { positive: FOX, negative: null, labeled: true },
  },
  {
    name: "an enthusiastic remark before the labelled prompt goes to notes",
    model: "llama3.1:8b",
    target: "flux",
    raw: `What a lovely idea! Foxes in the snow make for striking images.\n\nPROMPT: ${FOX}`,
    expect: {
      positive: FOX,
      negative: null,
      notes: "What a lovely idea! Foxes in the snow make for striking images.",
    },
  },
  {
    name: "preamble then unlabelled tags then a Negative label",
    model: "mistral:7b",
    target: "sdxl",
    raw: `Here you go:\n\n${SAMURAI_TAGS}\n\nNegative: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "placeholder angle brackets copied from the format",
    model: "llama3.2:1b",
    target: "sdxl",
    raw:
      "POSITIVE: <masterpiece, best quality, fox, snow, forest>\nNEGATIVE: <lowres, blurry, text>",
    expect: {
      positive: "masterpiece, best quality, fox, snow, forest",
      negative: "lowres, blurry, text",
    },
  },

  // ---------------------------------------------------------------- quotes and backticks
  {
    name: "prompt in double quotes after the label",
    model: "llama3.1:8b",
    target: "flux",
    raw: `PROMPT: "${FOX}"`,
    expect: { positive: FOX, negative: null },
  },
  {
    name: "prompt in curly quotes",
    model: "mistral:7b",
    target: "sd3",
    raw: `Prompt: “${HARBOR}”\nNegative: “blurry, text”`,
    expect: { positive: HARBOR, negative: "blurry, text" },
  },
  {
    name: "tags in backticks",
    model: "qwen2.5-coder:7b",
    target: "sdxl",
    raw: `POSITIVE: \`${SAMURAI_TAGS}\`\nNEGATIVE: \`${SDXL_NEG}\``,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },

  // ---------------------------------------------------------------- token counts, CRLF
  {
    name: "trailing token count after the tags",
    model: "qwen3:8b",
    target: "sdxl",
    raw: `POSITIVE: ${SAMURAI_TAGS} (~70 tokens)\nNEGATIVE: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "Token count: line after the negative",
    model: "llama3.1:8b",
    target: "sd15",
    raw:
      "POSITIVE: masterpiece, best quality, ultra detailed, owl, (glowing eyes:1.2), moonlit branch\nNEGATIVE: lowres, bad anatomy, worst quality, blurry\nToken count: 38",
    expect: {
      positive:
        "masterpiece, best quality, ultra detailed, owl, (glowing eyes:1.2), moonlit branch",
      negative: "lowres, bad anatomy, worst quality, blurry",
      notes: "Token count: 38",
    },
  },
  {
    name: "over-budget warning line after the negative",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw: `POSITIVE: ${SAMURAI_TAGS}\n\nNEGATIVE: ${SDXL_NEG}\n\n⚠️ Token count: ~82/75`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, notes: "⚠️ Token count: ~82/75" },
  },
  {
    name: "word count in brackets after a prose prompt",
    model: "llama3.1:8b",
    target: "flux",
    raw: `PROMPT: ${HARBOR}\n\n(Word count: 41)`,
    expect: { positive: HARBOR, negative: null, notes: "(Word count: 41)" },
  },
  {
    name: "CRLF line ends",
    model: "any via a Windows proxy",
    target: "sdxl",
    raw: `POSITIVE: ${SAMURAI_TAGS}\r\nNEGATIVE: ${SDXL_NEG}\r\nNote: rain weight kept at 1.3.\r\n`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, notes: "rain weight kept at 1.3." },
  },
  {
    name: "CRLF in an unlabelled reply with a closing line",
    model: "any via a Windows proxy",
    target: "flux",
    raw: `Here is your prompt:\r\n\r\n${HARBOR}\r\n\r\nHope this helps!\r\n`,
    expect: { positive: HARBOR, negative: null, notes: "Hope this helps!" },
  },

  // ---------------------------------------------------------------- questions and refusals
  {
    name: "one-shot: the small model asks instead of answering",
    model: "llama3.2:1b",
    target: "flux",
    raw: "Could you tell me a bit more about the style you want — a photo or a painting?",
    expect: {
      positive: "",
      negative: null,
      kind: "question",
      notes: "Could you tell me a bit more about the style you want — a photo or a painting?",
    },
  },
  {
    name: "persona: only questions (requireLabel)",
    model: "qwen3:8b",
    target: "flux",
    requireLabel: true,
    raw:
      "That sounds lovely! A little cabin in the snow already feels cosy.\n\nIs it day or night in your picture? And do we see the cabin from far away, or are we close enough to look through the window?",
    expect: {
      positive: "",
      negative: null,
      kind: "question",
      labeled: false,
      notes:
        "That sounds lovely! A little cabin in the snow already feels cosy.\nIs it day or night in your picture? And do we see the cabin from far away, or are we close enough to look through the window?",
    },
  },
  {
    name: "persona: a bold summary and a question, no prompt yet",
    model: "gemma3:4b",
    target: "flux",
    requireLabel: true,
    raw:
      "Here's what we have so far:\n\n**A small wooden cabin at night, deep snow all around, warm light glowing in one window, seen from across a frozen lake.**\n\nDoes that feel right? Should there be someone inside, or is it empty and waiting?",
    expect: {
      positive: "",
      negative: null,
      kind: "question",
      notes:
        "Here's what we have so far:\nA small wooden cabin at night, deep snow all around, warm light glowing in one window, seen from across a frozen lake.\nDoes that feel right? Should there be someone inside, or is it empty and waiting?",
    },
  },
  {
    name: "persona: a refusal is not a prompt",
    model: "llama3.1:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "I can't help with that request. I'd be glad to help with an elegant portrait of an adult subject instead — would you like to try that?",
    expect: {
      positive: "",
      negative: null,
      kind: "question",
      notes:
        "I can't help with that request. I'd be glad to help with an elegant portrait of an adult subject instead — would you like to try that?",
    },
  },
  {
    name: "persona: a prompt then a question after it",
    model: "qwen3:8b",
    target: "flux",
    requireLabel: true,
    raw: `PROMPT: ${FOX}\n\nWant me to try a night version with moonlight next?`,
    expect: {
      positive: FOX,
      negative: null,
      kind: "prompt",
      labeled: true,
      notes: "Want me to try a night version with moonlight next?",
    },
  },

  // ---------------------------------------------------------------- personas
  {
    name: "art director (old wrapped format): brief, then everything run together",
    model: "llama3.1:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "**Creative brief**\nPurpose: Hero banner for a coffee roaster's autumn launch.\nAudience: Urban professionals who love slow weekend mornings.\nMessage: Warmth and ritual.\nLook: Warm amber light, rich browns, soft steam.\n\nPROMPT: masterpiece, best quality, (steaming coffee cup:1.3), wooden table, autumn leaves, window light, warm amber tones, copy space on the left NEGATIVE: lowres, blurry, text, watermark, cluttered background Alternate A: masterpiece, best quality, hands holding a coffee cup, knitted sweater, (steam:1.2), soft morning light Alternate B: masterpiece, best quality, coffee beans spilling from a burlap sack, autumn leaves, overhead shot\n\nI left copy space on the left for the headline.",
    expect: {
      positive:
        "masterpiece, best quality, (steaming coffee cup:1.3), wooden table, autumn leaves, window light, warm amber tones, copy space on the left",
      negative: "lowres, blurry, text, watermark, cluttered background",
      alternates: [
        "masterpiece, best quality, hands holding a coffee cup, knitted sweater, (steam:1.2), soft morning light",
        "masterpiece, best quality, coffee beans spilling from a burlap sack, autumn leaves, overhead shot",
      ],
      notes:
        "Creative brief\nPurpose: Hero banner for a coffee roaster's autumn launch.\nAudience: Urban professionals who love slow weekend mornings.\nMessage: Warmth and ritual.\nLook: Warm amber light, rich browns, soft steam.\nI left copy space on the left for the headline.",
    },
  },
  {
    name: "art director (new format): one label per line",
    model: "qwen3:8b",
    target: "flux",
    requireLabel: true,
    raw:
      "Purpose: Cover of a travel magazine's Nordic issue.\nAudience: Readers planning a winter trip.\nMessage: Quiet, clean, unforgettable light.\nLook: Pale blues, one warm accent.\n\nPROMPT: A single red wooden cabin on a snowy shore under a pale blue polar sky, soft pastel light, wide empty foreground of untouched snow leaving space for the masthead at the top.\nALTERNATES:\n- The same red cabin at night under green northern lights, reflected in a still fjord.\n- A close view of the cabin's lit window, frost patterns on the glass, snow falling.\nNOTES: The empty sky and snow leave room for the masthead and cover lines.",
    expect: {
      positive:
        "A single red wooden cabin on a snowy shore under a pale blue polar sky, soft pastel light, wide empty foreground of untouched snow leaving space for the masthead at the top.",
      negative: null,
      alternates: [
        "The same red cabin at night under green northern lights, reflected in a still fjord.",
        "A close view of the cabin's lit window, frost patterns on the glass, snow falling.",
      ],
      notes:
        "Purpose: Cover of a travel magazine's Nordic issue.\nAudience: Readers planning a winter trip.\nMessage: Quiet, clean, unforgettable light.\nLook: Pale blues, one warm accent.\nThe empty sky and snow leave room for the masthead and cover lines.",
    },
  },
  {
    name: "art director: Alternate A / B on their own lines after the negative",
    model: "mistral:7b",
    target: "sd3",
    requireLabel: true,
    raw:
      "PROMPT: A minimalist perfume bottle on a slab of wet black slate, a single orchid petal beside it, soft top light, deep shadows, cool grey palette with one touch of magenta.\nNEGATIVE: blurry, low quality, text, watermark, fingerprints\nAlternate A: The same bottle floating above still water, its reflection perfect, mist at the edges.\nAlternate B: The bottle half-buried in black sand, morning light grazing the surface.",
    expect: {
      positive:
        "A minimalist perfume bottle on a slab of wet black slate, a single orchid petal beside it, soft top light, deep shadows, cool grey palette with one touch of magenta.",
      negative: "blurry, low quality, text, watermark, fingerprints",
      alternates: [
        "The same bottle floating above still water, its reflection perfect, mist at the edges.",
        "The bottle half-buried in black sand, morning light grazing the surface.",
      ],
      notes: null,
    },
  },
  {
    name: "quick sketch (old wrapped format): Variations after the negative",
    model: "llama3.2:3b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "PROMPT: masterpiece, best quality, red vintage car, desert highway, (sunset:1.2), dust, long shadows NEGATIVE: lowres, blurry, text, watermark Variations:\n\n1. Same car at night under a starry sky\n2. Low angle shot from the asphalt\n3. Watercolor style instead of photo",
    expect: {
      positive:
        "masterpiece, best quality, red vintage car, desert highway, (sunset:1.2), dust, long shadows",
      negative: "lowres, blurry, text, watermark",
      alternates: [
        "Same car at night under a starry sky",
        "Low angle shot from the asphalt",
        "Watercolor style instead of photo",
      ],
      notes: null,
    },
  },
  {
    name: "quick sketch (new format): Flux, variations as a list",
    model: "qwen3:4b",
    target: "flux",
    requireLabel: true,
    raw:
      "PROMPT: A tiny robot watering a single flower on a cracked city sidewalk, morning sun, soft bokeh of passing cars.\nVARIATIONS:\n1. Same scene in pouring rain, the robot holding a leaf as an umbrella.\n2. Seen from ground level, the flower huge in the foreground.\n3. As a children's book watercolor.",
    expect: {
      positive:
        "A tiny robot watering a single flower on a cracked city sidewalk, morning sun, soft bokeh of passing cars.",
      negative: null,
      alternates: [
        "Same scene in pouring rain, the robot holding a leaf as an umbrella.",
        "Seen from ground level, the flower huge in the foreground.",
        "As a children's book watercolor.",
      ],
    },
  },
  {
    name: "quick sketch: two short questions only",
    model: "qwen3:4b",
    target: "sdxl",
    requireLabel: true,
    raw: "Photo or illustration? Day or night?",
    expect: {
      positive: "",
      negative: null,
      kind: "question",
      notes: "Photo or illustration? Day or night?",
    },
  },
  {
    name: "technical engineer: POSITIVE, NEGATIVE and a settings note",
    model: "qwen3:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      `POSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}\nNote: ~62 tokens. CFG 5.5, DPM++ 2M Karras, 30 steps, 832x1216. Drop the teal and orange tag if the colors look muddy.`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes:
        "~62 tokens. CFG 5.5, DPM++ 2M Karras, 30 steps, 832x1216. Drop the teal and orange tag if the colors look muddy.",
    },
  },
  {
    name: "technical engineer (old wrapped format): everything on one line",
    model: "mistral:7b",
    target: "pony",
    requireLabel: true,
    raw:
      "POSITIVE: score_9, score_8_up, score_7_up, 1girl, solo, mecha pilot, (plugsuit:1.2), cockpit, hologram displays, looking at viewer NEGATIVE: score_4, score_5, score_6, lowres, bad hands, text Note: Keep CFG around 6; Euler a works well with Pony.",
    expect: {
      positive:
        "score_9, score_8_up, score_7_up, 1girl, solo, mecha pilot, (plugsuit:1.2), cockpit, hologram displays, looking at viewer",
      negative: "score_4, score_5, score_6, lowres, bad hands, text",
      notes: "Keep CFG around 6; Euler a works well with Pony.",
    },
  },
  {
    name: "technical engineer: Flux, no negative, recommended settings block",
    model: "llama3.1:8b",
    target: "flux",
    requireLabel: true,
    raw:
      `POSITIVE: ${FOX}\n\n**Recommended settings:**\n- Guidance: 3.5\n- Steps: 28\n- Sampler: Euler, simple scheduler`,
    expect: {
      positive: FOX,
      negative: null,
      notes:
        "Recommended settings:\n- Guidance: 3.5\n- Steps: 28\n- Sampler: Euler, simple scheduler",
    },
  },
  {
    name: "photography expert: prompt, negative and the shoot note",
    model: "qwen3:8b",
    target: "sd3",
    requireLabel: true,
    raw:
      "PROMPT: Candid portrait of an elderly fisherman mending a net on a harbor wall, deep wrinkles and salt-stained wool sweater, soft overcast light from the left, shallow depth of field with the boats dissolving into creamy bokeh, fine film grain.\nNEGATIVE: plastic skin, cartoon, illustration, oversaturated, blurry\nNote: 85mm at f/2, overcast daylight from camera left, Portra 400 grade.",
    expect: {
      positive:
        "Candid portrait of an elderly fisherman mending a net on a harbor wall, deep wrinkles and salt-stained wool sweater, soft overcast light from the left, shallow depth of field with the boats dissolving into creamy bokeh, fine film grain.",
      negative: "plastic skin, cartoon, illustration, oversaturated, blurry",
      notes: "85mm at f/2, overcast daylight from camera left, Portra 400 grade.",
    },
  },
  {
    name: "photography expert (old wrapped format): NEGATIVE and Note on wrapped lines",
    model: "llama3.1:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "PROMPT: professional photo, (product shot:1.2), luxury wristwatch, black velvet, rim light, reflections, macro, 100mm lens\nNEGATIVE: cartoon, illustration, 3d render, blurry, dust, fingerprints Note: 100mm macro at f/8, strip softbox\nbehind at 45 degrees, black flags to keep the edges crisp.",
    expect: {
      positive:
        "professional photo, (product shot:1.2), luxury wristwatch, black velvet, rim light, reflections, macro, 100mm lens",
      negative: "cartoon, illustration, 3d render, blurry, dust, fingerprints",
      notes:
        "100mm macro at f/8, strip softbox behind at 45 degrees, black flags to keep the edges crisp.",
    },
  },
  {
    name: "fantasy storyteller: the moment told, then the prompt, then a hook",
    model: "gemma3:12b",
    target: "flux",
    requireLabel: true,
    raw:
      "The last lantern of the siege has just gone out. Mira stands on the broken wall, the banner of her fallen house torn in her fist, and below her the fog is moving against the wind.\n\nPROMPT: A young woman in dented bronze armor stands on a shattered castle wall at night, clutching a torn crimson banner, thick fog rolling uphill against the wind below her, a faint green glow moving inside the fog, cold moonlight on wet stone, painted in the style of a dark fantasy book cover.\n\nWhat moves in that fog is up to you — shall we find out next?",
    expect: {
      positive:
        "A young woman in dented bronze armor stands on a shattered castle wall at night, clutching a torn crimson banner, thick fog rolling uphill against the wind below her, a faint green glow moving inside the fog, cold moonlight on wet stone, painted in the style of a dark fantasy book cover.",
      negative: null,
      notes:
        "The last lantern of the siege has just gone out. Mira stands on the broken wall, the banner of her fallen house torn in her fist, and below her the fog is moving against the wind.\nWhat moves in that fog is up to you — shall we find out next?",
    },
  },
  {
    name: "fantasy storyteller: SDXL, prompt and negative in the old wrapped form",
    model: "llama3.1:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "PROMPT: masterpiece, best quality, elf ranger, (glowing bow:1.2), ancient forest, fireflies, moonlight, mist, fantasy art NEGATIVE:\nlowres, blurry, bad anatomy, extra fingers, text",
    expect: {
      positive:
        "masterpiece, best quality, elf ranger, (glowing bow:1.2), ancient forest, fireflies, moonlight, mist, fantasy art",
      negative: "lowres, blurry, bad anatomy, extra fingers, text",
    },
  },
  {
    name: "creative vision guide: summary, prompt and one encouraging sentence",
    model: "qwen3:8b",
    target: "flux",
    requireLabel: true,
    raw:
      `Lovely — I think we have it! Here is your prompt:\n\nPROMPT: ${HARBOR}\n\nNext time, you might try the same harbor at sunrise to see how the mood changes.`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes: "Next time, you might try the same harbor at sunrise to see how the mood changes.",
    },
  },
  {
    name: "creative vision guide (old wrapped format): encouragement on the prompt line",
    model: "llama3.2:3b",
    target: "flux",
    requireLabel: true,
    raw: `PROMPT: ${FOX} You could also try it at dusk for a warmer glow!`,
    expect: {
      positive: FOX,
      negative: null,
      notes: "You could also try it at dusk for a warmer glow!",
    },
  },
  {
    name: "boudoir specialist: prompt and the safety negative",
    model: "qwen3:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      "PROMPT: masterpiece, best quality, elegant boudoir portrait, adult woman, silk robe, (soft window light:1.2), sheer curtains, warm tones, relaxed pose, fine art photography\nNEGATIVE: explicit, pornographic, vulgar, nudity, minor, childlike, lowres, blurry, bad anatomy",
    expect: {
      positive:
        "masterpiece, best quality, elegant boudoir portrait, adult woman, silk robe, (soft window light:1.2), sheer curtains, warm tones, relaxed pose, fine art photography",
      negative:
        "explicit, pornographic, vulgar, nudity, minor, childlike, lowres, blurry, bad anatomy",
    },
  },
  {
    name: "boudoir specialist: Flux has no negative, the safety terms stay out of the prompt",
    model: "gemma3:4b",
    target: "flux",
    requireLabel: true,
    raw:
      "PROMPT: A fine-art portrait of a confident adult woman in an emerald velvet gown reclining on a chaise longue, warm lamplight sculpting her face, deep shadows, heavy silk curtains, rich jewel tones.\nNEGATIVE: Not used for Flux.",
    expect: {
      positive:
        "A fine-art portrait of a confident adult woman in an emerald velvet gown reclining on a chaise longue, warm lamplight sculpting her face, deep shadows, heavy silk curtains, rich jewel tones.",
      negative: null,
      notes: null,
    },
  },
  {
    name: "persona: bold prompt heading, fenced body (requireLabel)",
    model: "gemma3:4b",
    target: "sdxl",
    requireLabel: true,
    raw:
      `**Prompt**\n\`\`\`\n${SAMURAI_TAGS}\n\`\`\`\n**Negative prompt**\n\`\`\`\n${SDXL_NEG}\n\`\`\``,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, labeled: true },
  },

  // ---------------------------------------------------------------- chat refinements
  {
    name: "chat: acknowledgement, updated prompt, note",
    model: "llama3.1:8b",
    target: "flux",
    raw:
      "Sure, here's the updated prompt with rain added:\n\nPROMPT: A quiet fishing harbor at dusk in soft rain, wooden boats rocking on dark rippled water, strings of warm lanterns reflected in long wavering streaks, a violet sky fading to deep blue, painted in loose impressionist brushstrokes.\nNote: I added light rain and rippled reflections.",
    expect: {
      positive:
        "A quiet fishing harbor at dusk in soft rain, wooden boats rocking on dark rippled water, strings of warm lanterns reflected in long wavering streaks, a violet sky fading to deep blue, painted in loose impressionist brushstrokes.",
      negative: null,
      notes: "I added light rain and rippled reflections.",
    },
  },
  {
    name: "chat: short acknowledgement then tags",
    model: "qwen3:4b",
    target: "sdxl",
    raw:
      "Got it — warmer light.\n\nPOSITIVE: masterpiece, best quality, 1boy, lone samurai, (golden hour:1.3), flooded street, warm reflections, katana, straw hat\nNEGATIVE: lowres, blurry, text, watermark, bad anatomy\nNote: Swapped the neon for golden hour.",
    expect: {
      positive:
        "masterpiece, best quality, 1boy, lone samurai, (golden hour:1.3), flooded street, warm reflections, katana, straw hat",
      negative: "lowres, blurry, text, watermark, bad anatomy",
      notes: "Got it — warmer light.\nSwapped the neon for golden hour.",
    },
  },
  {
    name: "chat: 'Updated prompt:' label and a closing offer",
    model: "mistral:7b",
    target: "sd3",
    raw:
      "Updated prompt: A weathered stone bridge over a rushing mountain river in deep winter, ice on the rocks, snow-laden pines, blue morning fog lifting off the water.\nNegative prompt: blurry, oversaturated, text, watermark\n\nWould you like me to add a figure crossing the bridge?",
    expect: {
      positive:
        "A weathered stone bridge over a rushing mountain river in deep winter, ice on the rocks, snow-laden pines, blue morning fog lifting off the water.",
      negative: "blurry, oversaturated, text, watermark",
      notes: "Would you like me to add a figure crossing the bridge?",
    },
  },

  // ---------------------------------------------------------------- more realistic mess
  {
    name: "sdxl: tags unlabelled, then a sentence of chatter on the next line",
    model: "llama3.2:3b",
    target: "sdxl",
    raw: `${SAMURAI_TAGS}\nI hope this prompt works well for your image!`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: null,
      notes: "I hope this prompt works well for your image!",
    },
  },
  {
    name: "flux: 'Prompt for Flux:' label with the model name",
    model: "qwen2.5:7b",
    target: "flux",
    raw: `Prompt for Flux.1 [dev]: ${FOX}`,
    expect: { positive: FOX, negative: null },
  },
  {
    name: "sd3: prose with the negative as a bullet list",
    model: "gemma3:4b",
    target: "sd3",
    raw:
      `**Prompt:** ${HARBOR}\n\n**Negative Prompt:**\n* blurry\n* low quality\n* watermark\n* text`,
    expect: { positive: HARBOR, negative: "blurry, low quality, watermark, text" },
  },
  {
    name: "sdxl: numbered tags reply with a header, then a negative",
    model: "phi4-mini",
    target: "sdxl",
    raw:
      "Here's an SDXL prompt for your request.\n\nPositive Prompt:\nmasterpiece, best quality, highly detailed, ancient library, towering bookshelves, (floating books:1.2), dust motes, warm candlelight\n\nNegative Prompt:\nlowres, blurry, text, watermark, deformed\n\nThe floating books add a magical touch while the candlelight keeps the mood warm.",
    expect: {
      positive:
        "masterpiece, best quality, highly detailed, ancient library, towering bookshelves, (floating books:1.2), dust motes, warm candlelight",
      negative: "lowres, blurry, text, watermark, deformed",
      notes: "The floating books add a magical touch while the candlelight keeps the mood warm.",
    },
  },
  {
    name: "flux: a label in lower case",
    model: "llama3.2:3b",
    target: "flux",
    raw: `prompt: ${HARBOR}`,
    expect: { positive: HARBOR, negative: null, labeled: true },
  },
  {
    name: "sdxl: prose paragraph given for a tag target stays whole",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "POSITIVE: A majestic white tiger walking through a bamboo forest, morning mist, soft light, highly detailed.\nNEGATIVE: lowres, blurry, text",
    expect: {
      positive:
        "A majestic white tiger walking through a bamboo forest, morning mist, soft light, highly detailed",
      negative: "lowres, blurry, text",
    },
  },
  {
    name: "sd15: Negative label in lower case with a dash bullet",
    model: "tinyllama",
    target: "sd15",
    raw:
      "- positive: masterpiece, best quality, ultra detailed, cat, wizard hat, library\n- negative: lowres, bad anatomy, worst quality",
    expect: {
      positive: "masterpiece, best quality, ultra detailed, cat, wizard hat, library",
      negative: "lowres, bad anatomy, worst quality",
    },
  },
  {
    name: "flux: a reply that repeats the label inside a heading and a quote",
    model: "gemma3:1b",
    target: "flux",
    raw: `## Prompt\n\n"${FOX}"\n\n---\n\n*This prompt focuses on light and mood.*`,
    expect: { positive: FOX, negative: null, notes: "This prompt focuses on light and mood." },
  },
  // ------------------------------------------- second batch, written after the parser ran
  {
    name: "qwen3: final prompt, negative, separators and tips",
    model: "qwen3:14b",
    target: "sdxl",
    raw:
      "**Final Prompt:**\nmasterpiece, best quality, highly detailed, (ancient tree:1.3), glowing roots, forest clearing, fireflies, twilight, volumetric light\n\n---\n\n**Negative Prompt:**\nlowres, blurry, text, watermark, oversaturated\n\n---\n\n**Tips:**\n- Raise the tree weight to 1.4 if it gets lost.\n- Works best at 1216x832.",
    expect: {
      positive:
        "masterpiece, best quality, highly detailed, (ancient tree:1.3), glowing roots, forest clearing, fireflies, twilight, volumetric light",
      negative: "lowres, blurry, text, watermark, oversaturated",
      notes: "Tips:\n- Raise the tree weight to 1.4 if it gets lost.\n- Works best at 1216x832.",
    },
  },
  {
    name: "llama3.1: detailed SDXL prompt with settings and an offer",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "Here's a detailed prompt for SDXL:\n\n**Prompt:** masterpiece, best quality, (red panda:1.3), bamboo forest, morning mist, soft light, bokeh\n\n**Negative Prompt:** lowres, blurry, text, watermark, deformed\n\n**Settings:**\n* Steps: 30\n* CFG: 7\n\nFeel free to adjust the settings to your liking!",
    expect: {
      positive:
        "masterpiece, best quality, (red panda:1.3), bamboo forest, morning mist, soft light, bokeh",
      negative: "lowres, blurry, text, watermark, deformed",
      notes: "Settings:\n- Steps: 30\n- CFG: 7\nFeel free to adjust the settings to your liking!",
    },
  },
  {
    name: "mistral: quoted tag lines under labels on their own lines",
    model: "mistral:7b",
    target: "sd15",
    raw:
      'Positive Prompt:\n"masterpiece, best quality, ultra detailed, knight, rusty armor, (autumn forest:1.2), fog"\n\nNegative Prompt:\n"lowres, bad anatomy, bad hands, worst quality, blurry"',
    expect: {
      positive:
        "masterpiece, best quality, ultra detailed, knight, rusty armor, (autumn forest:1.2), fog",
      negative: "lowres, bad anatomy, bad hands, worst quality, blurry",
    },
  },
  {
    name: "phi: prompt followed by a breakdown in Key: value lines",
    model: "phi3:mini",
    target: "flux",
    raw:
      "Prompt: A lone cyclist riding through a tunnel of cherry blossoms at sunrise, petals swirling in the air, soft pink light.\nStyle: Photorealistic\nMood: Serene and hopeful",
    expect: {
      positive:
        "A lone cyclist riding through a tunnel of cherry blossoms at sunrise, petals swirling in the air, soft pink light.",
      negative: null,
      notes: "Style: Photorealistic\nMood: Serene and hopeful",
    },
  },
  {
    name: "Image Prompt: label",
    model: "gemma3:1b",
    target: "flux",
    raw: `Image Prompt: ${HARBOR}`,
    expect: { positive: HARBOR, negative: null, labeled: true },
  },
  {
    name: "unlabelled prompt that quotes a sign saying 'you'",
    model: "llama3.1:8b",
    target: "flux",
    raw:
      'A hand-painted wooden sign reading "See you soon" hangs above the door of a small seaside bakery, morning light on peeling blue paint, a bicycle leaning against the wall.',
    expect: {
      positive:
        'A hand-painted wooden sign reading "See you soon" hangs above the door of a small seaside bakery, morning light on peeling blue paint, a bicycle leaning against the wall.',
      negative: null,
    },
  },
  {
    name: "gemma3: fenced prompt, then an explanation of choices",
    model: "gemma3:4b",
    target: "flux",
    raw:
      `Okay, here's a prompt for your Flux image:\n\n\`\`\`\n${FOX}\n\`\`\`\n\n**Explanation of Choices:**\n\n*   **Dawn light:** Adds warmth against the snow.\n*   **Long lens:** Compresses the trees behind the fox.`,
    expect: {
      positive: FOX,
      negative: null,
      notes:
        "Explanation of Choices:\n- Dawn light: Adds warmth against the snow.\n- Long lens: Compresses the trees behind the fox.",
    },
  },
  {
    name: "chat: revised version label",
    model: "qwen2.5:7b",
    target: "sd3",
    raw:
      "Here's the revised version:\n\nPrompt: A weathered stone bridge over a rushing river at golden hour, two hikers crossing it, warm rim light on the water spray.\nNegative prompt: blurry, low quality, text\n\nI added the hikers for scale.",
    expect: {
      positive:
        "A weathered stone bridge over a rushing river at golden hour, two hikers crossing it, warm rim light on the water spray.",
      negative: "blurry, low quality, text",
      notes: "I added the hikers for scale.",
    },
  },
  {
    name: "'Avoid:' used as the negative label",
    model: "llama3.2:3b",
    target: "sd3",
    raw:
      "Prompt: A porcelain teacup on a windowsill during a thunderstorm, rain streaking the glass, a single candle flickering beside it.\nAvoid: blurry, text, watermark, extra cups",
    expect: {
      positive:
        "A porcelain teacup on a windowsill during a thunderstorm, rain streaking the glass, a single candle flickering beside it.",
      negative: "blurry, text, watermark, extra cups",
    },
  },
  {
    name: "POSITIVE PROMPT (75 tokens): uppercase with a count qualifier",
    model: "qwen3:4b",
    target: "sdxl",
    raw: `POSITIVE PROMPT (75 tokens): ${SAMURAI_TAGS}\nNEGATIVE PROMPT: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "technical engineer: bold labels over fenced blocks and a bold note",
    model: "qwen3:8b",
    target: "pony",
    requireLabel: true,
    raw:
      "**POSITIVE:**\n```\nscore_9, score_8_up, score_7_up, 1girl, solo, fox ears, (autumn leaves:1.2), park bench, reading a book\n```\n**NEGATIVE:**\n```\nscore_4, score_5, score_6, lowres, bad hands\n```\n**Note:** 68 tokens; Euler a, 25 steps, CFG 7.",
    expect: {
      positive:
        "score_9, score_8_up, score_7_up, 1girl, solo, fox ears, (autumn leaves:1.2), park bench, reading a book",
      negative: "score_4, score_5, score_6, lowres, bad hands",
      notes: "68 tokens; Euler a, 25 steps, CFG 7.",
    },
  },
  {
    name: "upper-case <THINK> tags",
    model: "custom finetune",
    target: "flux",
    raw: `<THINK>short plan</THINK>\nPROMPT: ${FOX}`,
    expect: { positive: FOX, negative: null, thinking: "short plan" },
  },
  {
    name: "JSON: nested prompt object",
    model: "qwen2.5:7b",
    target: "sdxl",
    raw:
      '```json\n{\n  "prompt": {\n    "positive": "masterpiece, best quality, glass terrarium, tiny forest, (morning dew:1.2)",\n    "negative": "lowres, blurry"\n  },\n  "style": "macro photo"\n}\n```',
    expect: {
      positive: "masterpiece, best quality, glass terrarium, tiny forest, (morning dew:1.2)",
      negative: "lowres, blurry",
      notes: null,
    },
  },
  {
    name: "JSON: an array of prompt objects",
    model: "llama3.1:8b",
    target: "flux",
    raw:
      '[\n  {"prompt": "A lighthouse in fog at dawn, pale gold light."},\n  {"prompt": "A lighthouse in a storm at night, lightning behind it."}\n]',
    expect: {
      positive: "A lighthouse in fog at dawn, pale gold light.",
      negative: null,
      alternates: ["A lighthouse in a storm at night, lightning behind it."],
    },
  },
  {
    name: "flux: a negative 'not needed' in brackets",
    model: "mistral:7b",
    target: "flux",
    raw: `Prompt: ${HARBOR}\nNegative prompt: (not needed for Flux)`,
    expect: { positive: HARBOR, negative: null, notes: null },
  },
  {
    name: "prose prompt hard-wrapped over three lines",
    model: "mistral:7b",
    target: "flux",
    raw:
      "PROMPT: A red fox sits alone in a snowy birch forest at dawn, its breath visible in the\ncold air, low golden sunlight raking through the pale trunks and throwing long blue\nshadows across the snow.",
    expect: {
      positive:
        "A red fox sits alone in a snowy birch forest at dawn, its breath visible in the cold air, low golden sunlight raking through the pale trunks and throwing long blue shadows across the snow.",
      negative: null,
    },
  },
  {
    name: "a parenthetical remark under the negative",
    model: "llama3.1:8b",
    target: "sdxl",
    raw:
      "POSITIVE: masterpiece, best quality, (koi fish:1.2), lotus pond, ripples, sunlight\nNEGATIVE: lowres, blurry, text, watermark\n(Optional: add 'extra fins' to the negative if the fish look odd.)",
    expect: {
      positive: "masterpiece, best quality, (koi fish:1.2), lotus pond, ripples, sunlight",
      negative: "lowres, blurry, text, watermark",
      notes: "(Optional: add 'extra fins' to the negative if the fish look odd.)",
    },
  },
  {
    name: "tags with weights split over two lines in parentheses",
    model: "qwen3:4b",
    target: "sdxl",
    raw:
      "POSITIVE: masterpiece, best quality, (1girl:1.1), (long silver hair, flowing:1.2),\n(starry night sky:1.3), meadow, fireflies\nNEGATIVE: lowres, (worst quality:1.4), bad hands",
    expect: {
      positive:
        "masterpiece, best quality, (1girl:1.1), (long silver hair, flowing:1.2), (starry night sky:1.3), meadow, fireflies",
      negative: "lowres, (worst quality:1.4), bad hands",
    },
  },
  {
    name: "sd3: Prompt then Negative Prompt in a markdown bullet list with labels",
    model: "gemma3:12b",
    target: "sd3",
    raw:
      "* **Prompt:** A futuristic greenhouse on Mars, red dust storms outside the dome, lush green plants inside, astronauts tending hydroponic racks.\n* **Negative Prompt:** blurry, low quality, text, watermark",
    expect: {
      positive:
        "A futuristic greenhouse on Mars, red dust storms outside the dome, lush green plants inside, astronauts tending hydroponic racks.",
      negative: "blurry, low quality, text, watermark",
    },
  },
  {
    name: "persona: prompt, then 'Want another angle?' and a variations offer",
    model: "llama3.2:3b",
    target: "flux",
    requireLabel: true,
    raw:
      `PROMPT: ${HARBOR}\n\nVariations:\n- Same harbor at dawn with fishermen setting out\n- A close-up of a single lantern reflected in the water\n\nWant another angle?`,
    expect: {
      positive: HARBOR,
      negative: null,
      alternates: [
        "Same harbor at dawn with fishermen setting out",
        "A close-up of a single lantern reflected in the water",
      ],
      notes: "Want another angle?",
    },
  },
  // ------------------------------------------------ the persona formats, one label per line
  {
    name: "quick sketch (one label per line): ALTERNATES as a numbered list",
    model: "qwen3:4b",
    target: "sd15",
    requireLabel: true,
    raw:
      "PROMPT: masterpiece, best quality, ultra detailed, paper lantern festival, river, night, (floating lanterns:1.2)\nNEGATIVE: lowres, bad anatomy, worst quality, blurry\nALTERNATES:\n1. masterpiece, best quality, paper lantern festival, river, dawn, mist\n2. masterpiece, best quality, paper lantern festival, bridge, crowd, low angle\n3. masterpiece, best quality, paper lantern festival, watercolor style",
    expect: {
      positive:
        "masterpiece, best quality, ultra detailed, paper lantern festival, river, night, (floating lanterns:1.2)",
      negative: "lowres, bad anatomy, worst quality, blurry",
      alternates: [
        "masterpiece, best quality, paper lantern festival, river, dawn, mist",
        "masterpiece, best quality, paper lantern festival, bridge, crowd, low angle",
        "masterpiece, best quality, paper lantern festival, watercolor style",
      ],
      notes: null,
    },
  },
  {
    name: "technical engineer (one label per line): NOTES with the token count",
    model: "llama3.1:8b",
    target: "sdxl",
    requireLabel: true,
    raw:
      `POSITIVE: ${SAMURAI_TAGS}\nNEGATIVE: ${SDXL_NEG}\nNOTES: ~64 tokens, close to the budget. CFG 5, 30 steps.`,
    expect: {
      positive: SAMURAI_TAGS,
      negative: SDXL_NEG,
      notes: "~64 tokens, close to the budget. CFG 5, 30 steps.",
    },
  },
  {
    name: "creative vision guide (one label per line), the model adds a greeting anyway",
    model: "gemma3:4b",
    target: "flux",
    requireLabel: true,
    raw:
      `Wonderful, I think we've got it!\n\nPROMPT: ${HARBOR}\nNOTES: Next, try the same harbor at sunrise.`,
    expect: {
      positive: HARBOR,
      negative: null,
      notes: "Wonderful, I think we've got it!\nNext, try the same harbor at sunrise.",
    },
  },
  {
    name: "2,000 spaces before each label (a runaway indent)",
    model: "llama3.2:1b",
    target: "sdxl",
    raw: `${" ".repeat(2000)}POSITIVE: ${SAMURAI_TAGS}\n${" ".repeat(2000)}NEGATIVE: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG, labeled: true },
  },
  {
    name: "a run of spaces in the middle of the tags",
    model: "llama3.2:1b",
    target: "sdxl",
    raw: `POSITIVE: masterpiece, lone samurai,${" ".repeat(20_000)}rain\nNEGATIVE: blurry`,
    expect: { positive: "masterpiece, lone samurai, rain", negative: "blurry" },
  },
  {
    name: "the label written twice: Positive: Positive: …",
    model: "phi3:mini",
    target: "sdxl",
    raw: `Positive: Positive: ${SAMURAI_TAGS}\nNegative: Negative: ${SDXL_NEG}`,
    expect: { positive: SAMURAI_TAGS, negative: SDXL_NEG },
  },
  {
    name: "numbered variations, each with a POSITIVE and NEGATIVE line",
    model: "qwen2.5:3b",
    target: "sdxl",
    raw:
      "1. POSITIVE: red fox, snow, dawn\n   NEGATIVE: blurry\n2. POSITIVE: red fox, snow, night\n   NEGATIVE: lowres",
    expect: {
      positive: "red fox, snow, dawn",
      negative: "blurry",
      alternates: ["red fox, snow, night"],
    },
  },
  {
    name: "Japanese labels on one line with full-width colons",
    model: "qwen3:4b",
    target: "sdxl",
    raw: "プロンプト：夕暮れの港, 木造の漁船 ネガティブプロンプト：ぼやけ, 低品質",
    expect: { positive: "夕暮れの港, 木造の漁船", negative: "ぼやけ, 低品質" },
  },
];
