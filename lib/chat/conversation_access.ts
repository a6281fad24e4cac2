import { AppError } from "../app/errors.ts";
import type { ConversationStore } from "./conversations.ts";

/** Who asks for a conversation, as the request shows it. */
export interface SessionClaim {
  /** The session of the request's signed cookie (a browser), if it has one. */
  cookie: string | null;
  /** The `session_id` the request names (a script), if any. */
  named?: string;
  /** The request carries the AUTH_TOKEN as a bearer: it speaks for whoever runs the server. */
  trusted: boolean;
}

function forbidden(): AppError {
  return new AppError(
    403,
    "Forbidden",
    "That conversation belongs to another session: leave session_id out to use your own, or send the AUTH_TOKEN as a bearer token to reach it from a script.",
    "conversation_forbidden",
  );
}

/**
 * The session whose conversation a request may use. A conversation is bound to the browser
 * session that used it with its signed cookie: another browser naming its id, or a script without
 * that cookie, is refused. Scripts reach their own conversations by passing the id they were
 * given; a request with the AUTH_TOKEN bearer may name any. `issue` gives the request's own
 * session (the cookie's, or a new one) when it names none.
 */
export async function conversationSession(
  conversations: Pick<ConversationStore, "bind" | "isBound">,
  claim: SessionClaim,
  issue: () => string,
): Promise<string> {
  const { cookie, named, trusted } = claim;
  if (named !== undefined && named !== cookie && !trusted) {
    if (cookie !== null || await conversations.isBound(named)) throw forbidden();
  }
  const sid = named ?? cookie ?? issue();
  if (cookie !== null && sid === cookie) await conversations.bind(sid);
  return sid;
}
