const UTF8 = new TextDecoder("utf-8", { fatal: true });
const UTF8_LENIENT = new TextDecoder("utf-8");

/** Bytes as ISO 8859-1, one code point per byte (TextDecoder's "latin1" is really windows-1252). */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/**
 * Text that should be Latin-1 but that some tools write as UTF-8: what decodes as UTF-8 (ASCII
 * included) is taken as UTF-8, anything else as Latin-1.
 */
export function latin1OrUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

/** Bytes as UTF-8, with U+FFFD for what is not. */
export function utf8(bytes: Uint8Array): string {
  return UTF8_LENIENT.decode(bytes);
}

/** The text without the zero bytes C writers leave at its end. */
export function trimNul(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return text.slice(0, end);
}
