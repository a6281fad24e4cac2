/**
 * Compatibility with the original app, part 2: generation, chat, personas and history, replayed
 * over HTTP with every body and query shape the original documents (its page's payloads, its
 * tests' payloads, its scripts'), checking the keys its clients read. The last test pins the
 * deliberate differences the README lists.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type CompatServer, hasKeys, sseEvents, startCompatServer } from "./compat_helpers.ts";

type Json = Record<string, unknown>;

/** What the original page sends for a hierarchical pick with every universal select set. */
const ORIGINAL_PAGE_SELECTIONS = {
  level1: "photography",
  level2: "portrait",
  level3: "annie_leibovitz",
  universal: {
    mood: ["dramatic", "elegant"],
    time_of_day: "golden_hour",
    lighting: "rim_lighting",
    weather_atmosphere: "foggy",
    color_palette: "warm_tones",
    camera_effects: ["bokeh", "film_grain"],
  },
};

/** The same pick in our own keys. */
const OUR_SELECTIONS = {
  category: "photography",
  type: "portrait",
  artist: "annie_leibovitz",
  universal: {
    mood: ["dramatic", "elegant"],
    time_of_day: "golden_hour",
    lighting: "rim_lighting",
    weather: "foggy",
    color_palette: "warm_tones",
    camera_effects: ["bokeh", "film_grain"],
  },
};

async function json(res: Response, status: number, where: string): Promise<Json> {
  const text = await res.text();
  equal(res.status, status, `${where}: ${text.slice(0, 300)}`);
  equal(res.headers.get("content-type"), "application/json", where);
  return JSON.parse(text);
}

/** The user message the LLM was sent for a body, without calling it. */
async function plannedUserMessage(s: CompatServer, path: string, body: Json): Promise<string> {
  const plan = await json(await s.postJson(path, { ...body, dry_run: true }), 200, "dry run");
  const messages = plan.messages as { role: string; content: string }[];
  return messages[messages.length - 1]!.content;
}

function lastLlmRequest(s: CompatServer): Json {
  const all = s.app.fake.chatRequests();
  ok(all.length > 0, "the LLM was called");
  return all[all.length - 1]!;
}

function lastUserContent(s: CompatServer): string {
  const messages = lastLlmRequest(s).messages as { role: string; content: string }[];
  return messages[messages.length - 1]!.content;
}

async function newestHistory(s: CompatServer): Promise<Json> {
  const body = await json(await s.call("/history?limit=1"), 200, "history");
  return (body.history as Json[])[0]!;
}

Deno.test("compat: /generate takes every body shape of the original", async (t) => {
  const s = await startCompatServer();
  try {
    await t.step("the original test's body: legacy names, all None", async () => {
      const body = await json(
        await s.postJson("/generate", {
          input: "a warrior in a forest",
          model: "flux",
          style: "None",
          artist: "None",
          composition: "None",
          lighting: "None",
        }),
        200,
        "/generate",
      );
      hasKeys(body, ["model", "result"], "/generate reply");
      equal(body.model, "flux");
      equal(typeof body.result, "string");
    });

    await t.step("input only: the model defaults to flux", async () => {
      const body = await json(await s.postJson("/generate", { input: "a fox" }), 200, "input");
      equal(body.model, "flux");
    });

    await t.step("legacy preset names reach the LLM as their text", async () => {
      const presets = await json(await s.call("/presets"), 200, "presets");
      const body = await json(
        await s.postJson("/generate", {
          input: "a lighthouse",
          model: "sdxl",
          ollama_model: "qwen3:latest",
          style: "Cinematic",
          artist: "None",
          composition: "Portrait",
          lighting: "Golden Hour",
        }),
        200,
        "legacy",
      );
      equal(body.model, "sdxl");
      const sent = lastUserContent(s);
      ok(sent.includes((presets.styles as Json).Cinematic as string), "style text sent");
      ok(sent.includes((presets.lighting as Json)["Golden Hour"] as string), "lighting sent");
      const row = await newestHistory(s);
      equal((row.presets as Json).style, "Cinematic");
      equal((row.presets as Json).artist, "None");
    });

    await t.step("the original page's hierarchical payload means what ours does", async () => {
      const theirs = await plannedUserMessage(s, "/generate", {
        input: "a woman posing",
        selections: ORIGINAL_PAGE_SELECTIONS,
      });
      const ours = await plannedUserMessage(s, "/generate", {
        input: "a woman posing",
        selections: OUR_SELECTIONS,
      });
      equal(theirs, ours);
      match(theirs, /Annie Leibovitz/);
      match(theirs, /fog/i);

      const body = await json(
        await s.postJson("/generate", {
          input: "a woman posing",
          model: "flux",
          ollama_model: "qwen3:latest",
          selections: ORIGINAL_PAGE_SELECTIONS,
        }),
        200,
        "hierarchical",
      );
      hasKeys(body, ["model", "result"], "reply");
      equal(lastUserContent(s), ours, "the whole pick reached the LLM");
      const presets = (await newestHistory(s)).presets as Json;
      deepEqual(presets.hierarchical, ORIGINAL_PAGE_SELECTIONS, "history keeps what was sent");
      deepEqual(presets.resolved, OUR_SELECTIONS, "and the resolved ids");
    });

    await t.step("a category alone, with the page's empty level2 and level3", async () => {
      const theirs = await plannedUserMessage(s, "/generate", {
        input: "a street",
        selections: { level1: "photography", level2: "", level3: "" },
      });
      const ours = await plannedUserMessage(s, "/generate", {
        input: "a street",
        selections: { category: "photography" },
      });
      equal(theirs, ours);
      match(theirs, /Photography/);
    });

    await t.step("level4 and level5 are technical and specifics", async () => {
      const theirs = await plannedUserMessage(s, "/generate", {
        input: "a portrait",
        selections: {
          level1: "photography",
          level2: "portrait",
          level3: "irving_penn",
          level4: { lens: "85mm_portrait" },
          level5: { expression: "pensive" },
        },
      });
      const ours = await plannedUserMessage(s, "/generate", {
        input: "a portrait",
        selections: {
          category: "photography",
          type: "portrait",
          artist: "irving_penn",
          technical: { lens: "85mm_portrait" },
          specifics: { expression: "pensive" },
        },
      });
      equal(theirs, ours);
      match(theirs, /85mm/);
    });

    await t.step("a pack's level1…level3, sent back as the original page does", async () => {
      const packs = (await json(await s.call("/api/preset-packs"), 200, "packs")).packs as Json[];
      for (const pack of packs) {
        const sel = pack.selections as Json;
        const body = { level1: sel.level1, level2: sel.level2, level3: sel.level3 };
        await json(
          await s.postJson("/generate", { input: "x", selections: body, dry_run: true }),
          200,
          `pack ${pack.id}`,
        );
        // A client of ours may send the whole selections back, both key sets included.
        await json(
          await s.postJson("/generate", { input: "x", selections: sel, dry_run: true }),
          200,
          `pack ${pack.id} whole`,
        );
      }
    });

    await t.step("every option the original's groups list can be sent back", async () => {
      const u = (await json(await s.call("/api/universal-options"), 200, "universal"))
        .universal_options as Record<string, Record<string, Json[]>>;
      const ids = (list: Json[]) => list.map((o) => o.id as string);
      for (const id of ids(u.mood!.core!)) await sendUniversal(s, { mood: [id] });
      for (const id of ids(u.lighting!.core!)) await sendUniversal(s, { lighting: id });
      for (const id of ids(u.time_of_day!.options!)) await sendUniversal(s, { time_of_day: id });
      for (const id of ids(u.weather_atmosphere!.options!)) {
        await sendUniversal(s, { weather_atmosphere: id });
      }
      for (const id of ids(u.color_palettes!.options!)) {
        await sendUniversal(s, { color_palette: id });
        await sendUniversal(s, { color_palettes: id });
      }
      for (const id of ids(u.camera_effects!.options!)) {
        await sendUniversal(s, { camera_effects: [id] });
      }
    });

    await t.step('ollama_model "" means the default model', async () => {
      const body = await json(
        await s.postJson("/generate", { input: "a fox", ollama_model: "" }),
        200,
        "empty ollama_model",
      );
      equal(body.ollama_model, "qwen3:latest");
      equal(lastLlmRequest(s).model, "qwen3:latest");
    });

    await t.step("the original's 400s: no input, empty input, not JSON, empty body", async () => {
      for (
        const [what, init] of [
          ["no input", { body: JSON.stringify({ model: "flux", style: "None" }) }],
          ["empty input", { body: JSON.stringify({ input: "", model: "flux" }) }],
          ["blank input", { body: JSON.stringify({ input: "   " }) }],
          ["{}", { body: "{}" }],
          ["not JSON", { body: "not json", headers: { "content-type": "text/plain" } }],
          ["no body", { body: "" }],
        ] as [string, RequestInit][]
      ) {
        const res = await s.call("/generate", {
          method: "POST",
          headers: { "content-type": "application/json" },
          ...init,
        });
        const body = await json(res, 400, what);
        ok(body.error && body.message, what);
      }
    });
  } finally {
    await s.close();
  }
});

async function sendUniversal(s: CompatServer, universal: Json): Promise<void> {
  await json(
    await s.postJson("/generate", {
      input: "x",
      selections: { level1: "photography", universal },
      dry_run: true,
    }),
    200,
    JSON.stringify(universal),
  );
}

Deno.test("compat: an unknown selections key is a 400 naming it and the valid keys", async () => {
  const s = await startCompatServer();
  try {
    const cases: [Json, RegExp[]][] = [
      [{ level1: "photography", levl2: "portrait" }, [/levl2/, /level2/, /\btype\b/]],
      [{ category: "photography", mood: "dramatic" }, [/"?mood"?/, /universal/]],
      [
        { level1: "photography", universal: { weather_atmos: "foggy" } },
        [/weather_atmos\b/, /weather_atmosphere/, /color_palettes/, /\bweather\b/],
      ],
      [{ level1: "photography", universal: { constructor: "x" } }, [/constructor/, /mood/]],
    ];
    for (const [selections, patterns] of cases) {
      for (const path of ["/generate", "/chat"]) {
        const field = path === "/chat" ? "message" : "input";
        const body = await json(
          await s.postJson(path, { [field]: "x", selections }),
          400,
          `${path} ${JSON.stringify(selections)}`,
        );
        for (const p of patterns) match(body.message as string, p);
      }
    }
    // Both names for one level must agree.
    const clash = await json(
      await s.postJson("/generate", {
        input: "x",
        selections: { level1: "photography", category: "fantasy" },
      }),
      400,
      "clash",
    );
    match(clash.message as string, /level1/);
    match(clash.message as string, /category/);
    equal(s.app.fake.chatRequests().length, 0, "nothing reached the LLM");
    equal((await json(await s.call("/history"), 200, "history")).count, 0, "nothing saved");
  } finally {
    await s.close();
  }
});

Deno.test("compat: /generate-stream speaks the original's SSE", async (t) => {
  const s = await startCompatServer();
  try {
    await t.step("tokens, then done", async () => {
      const res = await s.postJson("/generate-stream", {
        input: "a fox",
        model: "sdxl",
        ollama_model: "",
        style: "None",
        artist: "None",
        composition: "None",
        lighting: "None",
      });
      equal(res.status, 200);
      match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      const events = await sseEvents(res);
      ok(events.length >= 2);
      for (const e of events.slice(0, -1)) equal(typeof e.token, "string", JSON.stringify(e));
      equal(events.at(-1)!.done, true);
      equal(events.filter((e) => "done" in e).length, 1);
    });

    await t.step("the original page's hierarchical payload, streamed", async () => {
      const res = await s.postJson("/generate-stream", {
        input: "a woman posing",
        model: "flux",
        selections: ORIGINAL_PAGE_SELECTIONS,
      });
      const events = await sseEvents(res);
      equal(events.at(-1)!.done, true);
      const presets = (await newestHistory(s)).presets as Json;
      deepEqual(presets.hierarchical, ORIGINAL_PAGE_SELECTIONS);
    });

    await t.step("an upstream error after tokens is an error event and no done", async () => {
      s.app.fake.set({ fault: "mid-error" });
      try {
        const events = await sseEvents(await s.postJson("/generate-stream", { input: "a fox" }));
        ok(events.some((e) => typeof e.token === "string"), "tokens came first");
        hasKeys(events.at(-1), ["error", "type"], "error event");
        ok(!events.some((e) => "done" in e));
      } finally {
        s.app.fake.set({ fault: "none" });
      }
    });

    await t.step("validation errors are JSON 400s before any stream", async () => {
      const body = await json(await s.postJson("/generate-stream", { input: "" }), 400, "empty");
      ok(body.error);
    });
  } finally {
    await s.close();
  }
});

Deno.test("compat: /chat, /chat-stream and /reset as the original's clients use them", async (t) => {
  const s = await startCompatServer();
  try {
    let cookie = "";
    await t.step("the original test's /chat body", async () => {
      const res = await s.postJson("/chat", {
        message: "make it more dramatic",
        model: "flux",
        style: "None",
        artist: "None",
        composition: "None",
        lighting: "None",
      });
      cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
      const body = await json(res, 200, "/chat");
      hasKeys(body, ["model", "result"], "/chat reply");
      const sent = lastLlmRequest(s).messages as { role: string }[];
      equal(sent[0]!.role, "system");
      ok(cookie, "a session cookie is set");
      ok(!cookie.includes("dramatic"), "the message never sits in the cookie");
    });

    await t.step("the next turn with the cookie continues the conversation", async () => {
      await json(
        await s.postJson("/chat", { message: "now at night", model: "flux" }, { cookie }),
        200,
        "turn 2",
      );
      const sent = lastLlmRequest(s).messages as { role: string; content: string }[];
      ok(sent.some((m) => m.role === "assistant"), "the previous reply is in the history");
      ok(sent.some((m) => m.content.includes("make it more dramatic")));
    });

    await t.step("the original page's chat payload with hierarchical picks", async () => {
      await json(
        await s.postJson("/chat", {
          message: "a portrait",
          model: "sdxl",
          ollama_model: "",
          selections: ORIGINAL_PAGE_SELECTIONS,
        }, { cookie }),
        200,
        "hierarchical chat",
      );
      match(lastUserContent(s), /Annie Leibovitz/);
      const row = await newestHistory(s);
      equal(row.mode, "chat");
      deepEqual((row.presets as Json).hierarchical, ORIGINAL_PAGE_SELECTIONS);
    });

    await t.step("/chat-stream ends with done", async () => {
      const events = await sseEvents(
        await s.postJson("/chat-stream", { message: "more fog", model: "flux" }, { cookie }),
      );
      equal(events.at(-1)!.done, true);
    });

    await t.step("/chat 400s", async () => {
      for (const body of [{ model: "flux" }, { message: "", model: "flux" }]) {
        ok((await json(await s.postJson("/chat", body), 400, JSON.stringify(body))).error);
      }
    });

    await t.step("/reset with no body, and with the page's {}", async () => {
      const bare = await json(
        await s.call("/reset", { method: "POST", headers: { cookie } }),
        200,
        "reset",
      );
      equal(bare.status, "reset");
      const page = await json(await s.postJson("/reset", {}, { cookie }), 200, "reset {}");
      equal(page.status, "reset");
    });
  } finally {
    await s.close();
  }
});

Deno.test("compat: the persona routes as the original's scripts call them", async (t) => {
  const s = await startCompatServer();
  try {
    await t.step("/persona-chat validation, message first", async () => {
      const noMessage = await json(
        await s.postJson("/persona-chat", { persona_id: "creative_vision_guide" }),
        400,
        "no message",
      );
      match(noMessage.message as string, /message/);
      const noPersona = await json(
        await s.postJson("/persona-chat", { message: "Hello" }),
        400,
        "no persona",
      );
      match(noPersona.message as string, /persona_id/);
      const unknown = await json(
        await s.postJson("/persona-chat", { message: "Hello", persona_id: "invalid_persona" }),
        404,
        "unknown persona",
      );
      equal(unknown.error, "Persona not found");
    });

    await t.step("/persona-chat answers {persona, result}", async () => {
      const body = await json(
        await s.postJson("/persona-chat", {
          message: "I want to create an image of a dragon",
          persona_id: "creative_vision_guide",
        }),
        200,
        "persona chat",
      );
      hasKeys(body, ["persona", "result"], "persona reply");
      equal(body.persona, "creative_vision_guide");
      equal((await newestHistory(s)).mode, "persona-chat");
    });

    await t.step("a persona with presets takes the page's payload", async () => {
      const body = await json(
        await s.postJson("/persona-chat", {
          message: "a knight",
          persona_id: "technical_engineer",
          model: "sdxl",
          ollama_model: "",
          style: "Cinematic",
          artist: "None",
          composition: "None",
          lighting: "None",
        }),
        200,
        "persona with presets",
      );
      equal(body.persona, "technical_engineer");
    });

    await t.step("/persona-chat-stream ends with done", async () => {
      const events = await sseEvents(
        await s.postJson("/persona-chat-stream", {
          message: "a dragon",
          persona_id: "quick_sketch",
        }),
      );
      equal(events.at(-1)!.done, true);
    });

    await t.step("/persona-reset with no body and with the page's {persona_id}", async () => {
      const bare = await json(await s.call("/persona-reset", { method: "POST" }), 200, "bare");
      equal(bare.message, "Persona conversation reset");
      const page = await json(
        await s.postJson("/persona-reset", { persona_id: "quick_sketch" }),
        200,
        "page",
      );
      equal(page.message, "Persona conversation reset");
    });
  } finally {
    await s.close();
  }
});

Deno.test("compat: /history and DELETE /history/:id", async (t) => {
  const s = await startCompatServer();
  try {
    for (const idea of ["a red fox", "a blue whale", "a green frog"]) {
      await json(await s.postJson("/generate", { input: idea }), 200, idea);
    }
    await t.step("the list, newest first, with the original's entry keys", async () => {
      const body = await json(await s.call("/history"), 200, "history");
      hasKeys(body, ["count", "history"], "/history");
      equal(body.count, 3);
      const rows = body.history as Json[];
      for (const row of rows) {
        hasKeys(row, [
          "id",
          "timestamp",
          "user_input",
          "generated_output",
          "model",
          "presets",
          "mode",
        ], "entry");
        equal(typeof row.presets, "object");
      }
      deepEqual(rows.map((r) => r.user_input), ["a green frog", "a blue whale", "a red fox"]);
    });

    await t.step("limit and q, as the original page and scripts send them", async () => {
      const limited = await json(await s.call("/history?limit=2"), 200, "limit");
      equal((limited.history as Json[]).length, 2);
      const found = await json(await s.call("/history?q=whale"), 200, "q");
      deepEqual((found.history as Json[]).map((r) => r.user_input), ["a blue whale"]);
      const both = await json(await s.call("/history?limit=50&q=fox"), 200, "both");
      equal(both.count, 1);
    });

    await t.step("a limit out of 1–200 is the original's 400", async () => {
      for (const limit of ["0", "201"]) {
        const body = await json(await s.call(`/history?limit=${limit}`), 400, limit);
        equal(body.error, "Invalid limit");
      }
    });

    await t.step("delete answers {id, status}, then 404", async () => {
      const id = ((await newestHistory(s)).id) as number;
      const del = await json(await s.call(`/history/${id}`, { method: "DELETE" }), 200, "del");
      deepEqual({ id: del.id, status: del.status }, { id, status: "deleted" });
      const again = await json(await s.call(`/history/${id}`, { method: "DELETE" }), 404, "again");
      ok(again.error);
    });
  } finally {
    await s.close();
  }
});

Deno.test("compat: with Ollama down the page's empty ollama_model gets the connection error", async () => {
  const s = await startCompatServer({ ollamaDown: true });
  try {
    for (const path of ["/generate", "/generate-stream"]) {
      const body = await json(
        await s.postJson(path, { input: "a fox", model: "flux", ollama_model: "" }),
        503,
        path,
      );
      equal(body.type, "connection_error");
      hasKeys(body, ["error", "message", "status", "type"], path);
    }
  } finally {
    await s.close();
  }
});

Deno.test("compat: the deliberate differences from the original hold", async (t) => {
  const s = await startCompatServer();
  try {
    await t.step("an unknown preset name is a 400 naming it", async () => {
      const body = await json(
        await s.postJson("/generate", { input: "x", style: "No Such Style" }),
        400,
        "unknown",
      );
      match(body.message as string, /No Such Style/);
    });

    await t.step("an adult preset name is a 400 while adult presets are off", async () => {
      const body = await json(
        await s.postJson("/generate", { input: "x", style: "Boudoir" }),
        400,
        "adult",
      );
      match(body.message as string, /ENABLE_NSFW_PRESETS/);
    });

    await t.step("an unknown target model is a 400 listing the targets", async () => {
      const body = await json(
        await s.postJson("/generate", { input: "x", model: "midjourney" }),
        400,
        "target",
      );
      match(body.message as string, /midjourney/);
      match(body.message as string, /flux/);
    });

    await t.step("an error before the first token is JSON with its status", async () => {
      const body = await json(
        await s.postJson("/generate-stream", { input: "x", ollama_model: "ghost:7b" }),
        404,
        "missing model",
      );
      equal(body.type, "model_not_found");
      match(body.message as string, /ollama pull ghost:7b/);
    });

    await t.step("limit=abc is a 400, not a silent 50", async () => {
      const body = await json(await s.call("/history?limit=abc"), 400, "limit=abc");
      equal(body.error, "Invalid limit");
    });
  } finally {
    await s.close();
  }
});
