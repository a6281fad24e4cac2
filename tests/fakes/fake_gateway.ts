/**
 * A tiny OpenAI-compatible gateway, standing in for LiteLLM's proxy or a vLLM router in front of
 * several GPU hosts: its own key for clients, the hosts' keys kept to itself, `/v1/models` as the
 * union of what the hosts serve, and each chat completion sent to the next host (round robin over
 * the hosts that serve the model) with its stream piped back as it comes. A host that cannot be
 * reached is skipped for the next one, as LiteLLM's retries do; when none answers, a 503 in
 * OpenAI's error shape. A client that goes away ends the host's request too. It is a test fake:
 * the product has no balancer of its own.
 */

/** One GPU host behind the gateway. */
export interface GatewayHost {
  url: string;
  /** The key the host wants (vLLM `--api-key`); clients never see it. */
  apiKey?: string;
}

/** Settings of the gateway. */
export interface FakeGatewayOptions {
  hosts: GatewayHost[];
  /** The key clients must send (LiteLLM's master key). */
  apiKey?: string;
}

/** A running gateway and which host served each chat request. */
export interface FakeGateway {
  url: string;
  /** The host URL each chat completion went to, in order. */
  served: string[];
  close(): Promise<void>;
}

function error(status: number, message: string, type: string): Response {
  return Response.json({ error: { message, type, param: null, code: String(status) } }, {
    status,
  });
}

/** Starts the gateway on loopback. */
export function startFakeGateway(options: FakeGatewayOptions): FakeGateway {
  const served: string[] = [];
  let next = 0;

  function upstreamHeaders(host: GatewayHost, req: Request): Headers {
    const headers = new Headers({ "content-type": "application/json" });
    const accept = req.headers.get("accept");
    if (accept) headers.set("accept", accept);
    if (host.apiKey) headers.set("authorization", `Bearer ${host.apiKey}`);
    return headers;
  }

  async function modelsOf(host: GatewayHost, req: Request): Promise<Record<string, unknown>[]> {
    try {
      const res = await fetch(`${host.url}/v1/models`, {
        headers: upstreamHeaders(host, req),
        signal: AbortSignal.timeout(2000),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return [];
      }
      const body = await res.json();
      return Array.isArray(body?.data) ? body.data : [];
    } catch {
      return [];
    }
  }

  async function models(req: Request): Promise<Response> {
    const seen = new Map<string, Record<string, unknown>>();
    for (const list of await Promise.all(options.hosts.map((h) => modelsOf(h, req)))) {
      for (const m of list) if (typeof m.id === "string" && !seen.has(m.id)) seen.set(m.id, m);
    }
    return Response.json({ object: "list", data: [...seen.values()] });
  }

  async function chat(req: Request): Promise<Response> {
    const text = await req.text();
    let model: unknown;
    try {
      model = JSON.parse(text)?.model;
    } catch {
      return error(400, "the body is not JSON", "invalid_request_error");
    }
    // The hosts that serve the model, in round-robin order from the next one.
    const serving: GatewayHost[] = [];
    for (const host of options.hosts) {
      const list = await modelsOf(host, req);
      if (list.some((m) => m.id === model)) serving.push(host);
    }
    if (!serving.length) {
      return error(404, `model '${String(model)}' not found on any host`, "not_found_error");
    }
    const start = next++;
    for (let i = 0; i < serving.length; i++) {
      const host = serving[(start + i) % serving.length]!;
      let res: Response;
      try {
        // The client's signal: when it goes away, the host's request ends too.
        res = await fetch(`${host.url}/v1/chat/completions`, {
          method: "POST",
          headers: upstreamHeaders(host, req),
          body: text,
          signal: req.signal,
        });
      } catch (err) {
        if (req.signal.aborted) throw err;
        continue; // This host is down: the next one takes the request.
      }
      served.push(host.url);
      const headers = new Headers();
      const type = res.headers.get("content-type");
      if (type) headers.set("content-type", type);
      return new Response(res.body, { status: res.status, headers });
    }
    return error(503, "no host could be reached", "service_unavailable");
  }

  async function handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (options.apiKey && req.headers.get("authorization") !== `Bearer ${options.apiKey}`) {
      return error(401, "Authentication Error, invalid or missing key", "auth_error");
    }
    if (req.method === "GET" && path === "/v1/models") return await models(req);
    if (req.method === "POST" && path === "/v1/chat/completions") return await chat(req);
    return error(404, `Not Found: ${req.method} ${path}`, "invalid_request_error");
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    served,
    close: () => server.shutdown(),
  };
}
