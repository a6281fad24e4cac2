import { equal, match, ok } from "node:assert/strict";
import { serveOnPort, startTestApp } from "./helpers.ts";

const TOKEN = "s3cret-token-0123456789";

Deno.test("every response carries the security headers and a CSP without inline script", async () => {
  const t = await startTestApp();
  try {
    for (const path of ["/", "/healthz", "/nope", "/static/app.js"]) {
      const res = await t.request(path);
      await res.body?.cancel();
      const csp = res.headers.get("content-security-policy")!;
      match(csp, /script-src 'self'(;|$)/);
      ok(!/script-src[^;]*unsafe-inline/.test(csp));
      match(csp, /frame-ancestors 'none'/);
      equal(res.headers.get("x-content-type-options"), "nosniff");
      equal(res.headers.get("referrer-policy"), "same-origin");
    }
    const page = await (await t.request("/")).text();
    ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(page), "no inline script element in the page");
  } finally {
    await t.close();
  }
});

Deno.test("a Host that is not ours is refused (DNS rebinding), even when it contains ours; loopback names and IPs are fine", async () => {
  const t = await startTestApp({ env: { ALLOWED_HOSTS: "studio.lan" } });
  try {
    const req = (host: string) => t.app.request("/healthz", { headers: { host } });
    // Names that merely start or end like ours, or hold an IP inside, are someone else's.
    for (
      const host of [
        "evil.example:5000",
        "rebind.attacker.test",
        "127.0.0.1.rebind.attacker.test",
        "127.0.0.1.nip.io:5000",
        "localhost.attacker.test",
        "evil-localhost",
        "notlocalhost:5000",
        "studio.lan.attacker.test",
      ]
    ) {
      const res = await req(host);
      equal(res.status, 403, host);
      equal((await res.json()).type, "host_not_allowed", host);
    }
    for (
      const host of [
        "localhost:5000",
        "127.0.0.1:5000",
        "[::1]:5000",
        "192.168.1.20:5000",
        "studio.lan:5000",
        "app.localhost",
      ]
    ) {
      const res = await req(host);
      equal(res.status, 200, host);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("cross-site browser posts are refused, same-origin forms and scripts pass", async () => {
  const t = await startTestApp();
  try {
    const post = (headers: Record<string, string>) =>
      t.app.request("http://localhost:5000/generate", {
        method: "POST",
        headers: { "content-type": "application/json", host: "localhost:5000", ...headers },
        body: JSON.stringify({ input: "x", engine: "composer" }),
      });
    equal((await post({ "sec-fetch-site": "cross-site" })).status, 403);
    equal((await post({ "sec-fetch-site": "same-site" })).status, 403);
    equal((await post({ origin: "http://evil.example" })).status, 403);
    equal((await post({ origin: "null" })).status, 403);
    const csrf = await (await post({ "sec-fetch-site": "cross-site" })).json();
    equal(csrf.type, "csrf");
    const passing: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin" },
      { origin: "http://localhost:5000" },
      {},
    ];
    for (const ok200 of passing) {
      const res = await post(ok200);
      equal(res.status, 200, JSON.stringify(ok200));
      await res.body?.cancel();
    }
    const form = await t.app.request("http://localhost:5000/ui/generate", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        host: "localhost:5000",
        "sec-fetch-site": "same-origin",
        origin: "http://localhost:5000",
      },
      body: "input=a+kite&engine=composer",
    });
    equal(form.status, 303, "the plain form still works after the CSRF check");
  } finally {
    await t.close();
  }
});

Deno.test("with AUTH_TOKEN every request needs the bearer token or the login cookie", async () => {
  const t = await startTestApp({ env: { AUTH_TOKEN: TOKEN } });
  try {
    const api = await t.request("/models");
    equal(api.status, 401);
    const body = await api.json();
    equal(body.type, "unauthorized");
    match(body.message, /Authorization: Bearer/);
    equal(
      (await t.request("/models", { headers: { authorization: "Bearer wrong-token-000000" } }))
        .status,
      401,
    );
    const okRes = await t.request("/models", { headers: { authorization: `Bearer ${TOKEN}` } });
    equal(okRes.status, 200);
    await okRes.body?.cancel();

    const page = await t.request("/?mode=chat", { headers: { accept: "text/html" } });
    equal(page.status, 303);
    equal(page.headers.get("location"), "/login?next=%2F%3Fmode%3Dchat");
    equal((await t.request("/static/app.css")).status, 200);
    const bad = await t.app.request("/login", { method: "POST", body: "token=nope&next=/" });
    equal(bad.status, 401);
    await bad.body?.cancel();
    const login = await t.app.request("/login", {
      method: "POST",
      body: `token=${TOKEN}&next=//evil.example`,
    });
    equal(login.status, 303);
    equal(login.headers.get("location"), "/", "an off-site next is ignored");
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    ok(!cookie.includes(TOKEN), "the cookie does not carry the token itself");
    const home = await t.request("/", { headers: { cookie } });
    equal(home.status, 200);
    await home.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a client past its concurrent generation cap gets 429 with Retry-After", async () => {
  const t = await startTestApp({
    env: { MAX_GENERATIONS_PER_CLIENT: "2" },
    fake: { tokenDelayMs: 20, reply: () => "w ".repeat(50) },
  });
  const server = serveOnPort(t.app);
  try {
    const start = () =>
      fetch(`${server.url}/generate-stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: "x" }),
      });
    const a = await start();
    const b = await start();
    const c = await start();
    equal(c.status, 429);
    equal(c.headers.get("retry-after"), "5");
    equal((await c.json()).type, "too_many_requests");
    await a.text();
    await b.text();
    const d = await start();
    equal(d.status, 200, "slots come back when streams end");
    await d.text();
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("login: next with a tab, a newline or a backslash redirects home, never off-site or 500", async () => {
  const t = await startTestApp({ env: { AUTH_TOKEN: TOKEN } });
  try {
    for (
      const next of ["/\t/evil.test", "/\n/evil.test", "/x\r\nSet-Cookie: a=b", "/\\evil.test"]
    ) {
      const body = new URLSearchParams({ token: TOKEN, next }).toString();
      const res = await t.app.request("/login", { method: "POST", body });
      equal(res.status, 303, JSON.stringify(next));
      equal(res.headers.get("location"), "/", JSON.stringify(next));
      const page = await t.request(`/login?next=${encodeURIComponent(next)}`);
      equal(page.status, 200);
      ok(!(await page.text()).includes("evil.test"), "the form does not carry the bad next");
    }
    const res = await t.app.request("/login", {
      method: "POST",
      body: new URLSearchParams({ token: TOKEN, next: "/ui/history?q=a b" }).toString(),
    });
    equal(res.headers.get("location"), "/ui/history?q=a%20b", "a same-origin next is kept");
  } finally {
    await t.close();
  }
});

Deno.test("login: wrong tokens are throttled per peer with 429 and Retry-After, even a right one then", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const t = await startTestApp({ env: { AUTH_TOKEN: TOKEN }, now: () => new Date(now) });
  const server = serveOnPort(t.app);
  try {
    const login = (token: string) =>
      fetch(`${server.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, next: "/" }).toString(),
      });
    let res: Response | null = null;
    for (let i = 0; i < 30; i++) {
      res = await login(`wrong-${i}`);
      await res.body?.cancel();
      if (res.status === 429) break;
      equal(res.status, 401);
    }
    equal(res!.status, 429, "guessing is stopped");
    const wait = Number(res!.headers.get("retry-after"));
    ok(wait >= 1, `Retry-After ${wait}`);
    const right = await login(TOKEN);
    equal(right.status, 429, "while throttled the token is not even checked");
    match(await right.text(), /Too many failed logins/);
    now += wait * 1000;
    const later = await login(TOKEN);
    equal(later.status, 303, "after the wait the right token logs in");
    await later.body?.cancel();
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("logout: the page offers it with AUTH_TOKEN, and POST /logout clears the cookie", async () => {
  const t = await startTestApp({ env: { AUTH_TOKEN: TOKEN } });
  try {
    const login = await t.app.request("/login", { method: "POST", body: `token=${TOKEN}&next=/` });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const home = await t.request("/", { headers: { cookie } });
    match(await home.text(), /<form method="post" action="\/logout"/);
    const out = await t.request("/logout", { method: "POST", headers: { cookie } });
    equal(out.status, 303);
    equal(out.headers.get("location"), "/login");
    const cleared = out.headers.get("set-cookie") ?? "";
    match(cleared, /promptsmith_auth=;/);
    match(cleared, /Max-Age=0/);
    const cross = await t.request("/logout", {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "cross-site" },
    });
    equal(cross.status, 403, "another site cannot log the user out");
    await cross.body?.cancel();
  } finally {
    await t.close();
  }
  const open = await startTestApp();
  try {
    ok(
      !(await (await open.request("/")).text()).includes('action="/logout"'),
      "no token, no logout",
    );
  } finally {
    await open.close();
  }
});
