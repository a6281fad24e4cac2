/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * A stand-in for the image worker that misbehaves on request, for the pool's tests: the first
 * byte of the upload says what to do (0 answer at once, 1 never answer, 2 crash, 3 wait 200 ms).
 */
self.onmessage = async (event: MessageEvent<{ bytes: Uint8Array }>) => {
  const what = event.data.bytes[0];
  if (what === 1) return;
  if (what === 2) throw new Error("the test worker crashed");
  if (what === 3) await new Promise((r) => setTimeout(r, 200));
  self.postMessage({
    ok: true,
    result: {
      kind: { format: "png", mime: "image/png", width: 1, height: 1 },
      bytes: event.data.bytes.length,
    },
  });
};
