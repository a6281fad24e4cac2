/**
 * A fake self-hosted `denokv`: the KV Connect protocol that `Deno.openKv("http://…")` speaks.
 * The metadata exchange (`POST /` with the access token, answered with protocol version 2, one
 * strong endpoint and a data-path token that expires), then protobuf snapshot reads (key ranges,
 * limits, reverse) and atomic writes (versionstamp checks, set, delete, sum/min/max, expiry) over
 * `/v2/snapshot_read` and `/v2/atomic_write`, all in memory, keys compared as bytes as denokv does.
 * Queues are not served: an enqueue is refused with a 400, as a server without them would.
 */

/** Settings of the fake. */
export interface FakeDenoKvOptions {
  /** The token `denokv --access-token` was started with. */
  accessToken: string;
  port?: number;
}

/** One request the fake received. */
export interface DenoKvRequest {
  path: string;
  authorization: string | null;
  databaseId: string | null;
  version: string | null;
}

/** A running fake with its address, its request log and its stored keys. */
export interface FakeDenoKv {
  url: string;
  requests: DenoKvRequest[];
  /** How many live (unexpired) entries are stored. */
  size(): number;
  close(): Promise<void>;
}

interface Entry {
  key: Uint8Array;
  value: Uint8Array;
  encoding: number;
  versionstamp: Uint8Array;
  expireAt: number;
}

// Enum values of com.deno.kv.datapath (denokv's datapath.proto).
const SR_SUCCESS = 1;
const AW_SUCCESS = 1;
const AW_CHECK_FAILURE = 2;
const M_SET = 1;
const M_DELETE = 2;
const M_SUM = 3;
const M_MAX = 4;
const M_MIN = 5;
const VE_LE64 = 2;

/** Protobuf fields by number: varints as bigint, length-delimited values as bytes. */
type Fields = Map<number, (bigint | Uint8Array)[]>;

function readVarint(buf: Uint8Array, at: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  while (true) {
    if (at.i >= buf.length) throw new Error("truncated varint");
    const byte = buf[at.i++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error("varint too long");
  }
}

function decode(buf: Uint8Array): Fields {
  const fields: Fields = new Map();
  const at = { i: 0 };
  while (at.i < buf.length) {
    const tag = Number(readVarint(buf, at));
    const field = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Uint8Array;
    if (wire === 0) value = readVarint(buf, at);
    else if (wire === 2) {
      const length = Number(readVarint(buf, at));
      if (at.i + length > buf.length) throw new Error("truncated field");
      value = buf.subarray(at.i, at.i + length);
      at.i += length;
    } else if (wire === 1) {
      at.i += 8;
      continue;
    } else if (wire === 5) {
      at.i += 4;
      continue;
    } else throw new Error(`unsupported wire type ${wire}`);
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

function bytesOf(fields: Fields, n: number): Uint8Array {
  const v = fields.get(n)?.at(-1);
  return v instanceof Uint8Array ? v : new Uint8Array();
}

function intOf(fields: Fields, n: number): bigint {
  const v = fields.get(n)?.at(-1);
  return typeof v === "bigint" ? v : 0n;
}

function messagesOf(fields: Fields, n: number): Fields[] {
  return (fields.get(n) ?? []).filter((v) => v instanceof Uint8Array).map((v) => decode(v));
}

/** Writes protobuf messages field by field. */
class Writer {
  readonly #parts: number[] = [];

  varint(field: number, value: bigint | number): this {
    let v = BigInt(value);
    if (v === 0n) return this;
    this.#raw((field << 3) | 0);
    if (v < 0n) v += 1n << 64n;
    while (v >= 0x80n) {
      this.#parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#parts.push(Number(v));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#raw((field << 3) | 2);
    this.#raw(value.length);
    for (const b of value) this.#parts.push(b);
    return this;
  }

  #raw(n: number): void {
    while (n >= 0x80) {
      this.#parts.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.#parts.push(n);
  }

  done(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.#parts);
  }
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function le64(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new Error("an LE64 value must be 8 bytes");
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

function toLe64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return out;
}

/** Starts the fake on loopback. */
export function startFakeDenoKv(options: FakeDenoKvOptions): FakeDenoKv {
  const databaseId = crypto.randomUUID();
  const dataToken = `data-${crypto.randomUUID()}`;
  const store = new Map<string, Entry>();
  const requests: DenoKvRequest[] = [];
  let version = 0n;

  function live(now = Date.now()): Entry[] {
    for (const [k, e] of store) if (e.expireAt && e.expireAt <= now) store.delete(k);
    return [...store.values()].sort((a, b) => compare(a.key, b.key));
  }

  function nextVersionstamp(): Uint8Array {
    version++;
    const out = new Uint8Array(10);
    new DataView(out.buffer).setBigUint64(0, version, false);
    return out;
  }

  function protobuf(body: Uint8Array<ArrayBuffer>): Response {
    return new Response(body, { headers: { "content-type": "application/x-protobuf" } });
  }

  function snapshotRead(request: Fields): Response {
    const entries = live();
    const out = new Writer();
    for (const range of messagesOf(request, 1)) {
      const start = bytesOf(range, 1);
      const end = bytesOf(range, 2);
      const limit = Number(intOf(range, 3));
      const reverse = intOf(range, 4) !== 0n;
      let found = entries.filter((e) => compare(e.key, start) >= 0 && compare(e.key, end) < 0);
      if (reverse) found = found.reverse();
      if (limit > 0) found = found.slice(0, limit);
      const values = new Writer();
      for (const e of found) {
        values.bytes(
          1,
          new Writer().bytes(1, e.key).bytes(2, e.value).varint(3, e.encoding)
            .bytes(4, e.versionstamp).done(),
        );
      }
      out.bytes(1, values.done());
    }
    return protobuf(out.varint(4, 1).varint(8, SR_SUCCESS).done());
  }

  function atomicWrite(request: Fields): Response {
    if ((request.get(3) ?? []).length) {
      return new Response("this denokv does not serve queues (enqueue)", { status: 400 });
    }
    live();
    const failed: number[] = [];
    messagesOf(request, 1).forEach((check, index) => {
      const current = store.get(hex(bytesOf(check, 1)));
      const expected = bytesOf(check, 2);
      const ok = expected.length === 0
        ? current === undefined
        : current !== undefined && compare(current.versionstamp, expected) === 0;
      if (!ok) failed.push(index);
    });
    if (failed.length) {
      const out = new Writer().varint(1, AW_CHECK_FAILURE);
      for (const index of failed) out.varint(4, index);
      return protobuf(out.done());
    }
    const versionstamp = nextVersionstamp();
    for (const mutation of messagesOf(request, 2)) {
      const key = bytesOf(mutation, 1);
      const id = hex(key);
      const type = Number(intOf(mutation, 3));
      const valueFields = decode(bytesOf(mutation, 2));
      const data = bytesOf(valueFields, 1).slice();
      const encoding = Number(intOf(valueFields, 2));
      const expireAt = Number(intOf(mutation, 4));
      if (type === M_DELETE) {
        store.delete(id);
        continue;
      }
      if (type === M_SET) {
        store.set(id, { key: key.slice(), value: data, encoding, versionstamp, expireAt });
        continue;
      }
      if (type === M_SUM || type === M_MAX || type === M_MIN) {
        const given = le64(data);
        const old = store.get(id);
        const had = old && old.encoding === VE_LE64 ? le64(old.value) : undefined;
        const value = had === undefined
          ? given
          : type === M_SUM
          ? had + given
          : type === M_MAX
          ? (had > given ? had : given)
          : (had < given ? had : given);
        store.set(id, {
          key: key.slice(),
          value: toLe64(value),
          encoding: VE_LE64,
          versionstamp,
          expireAt,
        });
        continue;
      }
      return new Response(`unknown mutation type ${type}`, { status: 400 });
    }
    return protobuf(new Writer().varint(1, AW_SUCCESS).bytes(2, versionstamp).done());
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    requests.push({
      path: url.pathname,
      authorization: req.headers.get("authorization"),
      databaseId: req.headers.get("x-denokv-database-id"),
      version: req.headers.get("x-denokv-version"),
    });
    if (req.method !== "POST") return new Response("method not allowed", { status: 405 });
    if (url.pathname === "/") {
      if (req.headers.get("authorization") !== `Bearer ${options.accessToken}`) {
        return new Response("Unauthorized: the access token is not the one denokv runs with", {
          status: 401,
        });
      }
      const body = await req.json().catch(() => ({}));
      const versions: unknown = body?.supportedVersions ?? [1];
      if (!Array.isArray(versions) || !versions.includes(2)) {
        return new Response("no supported protocol version in common (this server speaks 2)", {
          status: 400,
        });
      }
      return Response.json({
        version: 2,
        databaseId,
        endpoints: [{ url: "/v2", consistency: "strong" }],
        token: dataToken,
        expiresAt: new Date(Date.now() + 60 * 60_000).toISOString(),
      });
    }
    if (req.headers.get("authorization") !== `Bearer ${dataToken}`) {
      return new Response("Unauthorized", { status: 401 });
    }
    if (req.headers.get("x-denokv-database-id") !== databaseId) {
      return new Response("unknown database", { status: 400 });
    }
    let message: Fields;
    try {
      message = decode(new Uint8Array(await req.arrayBuffer()));
    } catch (err) {
      return new Response(`invalid protobuf: ${(err as Error).message}`, { status: 400 });
    }
    if (url.pathname === "/v2/snapshot_read") return snapshotRead(message);
    if (url.pathname === "/v2/atomic_write") return atomicWrite(message);
    return new Response("not found", { status: 404 });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    handle,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    size: () => live().length,
    close: () => server.shutdown(),
  };
}
