import { equal, match, ok } from "node:assert/strict";
import { TargetPicker } from "./target_picker.tsx";
import { renderFragment } from "./render.ts";
import { loadTargets } from "../lib/prompt/targets.ts";

const targets = loadTargets();

Deno.test("TargetPicker lists every target once, grouped by family, in one select", () => {
  const html = renderFragment(<TargetPicker targets={targets} selected="pony" />);
  equal([...html.matchAll(/<select /g)].length, 1);
  equal([...html.matchAll(/<option /g)].length, targets.length);
  for (const group of new Set(targets.map((t) => t.group))) {
    ok(html.includes(`<optgroup label="${group}">`), group);
  }
  match(html, /<option value="pony" selected/);
  match(html, /name="model"/);
});

Deno.test("TargetPicker selects a target named by an old id, and the first when none is", () => {
  match(renderFragment(<TargetPicker targets={targets} selected="sd3" />), /value="sd35" selected/);
  match(renderFragment(<TargetPicker targets={targets} />), /value="flux" selected/);
  match(
    renderFragment(<TargetPicker targets={targets} selected="dalle" />),
    /value="flux" selected/,
  );
});
