import { renderToString } from "preact-render-to-string";
import type { VNode } from "preact";

/** A whole HTML document from a page component. */
export function renderPage(page: VNode): string {
  return `<!DOCTYPE html>${renderToString(page)}`;
}

/** An HTML fragment for htmx swaps and SSE events. */
export function renderFragment(fragment: VNode): string {
  return renderToString(fragment);
}
