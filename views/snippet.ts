/**
 * A search snippet cut into plain text and the hits the store marked with `[[ ]]` (kept with
 * their marks). One forward scan: `/(\[\[.*?\]\])/` rescans to the line end from every `[[`
 * that is never closed.
 */
export function snippetParts(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  let at = 0;
  // The next `]]` and line break found so far (-1: none left); both only move forward.
  let close = 0;
  let nl = 0;
  while (at < text.length) {
    const open = text.indexOf("[[", at);
    if (open < 0) break;
    if (close >= 0 && close < open + 2) close = text.indexOf("]]", open + 2);
    if (close < 0) break;
    if (nl >= 0 && nl < open + 2) nl = text.indexOf("\n", open + 2);
    if (nl >= 0 && nl < close) {
      // A line break ends a hit, as `.` did.
      at = nl + 1;
      continue;
    }
    parts.push(text.slice(from, open), text.slice(open, close + 2));
    from = close + 2;
    at = from;
  }
  parts.push(text.slice(from));
  return parts;
}
