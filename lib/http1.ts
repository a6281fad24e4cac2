/**
 * A plain HTTP/1.1 request over its own TCP connection, read a network read at a time into one
 * reused buffer. Used for the one hot path, Ollama's streamed `/api/chat`: compared with fetch it
 * saves the web-stream machinery, a transferred ArrayBuffer and about 2 KB of garbage per token.
 * Each request opens a connection and asks the server to close it afterwards (`Connection:
 * close`), so nothing is pooled and nothing outlives the request.
 */

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** Bytes read from the socket at a time. */
const READ_BYTES = 16 * 1024;
/** Longest response head accepted. */
const MAX_HEAD_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/** A response whose framing could not be understood. */
export class Http1ProtocolError extends Error {
  constructor(message: string) {
    super(`Malformed HTTP response: ${message}`);
    this.name = "Http1ProtocolError";
  }
}

const enum Step {
  Size,
  Extension,
  Data,
  DataEnd,
  Trailer,
  Done,
}

/**
 * Undoes HTTP/1.1 body framing (chunked, a Content-Length, or until the connection closes) on
 * bytes as they arrive; the body comes out as views of the input, without copying.
 */
export class BodyFramer {
  #mode: "chunked" | "length" | "close";
  #step: Step = Step.Size;
  #size = 0;
  #digits = 0;
  #remaining = 0;
  #lineLength = 0;

  constructor(mode: "chunked" | "length" | "close", length = 0) {
    this.#mode = mode;
    if (mode === "length") {
      this.#remaining = length;
      this.#step = length === 0 ? Step.Done : Step.Data;
    } else if (mode === "close") this.#step = Step.Data;
  }

  /** Whether the whole body has been seen. */
  get done(): boolean {
    return this.#step === Step.Done;
  }

  /** Whether the body may end with the connection (only unframed bodies may). */
  get endsWithConnection(): boolean {
    return this.#mode === "close";
  }

  /** Appends the body bytes found in `bytes` to `out`. */
  push(bytes: Uint8Array, out: Uint8Array[]): void {
    let i = 0;
    while (i < bytes.length && this.#step !== Step.Done) {
      if (this.#step === Step.Data) {
        if (this.#mode === "close") {
          out.push(bytes.subarray(i));
          return;
        }
        const n = Math.min(this.#remaining, bytes.length - i);
        out.push(bytes.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) {
          this.#step = this.#mode === "chunked" ? Step.DataEnd : Step.Done;
        }
        continue;
      }
      const byte = bytes[i++]!;
      switch (this.#step) {
        case Step.Size: {
          const digit = hexValue(byte);
          if (digit >= 0) {
            if (++this.#digits > 12) throw new Http1ProtocolError("chunk size too large");
            this.#size = this.#size * 16 + digit;
          } else if (byte === 0x3b /* ; */ && this.#digits) this.#step = Step.Extension;
          else if (byte === 0x0d /* \r */ && this.#digits) this.#step = Step.Extension;
          else if (byte === 0x0a /* \n */ && this.#digits) this.#endSize();
          else if ((byte === 0x20 || byte === 0x09) && this.#digits) this.#step = Step.Extension;
          else throw new Http1ProtocolError("bad chunk size");
          break;
        }
        case Step.Extension:
          if (byte === 0x0a) this.#endSize();
          break;
        case Step.DataEnd:
          if (byte === 0x0a) this.#step = Step.Size;
          else if (byte !== 0x0d) throw new Http1ProtocolError("chunk data longer than its size");
          break;
        case Step.Trailer:
          if (byte === 0x0a) {
            if (this.#lineLength === 0) this.#step = Step.Done;
            this.#lineLength = 0;
          } else if (byte !== 0x0d) this.#lineLength++;
          break;
      }
    }
  }

  #endSize(): void {
    if (this.#size === 0) {
      this.#step = Step.Trailer;
      this.#lineLength = 0;
    } else {
      this.#remaining = this.#size;
      this.#step = Step.Data;
    }
    this.#size = 0;
    this.#digits = 0;
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/** Where the head ends (the index after its blank line), or -1 when it has not arrived yet. */
function headEnd(bytes: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (bytes[i] === 0x0a) {
      if (bytes[i - 1] === 0x0a) return i + 1;
      if (bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a) return i + 1;
    }
  }
  return -1;
}

function parseHead(text: string): { status: number; headers: Headers } {
  const lines = text.split(/\r?\n/);
  const match = /^HTTP\/(1\.[01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!match) throw new Http1ProtocolError(`bad status line ${JSON.stringify(lines[0])}`);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Http1ProtocolError(`bad header line ${JSON.stringify(line)}`);
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      throw new Http1ProtocolError(`bad header line ${JSON.stringify(line)}`);
    }
  }
  return { status: Number(match[2]), headers };
}

/** The response to `http1Request`: status and headers, then the body a network read at a time. */
export class Http1Response {
  readonly status: number;
  readonly headers: Headers;
  #conn: Deno.TcpConn;
  #buffer: Uint8Array;
  #framer: BodyFramer;
  #pending: Uint8Array | null;
  #signal: AbortSignal | undefined;
  #onClose: () => void;
  #closed = false;

  constructor(
    conn: Deno.TcpConn,
    head: { status: number; headers: Headers },
    buffer: Uint8Array,
    rest: Uint8Array | null,
    framer: BodyFramer,
    signal: AbortSignal | undefined,
    onClose: () => void,
  ) {
    this.#conn = conn;
    this.#onClose = onClose;
    this.status = head.status;
    this.headers = head.headers;
    this.#buffer = buffer;
    this.#pending = rest;
    this.#framer = framer;
    this.#signal = signal;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /**
   * The body bytes of the next network read (possibly none), or null once the body is complete.
   * The views are only valid until the next call: decode them at once.
   */
  async read(): Promise<Uint8Array[] | null> {
    const out: Uint8Array[] = [];
    if (this.#pending) {
      const rest = this.#pending;
      this.#pending = null;
      this.#framer.push(rest, out);
      if (out.length) return out;
    }
    if (this.#framer.done) {
      this.close();
      return null;
    }
    if (this.#closed) throw this.#signal?.reason ?? new Http1ProtocolError("connection closed");
    let n: number | null;
    try {
      n = await this.#conn.read(this.#buffer);
    } catch (err) {
      this.close();
      if (this.#signal?.aborted) throw this.#signal.reason;
      throw err;
    }
    if (this.#signal?.aborted) {
      this.close();
      throw this.#signal.reason;
    }
    if (n === null) {
      this.close();
      if (this.#framer.endsWithConnection) return null;
      throw new Http1ProtocolError("the connection closed before the body ended");
    }
    this.#framer.push(this.#buffer.subarray(0, n), out);
    return out;
  }

  /** The rest of the body as text (error bodies). */
  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    for (let pieces = await this.read(); pieces; pieces = await this.read()) {
      for (const piece of pieces) text += decoder.decode(piece, { stream: true });
    }
    return text + decoder.decode();
  }

  /** Closes the connection; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** How long resolved addresses are reused: a lookup costs about 0.1 ms, on every generation. */
const RESOLVE_TTL_MS = 10_000;
const resolved = new Map<string, { at: number; addresses: string[] }>();

async function systemLookup(hostname: string): Promise<string[]> {
  return (await lookup(hostname, { all: true })).map((a) => a.address);
}

/**
 * Every address a host name has, in the system's order (hosts file included). `localhost` is
 * often ::1 first while Ollama listens on 127.0.0.1 only, so each address must be tried, as
 * fetch does.
 */
async function addressesOf(
  hostname: string,
  find: (hostname: string) => Promise<string[]>,
): Promise<string[]> {
  if (isIP(hostname)) return [hostname];
  const hit = resolved.get(hostname);
  if (hit && performance.now() - hit.at < RESOLVE_TTL_MS) return hit.addresses;
  const addresses = await find(hostname);
  if (!addresses.length) throw new Error(`${hostname} has no address`);
  resolved.set(hostname, { at: performance.now(), addresses });
  return addresses;
}

/** What `http1Request` sends. */
export interface Http1Init {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborting closes the connection; the pending call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** For tests: how to find a host name's addresses. */
  lookup?: (hostname: string) => Promise<string[]>;
}

/**
 * Sends one request over a new connection and returns once the response head has arrived.
 * Failing to connect is a TypeError, as with fetch, so callers treat both clients alike.
 */
export async function http1Request(url: URL, init: Http1Init): Promise<Http1Response> {
  if (url.protocol !== "http:") throw new TypeError(`http1Request only speaks http:, not ${url}`);
  const signal = init.signal;
  signal?.throwIfAborted();
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 80);
  let conn: Deno.TcpConn | undefined;
  let failure: unknown;
  try {
    for (const address of await addressesOf(hostname, init.lookup ?? systemLookup)) {
      try {
        conn = await Deno.connect({ hostname: address, port, transport: "tcp" });
        break;
      } catch (err) {
        failure = err;
      }
    }
  } catch (err) {
    failure = err;
  }
  if (!conn) {
    throw new TypeError(
      `error sending request for url (${url}): ${
        failure instanceof Error ? failure.message : failure
      }`,
    );
  }
  const onAbort = () => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  if (signal?.aborted) {
    onAbort();
    throw signal.reason;
  }
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const body = encoder.encode(init.body ?? "");
    const lines = [
      `${init.method} ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      "Connection: close",
      `Content-Length: ${body.length}`,
      ...Object.entries(init.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
    const request = new Uint8Array(head.length + body.length);
    request.set(head);
    request.set(body, head.length);
    for (let sent = 0; sent < request.length;) {
      sent += await conn.write(request.subarray(sent));
    }

    let buffer = new Uint8Array(READ_BYTES);
    let filled = 0;
    while (true) {
      let end = headEnd(buffer, filled);
      while (end < 0) {
        if (filled === buffer.length) {
          if (buffer.length >= MAX_HEAD_BYTES) {
            throw new Http1ProtocolError("response head too large");
          }
          const bigger = new Uint8Array(buffer.length * 2);
          bigger.set(buffer);
          buffer = bigger;
        }
        const n = await conn.read(buffer.subarray(filled));
        if (n === null) {
          throw new Http1ProtocolError("the connection closed before a response arrived");
        }
        filled += n;
        end = headEnd(buffer, filled);
      }
      let text = "";
      for (let i = 0; i < end; i++) text += String.fromCharCode(buffer[i]!);
      const parsed = parseHead(text);
      // Interim answers (100 Continue and the like) come before the real one.
      if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
        buffer.copyWithin(0, end, filled);
        filled -= end;
        continue;
      }
      const framer = framerFor(init.method, parsed);
      const rest = filled > end ? buffer.slice(end, filled) : null;
      if (buffer.length !== READ_BYTES) buffer = new Uint8Array(READ_BYTES);
      // The listener stays until the response is closed: aborting must end a pending read.
      return new Http1Response(
        conn,
        parsed,
        buffer,
        rest,
        framer,
        signal,
        () => signal?.removeEventListener("abort", onAbort),
      );
    }
  } catch (err) {
    signal?.removeEventListener("abort", onAbort);
    onAbort();
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}

function framerFor(
  method: string,
  head: { status: number; headers: Headers },
): BodyFramer {
  if (method === "HEAD" || head.status === 204 || head.status === 304) {
    return new BodyFramer("length", 0);
  }
  const encoding = head.headers.get("transfer-encoding")?.toLowerCase();
  if (encoding) {
    if (encoding.split(",").at(-1)!.trim() === "chunked") return new BodyFramer("chunked");
    return new BodyFramer("close");
  }
  const length = head.headers.get("content-length");
  if (length !== null) {
    if (!/^\d{1,15}$/.test(length.trim())) {
      throw new Http1ProtocolError(`bad Content-Length ${JSON.stringify(length)}`);
    }
    return new BodyFramer("length", Number(length.trim()));
  }
  return new BodyFramer("close");
}
