import { equal, match } from "node:assert/strict";
import { adminRefusal, isLoopback } from "./auth.ts";

Deno.test("admin routes: without a key only this machine, with a key only the key", () => {
  for (const peer of ["127.0.0.1", "127.8.0.1", "::1", "::ffff:127.0.0.1", "local"]) {
    equal(adminRefusal(undefined, peer, undefined), null, peer);
    match(adminRefusal("k3y", peer, undefined)!, /X-Admin-API-Key/, peer);
    match(adminRefusal("k3y", peer, "wrong")!, /ADMIN_API_KEY/, peer);
    equal(adminRefusal("k3y", peer, "k3y"), null, peer);
  }
  for (const peer of ["203.0.113.10", "192.168.1.4", "::ffff:10.0.0.1", "fe80::1"]) {
    match(adminRefusal(undefined, peer, undefined)!, /only this machine/, peer);
    match(adminRefusal(undefined, peer, "anything")!, /only this machine/, peer);
    equal(adminRefusal("k3y", peer, "k3y"), null, peer);
  }
});

Deno.test("loopback names and addresses, and nothing else", () => {
  for (const h of ["localhost", "LOCALHOST", "127.0.0.1", "[::1]", "::ffff:127.0.0.2"]) {
    equal(isLoopback(h), true, h);
  }
  for (const h of ["127.example.com", "0.0.0.0", "10.0.0.1", "::ffff:10.0.0.1", "::"]) {
    equal(isLoopback(h), false, h);
  }
});
