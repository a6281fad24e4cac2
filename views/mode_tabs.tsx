/** The three ways to work, as links so they work without JavaScript. */
export function ModeTabs({ mode }: { mode: "oneshot" | "chat" | "batch" }) {
  const tab = (id: typeof mode, label: string) => (
    <a
      href={id === "batch" ? "/ui/batch" : `/?mode=${id}`}
      aria-current={mode === id ? "page" : undefined}
    >
      {label}
    </a>
  );
  return (
    <nav class="tabs" aria-label="Mode">
      {tab("oneshot", "Quick Generate")}
      {tab("chat", "Chat & Refine")}
      {tab("batch", "Batch")}
    </nav>
  );
}
