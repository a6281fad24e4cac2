/** KV key of the secret that signs session cookies. */
const SECRET_KEY = ["app", "session_secret"];

/**
 * The secret that signs session cookies, made once and kept in KV, so sessions survive a restart
 * (and are shared by every instance that shares the KV store).
 */
export async function sessionSecret(kv: Deno.Kv): Promise<Uint8Array> {
  const found = await kv.get<Uint8Array>(SECRET_KEY);
  if (found.value instanceof Uint8Array && found.value.length >= 32) return found.value;
  const fresh = crypto.getRandomValues(new Uint8Array(32));
  const saved = await kv.atomic().check(found).set(SECRET_KEY, fresh).commit();
  if (saved.ok) return fresh;
  // Another instance wrote one first: use theirs.
  return (await kv.get<Uint8Array>(SECRET_KEY)).value!;
}
