import { equal, throws } from "node:assert/strict";
import { ConfigError, loadConfig, normalizeLlmUrl } from "./config.ts";
import { defaultDataDir } from "./data_dir.ts";

Deno.test("loadConfig() uses the documented defaults", () => {
  const c = loadConfig({ env: { HOME: "/home/u" }, os: "linux" });
  equal(c.llmBackend, "auto");
  equal(c.llmUrl, "http://localhost:11434");
  equal(c.llmApiKey, undefined);
  equal(c.ollamaModel, "qwen3:latest");
  equal(c.llmTimeoutMs, 120_000);
  equal(c.llmStartupCheck, true);
  equal(c.kvUrl, undefined);
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
    [{ LLM_TIMEOUT: "0", OLLAMA_TIMEOUT: "5" }, /^LLM_TIMEOUT="0" is not a timeout/],
    [{ LLM_TOTAL_TIMEOUT: "soon" }, /^LLM_TOTAL_TIMEOUT="soon" is not a time limit/],
    [{ LLM_TOTAL_TIMEOUT: "0" }, /^LLM_TOTAL_TIMEOUT="0" is not a time limit/],
    [{ LLM_TOTAL_TIMEOUT: "100000" }, /^LLM_TOTAL_TIMEOUT="100000" is not a time limit/],
    [{ LLM_URL: "nope" }, /^LLM_URL="nope" is not a URL/],
    [{ LLM_URL: "http://me:pw@gpu:8000" }, /^LLM_URL must not hold a user name or password/],
    [{ LLM_BACKEND: "lmstudio" }, /^LLM_BACKEND="lmstudio" is not a backend: use ollama, openai/],
    [{ KV_URL: "kv.local" }, /^KV_URL="kv.local" is not a URL: use a form like http:\/\/kv-host/],
    [{ KV_URL: "http://kv:4512" }, /^KV_URL needs DENO_KV_ACCESS_TOKEN/],
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

Deno.test("normalizeLlmUrl() accepts the legacy Ollama forms and the /v1 forms servers print", () => {
  equal(normalizeLlmUrl("http://localhost:11434/api/generate"), "http://localhost:11434");
  equal(normalizeLlmUrl("http://gpu-box:11434/"), "http://gpu-box:11434");
  equal(normalizeLlmUrl("https://proxy.example/ollama/api/chat"), "https://proxy.example/ollama");
  equal(normalizeLlmUrl("http://localhost:1234/v1"), "http://localhost:1234");
  equal(normalizeLlmUrl("http://localhost:1234/v1/"), "http://localhost:1234");
  equal(normalizeLlmUrl("https://gw.example/llm/v1/chat/completions"), "https://gw.example/llm");
});

Deno.test("loadConfig(): LLM_URL wins over OLLAMA_URL, which is still honoured; the same for model, timeout and start-up check", () => {
  const legacy = loadConfig({
    env: {
      OLLAMA_URL: "http://old:11434",
      OLLAMA_MODEL: "llama3.2",
      OLLAMA_TIMEOUT: "30",
      OLLAMA_STARTUP_CHECK: "false",
    },
  });
  equal(legacy.llmUrl, "http://old:11434");
  equal(legacy.ollamaModel, "llama3.2");
  equal(legacy.llmTimeoutMs, 30_000);
  equal(legacy.llmStartupCheck, false);
  const both = loadConfig({
    env: {
      OLLAMA_URL: "http://old:11434",
      LLM_URL: "http://new:1234/v1",
      OLLAMA_MODEL: "llama3.2",
      LLM_MODEL: "gemma-3-4b-it",
      OLLAMA_TIMEOUT: "30",
      LLM_TIMEOUT: "45",
      OLLAMA_STARTUP_CHECK: "false",
      LLM_STARTUP_CHECK: "true",
    },
  });
  equal(both.llmUrl, "http://new:1234");
  equal(both.ollamaModel, "gemma-3-4b-it");
  equal(both.llmTimeoutMs, 45_000);
  equal(both.llmStartupCheck, true);
  // Names are resolved after the sources merge: the new name wins wherever it is set, even a
  // .env file's LLM_URL over the environment's OLLAMA_URL.
  equal(
    loadConfig({ env: { OLLAMA_URL: "http://old:11434" }, envFiles: ["LLM_URL=http://new:8080"] })
      .llmUrl,
    "http://new:8080",
  );
});

Deno.test("loadConfig(): LLM_BACKEND takes ollama, openai or auto in any case; LLM_API_KEY is trimmed", () => {
  equal(loadConfig({ env: { LLM_BACKEND: "OpenAI" } }).llmBackend, "openai");
  equal(loadConfig({ env: { LLM_BACKEND: " ollama " } }).llmBackend, "ollama");
  equal(loadConfig({ env: { LLM_BACKEND: "" } }).llmBackend, "auto");
  equal(loadConfig({ env: { LLM_API_KEY: " sk-local-123 " } }).llmApiKey, "sk-local-123");
});

Deno.test("loadConfig(): KV_URL with DENO_KV_ACCESS_TOKEN names a shared denokv; without KV_URL the token is ignored", () => {
  const c = loadConfig({
    env: { KV_URL: "http://kv.internal:4512/", DENO_KV_ACCESS_TOKEN: "t0ken-for-denokv" },
  });
  equal(c.kvUrl, "http://kv.internal:4512");
  equal(c.kvAccessToken, "t0ken-for-denokv");
  equal(loadConfig({ env: { DENO_KV_ACCESS_TOKEN: "x" } }).kvAccessToken, undefined);
});

Deno.test("defaultDataDir() follows each OS's convention", () => {
  equal(defaultDataDir("linux", { XDG_DATA_HOME: "/x" }, "/h"), "/x/promptsmith");
  equal(
    defaultDataDir("darwin", {}, "/Users/a"),
    "/Users/a/Library/Application Support/promptsmith",
  );
  equal(defaultDataDir("windows", { APPDATA: "C:\\AppData" }, "C:\\U"), "C:\\AppData/promptsmith");
});

Deno.test("loadConfig(): LLM_TOTAL_TIMEOUT limits one generation in all, 30 minutes unless set", () => {
  equal(loadConfig({ env: {} }).llmTotalTimeoutMs, 1_800_000);
  equal(loadConfig({ env: { LLM_TOTAL_TIMEOUT: "90" } }).llmTotalTimeoutMs, 90_000);
  equal(loadConfig({ env: { LLM_TOTAL_TIMEOUT: "0.5" } }).llmTotalTimeoutMs, 500);
});
