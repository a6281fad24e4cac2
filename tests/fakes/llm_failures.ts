/**
 * What the LLM client tests share besides the fake servers: a port where no server runs, and
 * the check that a call failed with the app's error of a given status.
 */
import { equal, ok, rejects } from "node:assert/strict";
import { AppError } from "../../lib/app/errors.ts";

/** A loopback port nothing listens on (it was free a moment ago). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The address of a loopback port nothing listens on. */
export function closedPortUrl(): string {
  return `http://127.0.0.1:${freePort()}`;
}

/** Asserts the promise fails with an AppError of this status; returns it. */
export async function failsWith(promise: Promise<unknown>, status: number): Promise<AppError> {
  let caught: unknown;
  await rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  ok(caught instanceof AppError, `not an AppError: ${caught}`);
  equal(caught.status, status, caught.message);
  return caught;
}
