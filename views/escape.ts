/** Escapes text for HTML that is not rendered through Preact (tokens streamed into the page). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
