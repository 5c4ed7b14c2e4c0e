import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { Field, useTitle } from '../ui.jsx';

/**
 * Sign in with an API token (pasted; kept by the browser only as an HttpOnly session cookie), or follow a sign-in
 * link from `ops sign-in-link`, whose token travels in the address's fragment (never sent to any server log).
 */
export function SignIn({ onSignedIn }) {
  useTitle('Sign in');
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const signIn = async (presented) => {
    setBusy(true);
    setError(null);
    try {
      const me = await api('/api/session', { method: 'POST', body: { token: presented.trim() } });
      setToken('');
      onSignedIn(me);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401
        ? 'That token is not valid: it may be mistyped, expired or revoked. A sign-in link works only once.'
        : failure.message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const match = /[#&]token=([^&]+)/.exec(location.hash);
    if (match) {
      history.replaceState(null, '', location.pathname === '/sign-in' ? '/' : location.pathname + location.search);
      signIn(decodeURIComponent(match[1]));
    }
  }, []);

  return (
    <main class="standalone" id="main">
      <section class="sign-in card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Agent Workspace</h1>
        <p>Sign in with an API token. On a new installation the admin token is in <code>data/admin-token</code>;
          on a server, <code>java -jar agent-workspace.jar ops sign-in-link</code> prints a one-time link.</p>
        <form onSubmit={(event) => { event.preventDefault(); signIn(token); }}>
          <Field label="API token" error={error} hint="It starts with aw_. This browser keeps only a session, never the token.">
            {(props) => <input {...props} type="password" name="token" autoComplete="off" spellcheck={false}
              value={token} onInput={(event) => setToken(event.currentTarget.value)} required />}
          </Field>
          <button type="submit" class="primary" disabled={busy || !token.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
        </form>
      </section>
    </main>
  );
}
