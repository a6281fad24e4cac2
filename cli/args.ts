/** A command-line mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** How a flag is read: a switch, one value, or a value that may repeat. */
export type FlagKind = "switch" | "value" | "list";

/** Parsed arguments: positional words and flag values by name (without dashes). */
export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | string[]>;
}

/** Parses `--name value`, `--name=value` and switches against the flags a command accepts. */
export function parseArgs(
  args: string[],
  spec: Record<string, FlagKind>,
  command: string,
): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const kind = spec[name];
    if (!kind) throw new UsageError(`${command}: unknown option --${name}; see ${command} --help`);
    if (kind === "switch") {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`${command}: --${name} needs a value`);
    }
    if (kind === "list") ((out.flags[name] ??= []) as string[]).push(value);
    else out.flags[name] = value;
  }
  return out;
}

/** Reads a whole-number flag within bounds. */
export function intFlag(
  value: unknown,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) {
    throw new UsageError(`--${name} "${s}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}
