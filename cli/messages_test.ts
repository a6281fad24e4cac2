import { equal } from "node:assert/strict";
import { forCommandLine } from "./messages.ts";

Deno.test("command-line errors name the options that set a field, not the API's field names", () => {
  equal(
    forCommandLine('style: unknown preset "Watercolour". Did you mean "Watercolor"?'),
    '--style: unknown preset "Watercolour". Did you mean "Watercolor"?',
  );
  equal(forCommandLine('selections.pack: unknown pack "nope"'), '--pack: unknown pack "nope"');
  equal(forCommandLine('model: unknown target "x"'), '--target: unknown target "x"');
  equal(
    forCommandLine("ollama_model: must be a model name"),
    "--ollama-model: must be a model name",
  );
});
