import type { Target } from "../lib/prompt/targets.ts";
import { lookupTarget } from "../lib/prompt/targets.ts";

/** Targets in the order their groups first appear, each group in data order. */
function grouped(targets: Target[]): [string, Target[]][] {
  const groups = new Map<string, Target[]>();
  for (const t of targets) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  return [...groups];
}

/**
 * The target model picker: one select grouped by family, which stays one line at 390 px wide
 * however many targets there are, and posts `model` with or without JavaScript.
 */
export function TargetPicker(
  { targets, selected, id = "model" }: { targets: Target[]; selected?: string; id?: string },
) {
  const current = (selected && lookupTarget(targets, selected)?.id) || targets[0]?.id;
  return (
    <div class="field target-picker">
      <label for={id}>Target model</label>
      <select id={id} name="model">
        {grouped(targets).map(([group, items]) => (
          <optgroup label={group}>
            {items.map((t) => (
              <option value={t.id} selected={t.id === current} title={t.description}>
                {t.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
