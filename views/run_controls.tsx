/** The Stop button of a streaming run: ends the run and its Ollama request. */
export function StopButton({ runId }: { runId: string }) {
  return (
    <button type="button" class="stop secondary" hx-post={`/ui/runs/${runId}/stop`} hx-swap="none">
      Stop
    </button>
  );
}

/** "Writing…" (or another label) with the Stop button, shown while a run streams. */
export function RunBadges({ runId, label }: { runId: string; label: string }) {
  return (
    <div class="badges">
      <span class="badge pulse">{label}</span>
      <StopButton runId={runId} />
    </div>
  );
}

/** The collapsed reasoning of a thinking model, revealed by app.js when some arrives. */
export function ThinkingStream() {
  return (
    <details class="thinking" hidden>
      <summary>Model reasoning</summary>
      <pre sse-swap="thinking" hx-swap="beforeend"></pre>
    </details>
  );
}
