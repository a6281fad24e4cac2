import { equal, throws } from "node:assert/strict";
import { ConfigError, loadConfig, normalizeOllamaUrl } from "./config.ts";
import { defaultDataDir } from "./data_dir.ts";

Deno.test("loadConfig() uses the documented defaults", () => {
  const c = loadConfig({ env: { HOME: "/home/u" }, os: "linux" });
  equal(c.ollamaUrl, "http://localhost:11434");
  equal(c.ollamaModel, "qwen3:latest");
  equal(c.ollamaTimeoutMs, 120_000);
  equal(c.host, "127.0.0.1");
  equal(c.port, 5000);
  equal(c.portExplicit, false);
  equal(c.dataDir, "/home/u/.local/share/promptsmith");
  equal(c.logLevel, "INFO");
  equal(c.enableHierarchicalPresets, true);
  equal(c.enableNsfwPresets, false);
  equal(c.adminApiKey, undefined);
  equal(loadConfig({ env: { ADMIN_API_KEY: " s3cret " } }).adminApiKey, "s3cret");
});

Deno.test("loadConfig() lets the environment win over .env files, and flags over both", () => {
  const c = loadConfig({
    env: { PORT: "6000" },
    envFiles: [
      "PORT=7000\nOLLAMA_MODEL=llama3.2\n# comment\n",
      "LOG_LEVEL=debug\nAUTH_TOKEN=0123456789abcdef",
    ],
    flags: { host: "0.0.0.0" },
  });
  equal(c.port, 6000);
  equal(c.ollamaModel, "llama3.2");
  equal(c.logLevel, "DEBUG");
  equal(c.host, "0.0.0.0");
  equal(loadConfig({ env: { PORT: "6000" }, flags: { port: 8080 } }).port, 8080);
});

Deno.test("loadConfig() accepts FLASK_PORT as an alias of PORT", () => {
  const c = loadConfig({ env: { FLASK_PORT: "5050" } });
  equal(c.port, 5050);
  equal(c.portExplicit, true);
});

Deno.test("loadConfig() rejects bad values with one line naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "abc" }, /^PORT="abc" is not a port number/],
    [{ PORT: "70000" }, /^PORT="70000"/],
    [{ OLLAMA_URL: "not a url" }, /^OLLAMA_URL="not a url" is not a URL/],
    [{ OLLAMA_URL: "ftp://x" }, /must start with http/],
    [{ OLLAMA_TIMEOUT: "-1" }, /^OLLAMA_TIMEOUT/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL="loud"/],
    [{ OLLAMA_STARTUP_CHECK: "maybe" }, /^OLLAMA_STARTUP_CHECK="maybe" is not a yes\/no value/],
    [{ HOST: "0.0.0.0" }, /^HOST="0.0.0.0" lets other machines in, so AUTH_TOKEN must be set/],
    [{ AUTH_TOKEN: "short" }, /^AUTH_TOKEN is too short/],
    [{ MAX_GENERATIONS_PER_CLIENT: "0" }, /^MAX_GENERATIONS_PER_CLIENT="0"/],
  ];
  for (const [env, message] of cases) {
    throws(
      () => loadConfig({ env }),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
    );
  }
});

Deno.test("normalizeOllamaUrl() accepts the legacy /api/generate form", () => {
  equal(normalizeOllamaUrl("http://localhost:11434/api/generate"), "http://localhost:11434");
  equal(normalizeOllamaUrl("http://gpu-box:11434/"), "http://gpu-box:11434");
  equal(
    normalizeOllamaUrl("https://proxy.example/ollama/api/chat"),
    "https://proxy.example/ollama",
  );
});

Deno.test("defaultDataDir() follows each OS's convention", () => {
  equal(defaultDataDir("linux", { XDG_DATA_HOME: "/x" }, "/h"), "/x/promptsmith");
  equal(
    defaultDataDir("darwin", {}, "/Users/a"),
    "/Users/a/Library/Application Support/promptsmith",
  );
  equal(defaultDataDir("windows", { APPDATA: "C:\\AppData" }, "C:\\U"), "C:\\AppData/promptsmith");
});
