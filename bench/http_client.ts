/**
 * A minimal HTTP/1.1 client on raw sockets for the benchmark: keep-alive GETs, nothing else, so
 * the measuring side spends as little of the shared cores as it can (fetch costs several times
 * more per request than the routes it would measure).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One keep-alive connection that sends GETs one after another. */
export class RawConnection {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(1 << 20);
  #host: string;

  private constructor(conn: Deno.TcpConn, host: string) {
    this.#conn = conn;
    this.#host = host;
  }

  /** Opens a connection to host:port. */
  static async open(hostname: string, port: number): Promise<RawConnection> {
    const conn = await Deno.connect({ hostname, port });
    conn.setNoDelay(true);
    return new RawConnection(conn, `${hostname}:${port}`);
  }

  /** Sends a GET and reads the whole response; returns its status. */
  async get(path: string): Promise<number> {
    await this.#conn.write(encoder.encode(`GET ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n\r\n`));
    let got = 0;
    let need = -1;
    let status = 0;
    while (need < 0 || got < need) {
      if (got === this.#buf.length) {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      const n = await this.#conn.read(this.#buf.subarray(got));
      if (n === null) throw new Error(`connection closed while reading ${path}`);
      got += n;
      if (need < 0) {
        const end = indexOfHeadEnd(this.#buf, got);
        if (end < 0) continue;
        const head = decoder.decode(this.#buf.subarray(0, end));
        status = Number(head.slice(9, 12));
        const length = head.match(/\r\ncontent-length:\s*(\d+)/i);
        if (!length) throw new Error(`${path}: the benchmark client reads only sized bodies`);
        need = end + 4 + Number(length[1]);
      }
    }
    return status;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

function indexOfHeadEnd(buf: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i - 3;
  }
  return -1;
}

/**
 * Milliseconds for each of `paths`, sent in turn on one connection, after the first `warm` of them
 * unmeasured (those are then measured again, so a sequence that must not meet its own cached
 * answers passes 0).
 */
export async function sequentialLatencies(
  port: number,
  paths: string[],
  warm = 30,
): Promise<number[]> {
  const conn = await RawConnection.open("127.0.0.1", port);
  try {
    for (let i = 0; i < warm; i++) await conn.get(paths[i % paths.length]!);
    const times: number[] = [];
    for (const path of paths) {
      const t0 = performance.now();
      const status = await conn.get(path);
      times.push(performance.now() - t0);
      if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    }
    return times;
  } finally {
    conn.close();
  }
}

/** Requests per second over `seconds` from `connections` keep-alive connections in this process. */
export async function builtInLoad(
  port: number,
  path: string,
  seconds: number,
  connections: number,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    const conn = await RawConnection.open("127.0.0.1", port);
    try {
      while (performance.now() < until) {
        await conn.get(path);
        done++;
      }
    } finally {
      conn.close();
    }
  }));
  return done / ((performance.now() - t0) / 1000);
}

/** Runs `generations` one-shot generations against the app at `url`, `clients` at a time. */
export async function generateMany(url: string, generations: number, clients = 100): Promise<void> {
  let started = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (started < generations) {
      started++;
      const res = await fetch(`${url}/generate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: `memory run ${started}`, ollama_model: "llama3.2:latest" }),
      });
      await res.body?.cancel();
    }
  }));
}
