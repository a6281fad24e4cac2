import { deepEqual, equal } from "node:assert/strict";
import { own, setOwn } from "./own.ts";

Deno.test("own() finds only what the object itself holds, never Object.prototype's names", () => {
  const record: Record<string, number> = { a: 1 };
  for (const key of Object.getOwnPropertyNames(Object.prototype)) {
    equal(own(record, key), undefined);
  }
  equal(own(record, "a"), 1);
  equal(own(JSON.parse('{"constructor": 2}'), "constructor"), 2);
});

Deno.test("setOwn() stores __proto__ as a plain key, leaving the prototype alone", () => {
  const record: Record<string, string[]> = {};
  setOwn(record, "__proto__", ["x"]);
  equal(Object.getPrototypeOf(record), Object.prototype);
  deepEqual(Object.keys(record), ["__proto__"]);
  deepEqual(own(record, "__proto__"), ["x"]);
  deepEqual(JSON.parse(JSON.stringify(record)), JSON.parse('{"__proto__":["x"]}'));
});
