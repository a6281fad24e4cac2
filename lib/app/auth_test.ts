import { equal, match, ok } from "node:assert/strict";
import {
  adminRefusal,
  hasControlOrBackslash,
  isLoopback,
  LoginThrottle,
  safeNextPath,
} from "./auth.ts";

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

Deno.test("next is a same-origin path after URL parsing, else /", () => {
  for (const raw of ["/", "/ui/history?focus=3", "/?mode=chat#x"]) equal(safeNextPath(raw), raw);
  equal(safeNextPath("/caf\u00e9"), "/caf%C3%A9", "non-ASCII is percent-encoded for Location");
  for (
    const raw of [
      undefined,
      "",
      "//evil.test",
      "/\\evil.test",
      "/\t/evil.test",
      "\t//evil.test",
      "/\n/evil.test",
      "/x\r\nSet-Cookie: a=b",
      "/a\u0000b",
      "/a\u007fb",
      "https://evil.test/",
      "evil.test",
      "\\\\evil.test",
      "/.//evil.test",
      "/%2F/evil.test/..",
    ]
  ) {
    const next = safeNextPath(raw);
    ok(next.startsWith("/") && !next.startsWith("//"), `${JSON.stringify(raw)} gave ${next}`);
    equal(new URL(next, "http://ours.test").origin, "http://ours.test", JSON.stringify(raw));
    ok(!hasControlOrBackslash(next), JSON.stringify(raw));
  }
  equal(safeNextPath("/\t/evil.test"), "/");
  equal(safeNextPath("//evil.test"), "/");
});

Deno.test("failed logins are throttled per peer with a growing wait; a success clears it", () => {
  let now = 0;
  const throttle = new LoginThrottle({ free: 3, now: () => now });
  for (let i = 0; i < 3; i++) {
    equal(throttle.wait("a"), 0);
    throttle.failed("a");
  }
  equal(throttle.wait("a"), 1000, "the fourth try waits a second");
  equal(throttle.wait("b"), 0, "another peer is not held up");
  now += 1000;
  equal(throttle.wait("a"), 0);
  throttle.failed("a");
  equal(throttle.wait("a"), 2000, "each further failure doubles the wait");
  now += 2000;
  throttle.failed("a");
  equal(throttle.wait("a"), 4000);
  for (let i = 0; i < 40; i++) {
    now += throttle.wait("a");
    throttle.failed("a");
  }
  equal(throttle.wait("a"), 15 * 60_000, "the wait stops growing at fifteen minutes");
  now += throttle.wait("a");
  throttle.succeeded("a");
  equal(throttle.wait("a"), 0);
  throttle.failed("a");
  equal(throttle.wait("a"), 0, "a success starts the count again");
});

Deno.test("the login throttle forgets quiet peers and keeps a bounded number", () => {
  let now = 0;
  const throttle = new LoginThrottle({ free: 1, now: () => now, maxPeers: 100 });
  for (let i = 0; i < 1000; i++) throttle.failed(`peer${i}`);
  ok(throttle.size <= 100, `${throttle.size} peers kept`);
  now += 60 * 60_000;
  throttle.failed("fresh");
  equal(throttle.wait("peer999"), 0, "an hour later an old failure counts no more");
});
