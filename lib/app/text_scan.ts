/**
 * Small text trims written as loops. The regular expressions they replace (`/[.,;]+$/`,
 * `/\s*\n\s*\/g`…) try every starting point of a long run and scan it to its end each time:
 * 1 MB of dots or spaces took seconds. These look at each character once.
 */

/** `text` without the characters at its end for which `drop` is true. */
export function trimEndWhere(text: string, drop: (char: string) => boolean): string {
  let end = text.length;
  while (end > 0 && drop(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** `text` without the characters at its start for which `drop` is true. */
export function trimStartWhere(text: string, drop: (char: string) => boolean): string {
  let start = 0;
  while (start < text.length && drop(text[start]!)) start++;
  return start === 0 ? text : text.slice(start);
}

/** A test for one character: whether it is in `chars`. */
export function oneOf(chars: string): (char: string) => boolean {
  return (char) => chars.includes(char);
}

/** Whether a character is white space (as `\s` and `String.prototype.trim` see it). */
export function isSpace(char: string): boolean {
  return char.trim() === "";
}

/** The text on one line: every run of white space that holds a line break becomes one space. */
export function joinLines(text: string): string {
  // Walks out from each line break by character code: no `\s*` pattern, no array per line.
  let nl = text.indexOf("\n");
  if (nl < 0) return text;
  const parts: string[] = [];
  let from = 0;
  while (nl >= 0) {
    let a = nl;
    while (a > from && isSpaceCode(text.charCodeAt(a - 1))) a--;
    let b = nl + 1;
    while (b < text.length && isSpaceCode(text.charCodeAt(b))) b++;
    parts.push(text.slice(from, a));
    from = b;
    nl = text.indexOf("\n", b);
  }
  parts.push(text.slice(from));
  return parts.join(" ");
}

/** Whether a UTF-16 code unit is white space, as `\s` sees it. */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The text without the white space before each comma or full stop. */
export function tightenPunctuation(text: string): string {
  const kept: string[] = [];
  let from = 0;
  let run = -1; // where the current run of white space started, or -1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isSpace(c)) {
      if (run < 0) run = i;
      continue;
    }
    if (run >= 0 && (c === "," || c === ".")) {
      kept.push(text.slice(from, run));
      from = i;
    }
    run = -1;
  }
  if (!kept.length) return text;
  kept.push(text.slice(from));
  return kept.join("");
}
