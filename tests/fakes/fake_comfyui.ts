/**
 * A fake ComfyUI that speaks the API as the wire reference describes it: `POST /prompt` with
 * class and link validation and `node_errors`, the `/ws?clientId=` event sequence routed to the
 * prompt's own client, `/history/{id}` filled only after completion, `/view` serving PNG bytes.
 */

/** Node classes the fake knows, with their required inputs and whether they are outputs. */
const NODES: Record<string, { required: string[]; output?: boolean }> = {
  CheckpointLoaderSimple: { required: ["ckpt_name"] },
  CLIPTextEncode: { required: ["text", "clip"] },
  CLIPTextEncodeFlux: { required: ["clip", "clip_l", "t5xxl", "guidance"] },
  KSampler: {
    required: [
      "model",
      "seed",
      "steps",
      "cfg",
      "sampler_name",
      "scheduler",
      "positive",
      "negative",
      "latent_image",
      "denoise",
    ],
  },
  EmptyLatentImage: { required: ["width", "height", "batch_size"] },
  EmptySD3LatentImage: { required: ["width", "height", "batch_size"] },
  VAEDecode: { required: ["samples", "vae"] },
  SaveImage: { required: ["images", "filename_prefix"], output: true },
  PreviewImage: { required: ["images"], output: true },
  UNETLoader: { required: ["unet_name", "weight_dtype"] },
  DualCLIPLoader: { required: ["clip_name1", "clip_name2", "type"] },
  VAELoader: { required: ["vae_name"] },
  FluxGuidance: { required: ["conditioning", "guidance"] },
  BasicGuider: { required: ["model", "conditioning"] },
  RandomNoise: { required: ["noise_seed"] },
  KSamplerSelect: { required: ["sampler_name"] },
  BasicScheduler: { required: ["model", "scheduler", "steps", "denoise"] },
  SamplerCustomAdvanced: { required: ["noise", "guider", "sampler", "sigmas", "latent_image"] },
  ConditioningZeroOut: { required: ["conditioning"] },
  PrimitiveStringMultiline: { required: ["value"] },
};

/** The smallest valid PNG (1×1 pixel), served by `/view`. */
export const PNG_1X1 = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** A queued prompt as the fake keeps it. */
interface Job {
  id: string;
  number: number;
  graph: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  clientId: string;
  outputs: string[];
}

/** Options of the fake. */
export interface FakeComfyOptions {
  /** Sampler steps reported as `progress` events. */
  steps?: number;
  /** Milliseconds between steps. */
  stepMs?: number;
  /** Fail execution with `execution_error` on this node class. */
  failOn?: string;
}

/** A running fake ComfyUI with its address and what it received. */
export interface FakeComfy {
  url: string;
  port: number;
  /** Graphs posted to /prompt, in order. */
  prompts: Record<string, unknown>[];
  close(): Promise<void>;
}

function err(type: string, message: string, details: string, extra: Record<string, unknown> = {}) {
  return { type, message, details, extra_info: extra };
}

function isLink(v: unknown): boolean {
  return Array.isArray(v) && v.length === 2;
}

/** Validates a graph the way ComfyUI's `validate_prompt` reports problems. */
function validate(
  graph: Job["graph"],
): { error?: unknown; node_errors: Record<string, unknown>; outputs: string[] } {
  for (const [id, node] of Object.entries(graph)) {
    if (typeof node?.class_type !== "string") {
      return {
        error: err(
          "invalid_prompt",
          "Cannot execute because a node is missing the class_type property.",
          `Node ID '#${id}'`,
        ),
        node_errors: {},
        outputs: [],
      };
    }
    if (!NODES[node.class_type]) {
      return {
        error: err(
          "invalid_prompt",
          `Cannot execute because node ${node.class_type} does not exist.`,
          `Node ID '#${id}'`,
        ),
        node_errors: {},
        outputs: [],
      };
    }
  }
  const outputs = Object.entries(graph).filter(([, n]) => NODES[n.class_type]!.output).map(([id]) =>
    id
  );
  if (!outputs.length) {
    return {
      error: err("prompt_no_outputs", "Prompt has no outputs", ""),
      node_errors: {},
      outputs,
    };
  }
  const nodeErrors: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(graph)) {
    const errors: unknown[] = [];
    for (const input of NODES[node.class_type]!.required) {
      const v = node.inputs?.[input];
      if (v === undefined) {
        errors.push(
          err("required_input_missing", "Required input is missing", input, { input_name: input }),
        );
      } else if (Array.isArray(v)) {
        if (!isLink(v) || typeof v[0] !== "string" || !graph[v[0] as string]) {
          errors.push(
            err(
              "bad_linked_input",
              "Bad linked input, must be a length-2 list of [node_id, slot_index]",
              input,
              { input_name: input },
            ),
          );
        }
      }
    }
    if (
      node.class_type === "CheckpointLoaderSimple" &&
      node.inputs.ckpt_name !== "juggernautXL.safetensors"
    ) {
      errors.push(
        err(
          "value_not_in_list",
          "Value not in list",
          `ckpt_name: '${node.inputs.ckpt_name}' not in ['juggernautXL.safetensors']`,
          {
            input_name: "ckpt_name",
            received_value: node.inputs.ckpt_name,
          },
        ),
      );
    }
    if (errors.length) {
      nodeErrors[id] = { errors, dependent_outputs: outputs, class_type: node.class_type };
    }
  }
  if (Object.keys(nodeErrors).length) {
    const details = Object.values(nodeErrors).flatMap((n) =>
      (n as { errors: { message: string; details: string }[] }).errors.map((e) =>
        `${e.message}: ${e.details}`
      )
    ).join("\n");
    return {
      error: err("prompt_outputs_failed_validation", "Prompt outputs failed validation", details),
      node_errors: nodeErrors,
      outputs,
    };
  }
  return { node_errors: {}, outputs };
}

/** Starts the fake on a random loopback port. */
export function startFakeComfy(options: FakeComfyOptions = {}): FakeComfy {
  const steps = options.steps ?? 4;
  const stepMs = options.stepMs ?? 10;
  const sockets = new Map<string, WebSocket>();
  const history = new Map<string, unknown>();
  const files = new Map<string, Uint8Array>();
  const prompts: Record<string, unknown>[] = [];
  const queue: Job[] = [];
  let number = 0;
  let running = false;
  const shutdown = new AbortController();

  const send = (clientId: string, type: string, data: unknown) => {
    const ws = sockets.get(clientId);
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type, data }));
  };
  const broadcast = (type: string, data: unknown) => {
    for (const ws of sockets.values()) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type, data }));
    }
  };
  const status = () => ({
    status: { exec_info: { queue_remaining: queue.length + (running ? 1 : 0) } },
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function execute(job: Job) {
    running = true;
    const t = () => Date.now();
    const messages: unknown[] = [];
    const event = (type: string, data: Record<string, unknown>) => {
      send(job.clientId, type, data);
      if (type.startsWith("execution_")) messages.push([type, data]);
    };
    event("execution_start", { prompt_id: job.id, timestamp: t() });
    event("execution_cached", { nodes: [], prompt_id: job.id, timestamp: t() });
    const outputs: Record<string, unknown> = {};
    let failed = false;
    for (const [id, node] of Object.entries(job.graph)) {
      send(job.clientId, "executing", { node: id, display_node: id, prompt_id: job.id });
      if (options.failOn === node.class_type) {
        event("execution_error", {
          prompt_id: job.id,
          node_id: id,
          node_type: node.class_type,
          executed: [],
          exception_message: "CUDA out of memory. Tried to allocate 2.00 GiB",
          exception_type: "torch.OutOfMemoryError",
          traceback: [],
          current_inputs: {},
          current_outputs: [],
          timestamp: t(),
        });
        failed = true;
        break;
      }
      if (node.class_type === "KSampler" || node.class_type === "SamplerCustomAdvanced") {
        for (let i = 1; i <= steps; i++) {
          await sleep(stepMs);
          send(job.clientId, "progress", { value: i, max: steps, prompt_id: job.id, node: id });
        }
      }
      if (NODES[node.class_type]!.output) {
        const filename = `${String(node.inputs.filename_prefix ?? "ComfyUI")}_${
          String(job.number).padStart(5, "0")
        }_.png`;
        files.set(filename, PNG_1X1);
        const images = [{
          filename,
          subfolder: "",
          type: node.class_type === "SaveImage" ? "output" : "temp",
        }];
        outputs[id] = { images };
        send(job.clientId, "executed", {
          node: id,
          display_node: id,
          output: { images },
          prompt_id: job.id,
        });
      }
    }
    if (!failed) event("execution_success", { prompt_id: job.id, timestamp: t() });
    history.set(job.id, {
      [job.id]: {
        prompt: [job.number, job.id, job.graph, { client_id: job.clientId }, job.outputs],
        outputs,
        status: { status_str: failed ? "error" : "success", completed: !failed, messages },
        meta: {},
      },
    });
    running = false;
    broadcast("status", status());
    send(job.clientId, "executing", { node: null, prompt_id: job.id });
  }

  async function pump() {
    if (running) return;
    const job = queue.shift();
    if (!job) return;
    await execute(job);
    pump();
  }

  function handle(req: Request): Response | Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/api(?=\/)/, "");
    if (path === "/ws") {
      const { socket, response } = Deno.upgradeWebSocket(req);
      const id = url.searchParams.get("clientId") ?? crypto.randomUUID().replaceAll("-", "");
      socket.onopen = () => {
        sockets.get(id)?.close();
        sockets.set(id, socket);
        socket.send(JSON.stringify({ type: "status", data: { ...status(), sid: id } }));
      };
      socket.onclose = () => {
        if (sockets.get(id) === socket) sockets.delete(id);
      };
      return response;
    }
    if (path === "/prompt" && req.method === "POST") {
      return req.text().then((text) => {
        let body: { prompt?: Job["graph"]; client_id?: string; prompt_id?: string };
        try {
          body = JSON.parse(text);
        } catch {
          return new Response("500 Internal Server Error\n\nServer got itself in trouble", {
            status: 500,
          });
        }
        if (!body.prompt) {
          return Response.json({
            error: err("no_prompt", "No prompt provided", "No prompt provided"),
            node_errors: {},
          }, { status: 400 });
        }
        prompts.push(body.prompt);
        const result = validate(body.prompt);
        if (result.error) {
          return Response.json({ error: result.error, node_errors: result.node_errors }, {
            status: 400,
          });
        }
        const job: Job = {
          id: body.prompt_id ?? crypto.randomUUID(),
          number: number++,
          graph: body.prompt,
          clientId: body.client_id ?? "",
          outputs: result.outputs,
        };
        queue.push(job);
        broadcast("status", status());
        setTimeout(pump, 0);
        return Response.json({ prompt_id: job.id, number: job.number, node_errors: {} });
      });
    }
    if (path === "/prompt") {
      return Response.json({ exec_info: { queue_remaining: queue.length + (running ? 1 : 0) } });
    }
    if (path.startsWith("/history/")) return Response.json(history.get(path.slice(9)) ?? {});
    if (path === "/queue") {
      return Response.json({
        queue_running: [],
        queue_pending: queue.map((j) => [j.number, j.id, j.graph, {}, j.outputs]),
      });
    }
    if (path === "/view") {
      const name = url.searchParams.get("filename") ?? "";
      if (!name || name.startsWith("/") || name.includes("..")) {
        return new Response("", { status: 400 });
      }
      const bytes = files.get(name);
      if (!bytes) return new Response("", { status: 404 });
      return new Response(bytes.slice().buffer as ArrayBuffer, {
        headers: { "content-type": "image/png", "content-disposition": `filename="${name}"` },
      });
    }
    if (path === "/system_stats") {
      return Response.json({
        system: {
          os: "posix",
          comfyui_version: "0.3.64",
          python_version: "3.12",
          embedded_python: false,
          argv: ["main.py"],
        },
        devices: [{
          name: "cuda:0 Fake GPU",
          type: "cuda",
          index: 0,
          vram_total: 24e9,
          vram_free: 20e9,
        }],
      });
    }
    return new Response("404: Not Found", { status: 404 });
  }

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: shutdown.signal,
    onListen: () => {},
  }, handle);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    prompts,
    async close() {
      for (const ws of sockets.values()) ws.close();
      shutdown.abort();
      await server.finished;
    },
  };
}
