/** API routes a message may point to, and the command that shows the same thing. */
const ROUTES: [RegExp, (...groups: string[]) => string][] = [
  [
    /GET \/presets lists the (styles|artists|composition|lighting)( you can use)?/g,
    (kind) => `"promptsmith presets ${kind}" lists the ${kind} you can use`,
  ],
  [/GET \/api\/preset-packs lists them/g, () => `"promptsmith presets packs" lists them`],
  [
    /GET \/api\/categories\/([a-z0-9_]+)\/types(?:\/[a-z0-9_]+\/artists)? lists them/g,
    (cat) => `"promptsmith presets ${cat}" lists them`,
  ],
  [
    /GET \/api\/artists\/([a-z0-9_]+)\/[a-z0-9_/]+ lists them/g,
    (cat) => `"promptsmith presets ${cat}" lists the artists`,
  ],
  [/GET \/api\/categories lists them/g, () => `"promptsmith presets categories" lists them`],
  [/\(GET \/api\/targets\)/g, () => `("promptsmith presets targets" lists them)`],
  [/GET \/api\/targets lists[^;.)]*/g, () => `"promptsmith presets targets" lists them`],
];

/**
 * An app message as the command line says it: "GET /presets lists the styles" becomes the
 * command that lists them, and field names become the options that set them.
 */
export function forCommandLine(message: string): string {
  let out = message;
  for (const [pattern, command] of ROUTES) {
    out = out.replace(pattern, (_m, ...groups: string[]) => command(...groups));
  }
  return out
    .replace(/^model: /, "--target: ")
    .replace(/^(style|artist|composition|lighting): /, "--$1: ")
    .replace(/^selections\.pack: /, "--pack: ")
    .replace(/^ollama_model: /, "--ollama-model: ");
}
