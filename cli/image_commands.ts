import { settingRows } from "../lib/images/generation_settings.ts";
import { readImageReport } from "../lib/images/read_image.ts";
import { findTarget } from "../lib/prompt/plans.ts";
import { parseArgs, UsageError } from "./args.ts";
import { failure, out, withServices } from "./commands.ts";
import { readPicture } from "./read_picture.ts";

/** Help for `read-image`. */
export const READ_IMAGE_HELP = `promptsmith read-image: print the prompt a picture carries, no LLM.

Usage: promptsmith read-image <file> [options]

Reads what A1111/Forge (PNG, JPEG, WebP) and ComfyUI (PNG) write into their images: the prompt,
the negative prompt, and the seed, steps, sampler and model.

  --json          print the reading as JSON (with the ComfyUI graph as api_graph)
  --save          keep it in history, with a thumbnail
  --target ID     the target a saved reading is filed under (default flux)

Exit codes: 0 read (also when the picture carries no prompt), 2 not a picture we read.`;

const SOURCES = { a1111: "A1111/Forge parameters", comfyui: "a ComfyUI graph", none: "nothing" };

/** `read-image`: prints a picture's prompt, negative and settings. */
export async function readImageCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, {
    json: "switch",
    save: "switch",
    target: "value",
  }, "read-image");
  if (positional.length !== 1) {
    throw new UsageError(
      "read-image: give one picture, e.g. promptsmith read-image ComfyUI_00001_.png",
    );
  }
  const path = positional[0]!;
  const bytes = await readPicture(path, "read-image");
  return await withServices(async (services) => {
    try {
      const target = flags.save
        ? findTarget(services.targets, flags.target as string | undefined).id
        : null;
      const keep = target ? { history: services.history.use(), target } : undefined;
      const r = await readImageReport(services.images, bytes, { keep });
      if (flags.json) {
        out(`${JSON.stringify(r, null, 2)}\n`);
        return 0;
      }
      const { format, width, height } = r.image;
      out(`${path}: ${format.toUpperCase()} ${width}×${height}, carries ${SOURCES[r.source]}\n`);
      if (r.source === "none") {
        out(
          `${r.message}\nTo write a prompt from what it shows: promptsmith generate --image ${path}\n`,
        );
      } else {
        out(`\nPrompt:\n${r.positive}\n`);
        if (r.negative) out(`\nNegative prompt:\n${r.negative}\n`);
        const parts = settingRows(r.settings).map(([label, value]) => `${label} ${value}`);
        if (parts.length) out(`\n${parts.join(" · ")}\n`);
      }
      for (const w of r.warnings) out(`Note: ${w}\n`);
      if (r.history_id !== null) out(`Saved to history as #${r.history_id}.\n`);
      return 0;
    } catch (err) {
      throw failure(err);
    }
  });
}
