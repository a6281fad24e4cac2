/** An error as the page shows it: a short title and one sentence saying what to do. */
export interface ErrorView {
  title: string;
  message: string;
  /** `notice` for an expected state (Ollama offline), shown calmly instead of as a failure. */
  tone?: "notice";
}

/** The error box every page and fragment uses. */
export function ErrorAlert({ error }: { error?: ErrorView }) {
  if (!error) return null;
  if (error.tone === "notice") {
    return (
      <div class="notice" role="status">
        <strong>{error.title}</strong>
        <p>{error.message}</p>
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <strong>{error.title}</strong>
      <p>{error.message}</p>
    </div>
  );
}
