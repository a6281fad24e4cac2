import {
  configure,
  dispose,
  getConsoleSink,
  getLogger,
  type Logger,
  type LogLevel as TapeLevel,
} from "@logtape/logtape";
import { getRotatingFileSink } from "@logtape/file";
import { join } from "node:path";
import type { LogLevel } from "./config.ts";

const LEVEL_MAP: Record<LogLevel, TapeLevel> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warning",
  ERROR: "error",
};

/** Options for `setupLogging`. */
export interface LoggingOptions {
  level: LogLevel;
  /** Folder for `app.log` and its rotations; omitted means console only. */
  logDir?: string;
  /** Bytes before the file rotates. */
  maxSize?: number;
  /** Rotated files kept besides the live one. */
  maxFiles?: number;
}

/** Sends logs to the console and to a rotating file (10 MB × 5 by default). */
export async function setupLogging(options: LoggingOptions): Promise<void> {
  const sinks: Record<string, ReturnType<typeof getConsoleSink>> = { console: getConsoleSink() };
  if (options.logDir) {
    Deno.mkdirSync(options.logDir, { recursive: true });
    sinks.file = getRotatingFileSink(join(options.logDir, "app.log"), {
      maxSize: options.maxSize ?? 10 * 1024 * 1024,
      maxFiles: options.maxFiles ?? 5,
      bufferSize: 0,
    });
  }
  await configure({
    reset: true,
    sinks,
    loggers: [
      {
        category: ["promptsmith"],
        lowestLevel: LEVEL_MAP[options.level],
        sinks: Object.keys(sinks),
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** Flushes and closes the log sinks. */
export async function closeLogging(): Promise<void> {
  await dispose();
}

/** The logger for one part of the app, e.g. `log("ollama")`. */
export function log(part: string): Logger {
  return getLogger(["promptsmith", part]);
}
