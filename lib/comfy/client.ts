import { oneOf, trimEndWhere } from "../app/text_scan.ts";
import { AppError } from "../app/errors.ts";
import type { ComfyGraph } from "./workflow.ts";

/** An image ComfyUI saved, as `/history` and `executed` events describe it. */
export interface ComfyImage {
  filename: string;
  subfolder: string;
  type: string;
}

/** Progress and outcome of a queued prompt. */
export interface ComfyEvents {
  onProgress?: (value: number, max: number) => void;
  onImages?: (images: ComfyImage[]) => void;
}

function unreachable(baseUrl: string): AppError {
  return new AppError(
    503,
    "ComfyUI unreachable",
    `Cannot reach ComfyUI at ${baseUrl}: start ComfyUI, or set its address on the ComfyUI page (or in COMFYUI_URL).`,
    "comfyui_unreachable",
  );
}

/** Client for the parts of the ComfyUI API we use: queue, websocket progress, history, view. */
export class ComfyClient {
  #baseUrl: string;
  #fetch: typeof fetch;

  constructor(baseUrl: string, options: { fetch?: typeof fetch } = {}) {
    this.#baseUrl = trimEndWhere(baseUrl, oneOf("/"));
    this.#fetch = options.fetch ?? fetch;
  }

  /** Where ComfyUI runs. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** Points the client somewhere else (the address was changed on the page); jobs under way keep theirs. */
  setBaseUrl(url: string): void {
    this.#baseUrl = trimEndWhere(url, oneOf("/"));
  }

  async #get(path: string, timeoutMs = 5000): Promise<Response> {
    try {
      return await this.#fetch(this.baseUrl + path, { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw unreachable(this.baseUrl);
    }
  }

  /** Whether ComfyUI answers, with its version. */
  async status(): Promise<{ reachable: boolean; version?: string }> {
    try {
      const body = await (await this.#get("/system_stats", 2000)).json();
      return { reachable: true, version: body?.system?.comfyui_version };
    } catch {
      return { reachable: false };
    }
  }

  /** Queues a graph; validation failures become a 400 listing each node's problems. */
  async queue(graph: ComfyGraph, clientId: string): Promise<string> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}/prompt`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: graph, client_id: clientId }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      throw unreachable(this.baseUrl);
    }
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      // ComfyUI answers some broken graphs with a plain-text 500.
    }
    if (res.ok && typeof body.prompt_id === "string") return body.prompt_id;
    const error = (body.error ?? {}) as { message?: string; details?: string };
    const nodes = Object.entries(
      (body.node_errors ?? {}) as Record<string, {
        class_type?: string;
        errors?: { message: string; details: string }[];
      }>,
    ).map(([node, e]) => ({
      node,
      class_type: e.class_type ?? "",
      problems: (e.errors ?? []).map((x) => `${x.message}${x.details ? `: ${x.details}` : ""}`),
    }));
    const perNode = nodes.map((n) => `node ${n.node} (${n.class_type}): ${n.problems.join("; ")}`)
      .join(" | ");
    const err = new AppError(
      res.status >= 500 ? 502 : 400,
      "ComfyUI refused the workflow",
      `${error.message ?? `ComfyUI answered ${res.status}`}${
        error.details && !perNode ? ` (${error.details})` : ""
      }${
        perNode ? `: ${perNode}` : ""
      }. Fix the workflow in ComfyUI, export it again (API format) and upload it.`,
      "comfyui_validation",
    );
    err.extra = { node_errors: nodes };
    throw err;
  }

  /** The finished entry of a prompt, or null while it is queued or running. */
  async history(promptId: string): Promise<
    { images: ComfyImage[]; ok: boolean; error?: string } | null
  > {
    const body = await (await this.#get(`/history/${encodeURIComponent(promptId)}`)).json();
    const entry = body?.[promptId];
    if (!entry) return null;
    const images: ComfyImage[] = [];
    for (const out of Object.values(entry.outputs ?? {}) as { images?: ComfyImage[] }[]) {
      for (const img of out.images ?? []) images.push(img);
    }
    const messages = (entry.status?.messages ?? []) as [string, Record<string, unknown>][];
    const failure = messages.find(([t]) => t === "execution_error")?.[1];
    return {
      images,
      ok: entry.status?.status_str !== "error",
      error: failure ? `${failure.node_type}: ${failure.exception_message}` : undefined,
    };
  }

  /**
   * Follows a prompt to the end over the websocket (progress and images as they come), falling
   * back to polling `/history` when the socket cannot be used.
   */
  async follow(
    promptId: string,
    socket: WebSocket | null,
    events: ComfyEvents,
    options: { signal?: AbortSignal; pollMs?: number; timeoutMs?: number } = {},
  ): Promise<{ images: ComfyImage[]; ok: boolean; error?: string }> {
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    if (socket && socket.readyState <= WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.removeEventListener("message", onMessage);
          socket.removeEventListener("close", done);
          resolve();
        };
        const onMessage = (e: MessageEvent) => {
          if (typeof e.data !== "string") return;
          let msg: { type?: string; data?: Record<string, unknown> };
          try {
            msg = JSON.parse(e.data);
          } catch {
            return;
          }
          const d = msg.data ?? {};
          if (d.prompt_id !== promptId) return;
          if (msg.type === "progress") events.onProgress?.(Number(d.value), Number(d.max));
          if (msg.type === "executed") {
            events.onImages?.(((d.output as { images?: ComfyImage[] })?.images) ?? []);
          }
          if (msg.type === "execution_error" || (msg.type === "executing" && d.node === null)) {
            done();
          }
        };
        socket.addEventListener("message", onMessage);
        socket.addEventListener("close", done);
        options.signal?.addEventListener("abort", done, { once: true });
      });
    }
    while (Date.now() < deadline && !options.signal?.aborted) {
      const result = await this.history(promptId);
      if (result) return result;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
    throw new AppError(
      504,
      "ComfyUI did not finish",
      "ComfyUI did not finish the image in time; check its console.",
      "comfyui_timeout",
    );
  }

  /** Opens the progress websocket, or null when it cannot be opened (polling is used then). */
  async connect(clientId: string): Promise<WebSocket | null> {
    const url = `${this.baseUrl.replace(/^http/, "ws")}/ws?clientId=${
      encodeURIComponent(clientId)
    }`;
    try {
      const ws = new WebSocket(url);
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error("websocket failed"));
        setTimeout(() => reject(new Error("websocket timeout")), 3000);
      });
      return ws;
    } catch {
      return null;
    }
  }

  /** An image's bytes from `/view`. */
  async view(image: ComfyImage): Promise<Response> {
    const params = new URLSearchParams({
      filename: image.filename,
      subfolder: image.subfolder,
      type: image.type,
    });
    return await this.#get(`/view?${params}`, 30_000);
  }
}
