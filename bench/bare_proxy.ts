/**
 * The least any server between a client and Ollama can do, for `bench/ttft_floor.ts`: it reads
 * the JSON body, asks `/api/chat` for the same messages and schema, and sends each content piece
 * as an SSE `token` event. No validation, planning, history or limits.
 */
const upstream = Deno.env.get("BARE_PROXY_UPSTREAM")!;
const encoder = new TextEncoder();

Deno.serve({ port: Number(Deno.env.get("BARE_PROXY_PORT")), onListen() {} }, async (req) => {
  if (req.method === "GET") return new Response("ok");
  const { messages, format } = await req.json();
  const res = await fetch(`${upstream}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2:latest", messages, stream: true, format }),
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(out) {
        while (true) {
          const at = buffer.indexOf("\n");
          if (at >= 0) {
            const chunk = JSON.parse(buffer.slice(0, at));
            buffer = buffer.slice(at + 1);
            if (chunk.done) return out.close();
            const token = chunk.message?.content;
            if (!token) continue;
            return out.enqueue(encoder.encode(`data: ${JSON.stringify({ token })}\n\n`));
          }
          const { value, done } = await reader.read();
          if (done) return out.close();
          buffer += value;
        }
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
});
