/**
 * Compatibility with the original app, part 3: `POST /admin/reload-prompts`, its key handling
 * and its reply shapes, replayed as the original's test and docs call it.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { hasKeys, startCompatServer } from "./compat_helpers.ts";
import { copyFolder, startTestApp } from "./helpers.ts";
import { BUILTIN_PRESETS } from "../lib/presets/catalog.ts";

const KEY = "admin-key-for-tests-0123456789";
const FORBIDDEN = { success: false, error: "forbidden" };

type Json = Record<string, unknown>;

async function reply(res: Response, status: number, where: string): Promise<Json> {
  const text = await res.text();
  equal(res.status, status, `${where}: ${text}`);
  equal(res.headers.get("content-type"), "application/json", where);
  return JSON.parse(text);
}

function isForbidden(body: Json): void {
  deepEqual({ success: body.success, error: body.error }, FORBIDDEN);
  match(body.message as string, /^Unauthorized access to admin endpoint/);
}

Deno.test("compat: reload-prompts from loopback with no key set answers the original's reply", async () => {
  const s = await startCompatServer();
  try {
    const body = await reply(
      await s.call("/admin/reload-prompts", { method: "POST" }),
      200,
      "loopback",
    );
    hasKeys(body, ["success", "message", "reloaded", "timestamp"], "reload reply");
    equal(body.success, true);
    equal(body.message, "System prompts reloaded successfully");
    for (const name of ["flux", "sdxl", "flux_chat", "sdxl_chat"]) {
      ok((body.reloaded as string[]).includes(name), `reloaded lists ${name}`);
    }
    match(body.timestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    ok((body.personas as string[]).includes("creative_vision_guide"), "personas reloaded");
    hasKeys(body.presets, ["legacy", "categories", "packs"], "presets summary");
    const wrongMethod = await s.call("/admin/reload-prompts");
    equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("compat: with ADMIN_API_KEY set only the key opens reload-prompts, loopback too", async () => {
  const s = await startCompatServer({ env: { ADMIN_API_KEY: KEY } });
  try {
    const post = (query = "", headers: Record<string, string> = {}) =>
      s.call(`/admin/reload-prompts${query}`, { method: "POST", headers });
    isForbidden(await reply(await post(), 403, "no key"));
    isForbidden(await reply(await post("", { "X-Admin-API-Key": "wrong" }), 403, "wrong key"));
    isForbidden(await reply(await post("?admin_api_key=wrong"), 403, "wrong query key"));
    equal((await reply(await post("", { "X-Admin-API-Key": KEY }), 200, "header")).success, true);
    const query = `?admin_api_key=${encodeURIComponent(KEY)}`;
    equal((await reply(await post(query), 200, "query")).success, true);
  } finally {
    await s.close();
  }
});

Deno.test("compat: reload-prompts from another machine is the original's 403 unless the key is sent", async () => {
  // The original's own test: REMOTE_ADDR 203.0.113.10.
  const remote = { remoteAddr: { hostname: "203.0.113.10", port: 50000, transport: "tcp" } };
  const open = await startTestApp();
  try {
    const res = await open.app.request("/admin/reload-prompts", { method: "POST" }, remote);
    isForbidden(await reply(res, 403, "remote, no key configured"));
  } finally {
    await open.close();
  }
  const keyed = await startTestApp({ env: { ADMIN_API_KEY: KEY } });
  try {
    const denied = await keyed.app.request("/admin/reload-prompts", { method: "POST" }, remote);
    isForbidden(await reply(denied, 403, "remote, no key sent"));
    const allowed = await keyed.app.request(
      "/admin/reload-prompts",
      { method: "POST", headers: { "X-Admin-API-Key": KEY } },
      remote,
    );
    equal((await reply(allowed, 200, "remote with key")).success, true);
  } finally {
    await keyed.close();
  }
});

Deno.test("compat: AUTH_TOKEN applies to reload-prompts on top of the admin key", async () => {
  const token = "an-access-token-of-some-length";
  const s = await startCompatServer({ env: { AUTH_TOKEN: token, ADMIN_API_KEY: KEY } });
  try {
    const noToken = await s.call("/admin/reload-prompts", {
      method: "POST",
      headers: { "X-Admin-API-Key": KEY },
    });
    equal((await reply(noToken, 401, "no token")).type, "unauthorized");
    const both = await s.call("/admin/reload-prompts", {
      method: "POST",
      headers: { "X-Admin-API-Key": KEY, authorization: `Bearer ${token}` },
    });
    equal((await reply(both, 200, "token and key")).success, true);
    const tokenOnly = await s.call("/admin/reload-prompts", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    isForbidden(await reply(tokenOnly, 403, "token without key"));
  } finally {
    await s.close();
  }
});

Deno.test("compat: reload-prompts picks up preset edits at once and refuses a broken file", async () => {
  const dir = await Deno.makeTempDir();
  await copyFolder(BUILTIN_PRESETS, dir);
  const s = await startCompatServer({ builtinPresets: dir });
  try {
    const before = await reply(await s.call("/admin/reload-prompts", { method: "POST" }), 200, "1");
    const legacyPath = join(dir, "legacy.json");
    const legacy = JSON.parse(await Deno.readTextFile(legacyPath));
    legacy.styles["Reloaded Style"] = "reloaded style text";
    await Deno.writeTextFile(legacyPath, JSON.stringify(legacy));
    const after = await reply(await s.call("/admin/reload-prompts", { method: "POST" }), 200, "2");
    equal(
      (after.presets as Json).legacy,
      ((before.presets as Json).legacy as number) + 1,
      "the reply counts the new preset",
    );
    const presets = await reply(await s.call("/presets"), 200, "presets");
    equal((presets.styles as Json)["Reloaded Style"], "reloaded style text");

    await Deno.writeTextFile(legacyPath, "{ not json");
    const broken = await reply(
      await s.call("/admin/reload-prompts", { method: "POST" }),
      500,
      "broken",
    );
    equal(broken.success, false);
    equal(broken.error, "Failed to reload prompts");
    match(broken.message as string, /legacy\.json/);
    const still = await reply(await s.call("/presets"), 200, "presets after");
    equal((still.styles as Json)["Reloaded Style"], "reloaded style text", "last good kept");
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
