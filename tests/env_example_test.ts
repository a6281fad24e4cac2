import { ok } from "node:assert/strict";
import { loadConfig, parseEnvText } from "../lib/app/config.ts";

Deno.test(".env.example parses and names every variable the README's table documents", async () => {
  const text = await Deno.readTextFile(new URL("../.env.example", import.meta.url));
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  loadConfig({ env: {}, envFiles: [text] });
  const documented = [...readme.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!);
  ok(documented.length >= 15);
  for (const name of documented) {
    if (name === "FLASK_PORT") continue;
    ok(text.includes(name), `.env.example mentions ${name}`);
  }
  ok(Object.keys(parseEnvText(text)).includes("LLM_URL"));
  // People with an older .env are told their names still work.
  for (const old of ["OLLAMA_URL", "OLLAMA_MODEL", "OLLAMA_TIMEOUT", "OLLAMA_STARTUP_CHECK"]) {
    ok(text.includes(old), `.env.example mentions ${old}`);
  }
});
