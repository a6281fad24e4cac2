/** An error as the page shows it: a short title and one sentence saying what to do. */
export interface ErrorView {
  title: string;
  message: string;
}

/** The error box every page and fragment uses. */
export function ErrorAlert({ error }: { error?: ErrorView }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.title}</strong>
      <p>{error.message}</p>
    </div>
  );
}
