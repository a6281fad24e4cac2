import { Layout } from "./layout.tsx";

/** The login form shown when `AUTH_TOKEN` protects the server. */
export function LoginPage(
  { next, failed, waitSeconds }: { next: string; failed?: boolean; waitSeconds?: number },
) {
  return (
    <Layout title="Log in — Promptsmith">
      <section class="panel login">
        <h1>Log in</h1>
        <p class="hint">
          This Promptsmith is shared on the network, so it asks for its access token.
        </p>
        {waitSeconds !== undefined && (
          <p class="error" role="alert">
            Too many failed logins from here: wait {waitSeconds} s, then try again.
          </p>
        )}
        {failed && (
          <p class="error" role="alert">That token is not right. Check AUTH_TOKEN and try again.</p>
        )}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next} />
          <div class="field">
            <label for="token">Access token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="current-password"
              required
            />
          </div>
          <button type="submit" class="primary">Log in</button>
        </form>
      </section>
    </Layout>
  );
}
