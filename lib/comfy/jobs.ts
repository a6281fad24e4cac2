import type { DatabaseSync } from "node:sqlite";
import {
  analyzeWorkflow,
  type ComfyGraph,
  fillWorkflow,
  parseWorkflow,
  type WorkflowAnalysis,
} from "./workflow.ts";
import { type ComfyClient, type ComfyImage } from "./client.ts";
import { modelFiles } from "./workflow_choice.ts";
import { AppError, badInput, notFound } from "../app/errors.ts";
import { log } from "../app/logger.ts";

/** A stored workflow and what we found in it. */
export interface StoredWorkflow {
  id: number;
  name: string;
  created_at: string;
  analysis: WorkflowAnalysis;
  /** The model files it loads, lower-cased, for matching it to a target. */
  models: string[];
}

/** A prompt sent to ComfyUI and how far it got. */
export interface ComfyJob {
  id: string;
  state: "queued" | "running" | "done" | "error";
  progress: { value: number; max: number };
  images: ComfyImage[];
  error?: string;
  history_id: number | null;
  workflow_id: number;
  warnings: string[];
  llm_unloaded: boolean;
}

/** Workflows in SQLite and jobs in memory, tied to the ComfyUI client. */
export class ComfyService {
  #db: DatabaseSync;
  #client: ComfyClient;
  #jobs = new Map<string, ComfyJob>();
  #now: () => Date;

  constructor(db: DatabaseSync, client: ComfyClient, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#client = client;
    this.#now = options.now ?? (() => new Date());
  }

  get client(): ComfyClient {
    return this.#client;
  }

  /** Validates and keeps an API-format workflow under a unique name. */
  saveWorkflow(name: string, json: unknown): StoredWorkflow {
    const graph = parseWorkflow(json);
    const analysis = analyzeWorkflow(graph);
    if (!analysis.positive.length) {
      throw badInput(
        `workflow: ${
          analysis.warnings.join(" ")
        } Put %prompt% where the prompt goes, or use a standard sampler.`,
      );
    }
    this.#checkNameFree(name);
    const created = this.#now().toISOString();
    const id = Number(
      this.#db.prepare("INSERT INTO comfy_workflows (name, graph, created_at) VALUES (?, ?, ?)")
        .run(name, JSON.stringify(graph), created).lastInsertRowid,
    );
    return { id, name, created_at: created, analysis, models: modelFiles(graph) };
  }

  /** Every stored workflow, newest first. */
  listWorkflows(): StoredWorkflow[] {
    const rows = this.#db.prepare(
      "SELECT id, name, graph, created_at FROM comfy_workflows ORDER BY id DESC",
    ).all() as {
      id: number;
      name: string;
      graph: string;
      created_at: string;
    }[];
    return rows.map((r) => {
      const graph = JSON.parse(r.graph);
      return {
        id: r.id,
        name: r.name,
        created_at: r.created_at,
        analysis: analyzeWorkflow(graph),
        models: modelFiles(graph),
      };
    });
  }

  #graph(id: number): ComfyGraph {
    const row = this.#db.prepare("SELECT graph FROM comfy_workflows WHERE id = ?").get(id) as {
      graph: string;
    } | undefined;
    if (!row) {
      throw notFound("Workflow not found", `No workflow with id ${id}`, { list: "workflows" });
    }
    return JSON.parse(row.graph);
  }

  #checkNameFree(name: string, exceptId = -1): void {
    if (
      this.#db.prepare("SELECT 1 FROM comfy_workflows WHERE name = ? AND id != ?").get(
        name,
        exceptId,
      )
    ) {
      throw new AppError(
        409,
        "Conflict",
        `name: a workflow named "${name}" exists; pick another name or delete it first`,
        "conflict",
      );
    }
  }

  /** Renames a workflow (names stay unique); false when there was none. */
  renameWorkflow(id: number, name: string): boolean {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 80) {
      throw badInput("name: give the workflow a name of up to 80 characters");
    }
    this.#checkNameFree(trimmed, id);
    return this.#db.prepare("UPDATE comfy_workflows SET name = ? WHERE id = ?").run(trimmed, id)
      .changes > 0;
  }

  /** Deletes a workflow; false when there was none. */
  deleteWorkflow(id: number): boolean {
    return this.#db.prepare("DELETE FROM comfy_workflows WHERE id = ?").run(id).changes > 0;
  }

  /** A job by id. */
  job(id: string): ComfyJob | undefined {
    return this.#jobs.get(id);
  }

  /** Images attached to a history entry. */
  imagesOf(historyId: number): ComfyImage[] {
    return this.#db.prepare(
      "SELECT filename, subfolder, type FROM history_images WHERE history_id = ? ORDER BY id",
    )
      .all(historyId) as unknown as ComfyImage[];
  }

  /**
   * Sends a prompt: fills the workflow, frees the LLM's VRAM first when asked, queues it, and
   * follows it in the background. Returns as soon as ComfyUI accepted it.
   */
  async send(request: {
    workflowId: number;
    positive: string;
    negative: string | null;
    seed?: number;
    historyId: number | null;
    unload?: () => Promise<void>;
  }): Promise<ComfyJob> {
    const graph = this.#graph(request.workflowId);
    const analysis = analyzeWorkflow(graph);
    const filled = fillWorkflow(graph, analysis, {
      positive: request.positive,
      negative: request.negative,
      seed: request.seed,
    });
    let unloaded = false;
    if (request.unload) {
      try {
        await request.unload();
        unloaded = true;
      } catch (err) {
        log("comfyui").warn("Could not unload the LLM before queueing: {error}", {
          error: String(err),
        });
      }
    }
    const clientId = crypto.randomUUID().replaceAll("-", "");
    const socket = await this.#client.connect(clientId);
    let promptId: string;
    try {
      promptId = await this.#client.queue(filled, clientId);
    } catch (err) {
      socket?.close();
      throw err;
    }
    const job: ComfyJob = {
      id: promptId,
      state: "queued",
      progress: { value: 0, max: 0 },
      images: [],
      history_id: request.historyId,
      workflow_id: request.workflowId,
      warnings: analysis.warnings,
      llm_unloaded: unloaded,
    };
    this.#jobs.set(promptId, job);
    this.#client.follow(promptId, socket, {
      onProgress: (value, max) => {
        job.state = "running";
        job.progress = { value, max };
      },
    }).then((result) => {
      job.images = result.images;
      job.state = result.ok ? "done" : "error";
      if (result.error) job.error = result.error;
      if (job.progress.max === 0) job.progress = { value: 1, max: 1 };
      if (request.historyId !== null) this.#attach(request.historyId, promptId, result.images);
    }).catch((err) => {
      job.state = "error";
      job.error = err instanceof Error ? err.message : String(err);
    }).finally(() => socket?.close());
    return job;
  }

  #attach(historyId: number, promptId: string, images: ComfyImage[]): void {
    const stmt = this.#db.prepare(
      "INSERT INTO history_images (history_id, prompt_id, filename, subfolder, type, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const img of images) {
      try {
        stmt.run(
          historyId,
          promptId,
          img.filename,
          img.subfolder,
          img.type,
          this.#now().toISOString(),
        );
      } catch (err) {
        log("comfyui").warn("Could not attach an image to history: {error}", {
          error: String(err),
        });
      }
    }
  }
}
