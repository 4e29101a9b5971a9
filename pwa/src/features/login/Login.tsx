/** Sign-in. Needs the network once; afterwards the app opens offline. When the session has run
 * out, the same screen signs the same user in again and the waiting changes go out. */

import { useState } from 'preact/hooks';
import { adoptUserLocale, t, tMaybe } from '../../app/i18n';
import { online } from '../../app/online';
import { navigate } from '../../app/router';
import { syncNow, updateStream } from '../../app/scheduler';
import { db, session, sync } from '../../app/services';
import { persistStorage } from '../../app/storage';
import { ApiError } from '../../data/api';
import { attentionCount, waitingCount } from '../../data/outbox';

export default function Login() {
  const [username, setUsername] = useState(session.lastUsername.value);
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [unsentOf, setUnsentOf] = useState<number | null>(null);

  const submit = async (): Promise<void> => {
    setError('');
    const last = session.lastUsername.value;
    if (unsentOf === null && last && username.trim().toLowerCase() !== last.toLowerCase()) {
      // Another user on this phone replaces the data; unsent changes would go with it.
      const unsent = (await waitingCount(db)) + (await attentionCount(db));
      if (unsent > 0) {
        setUnsentOf(unsent);
        return;
      }
    }
    setBusy(true);
    try {
      const s = await session.login(username, password);
      adoptUserLocale(s.user.locale);
      sync.signedIn();
      void persistStorage();
      updateStream();
      syncNow();
      navigate(location.pathname === '/login' ? '/' : location.pathname + location.search, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'network') setError(t('login.offline'));
      else if (err instanceof ApiError) setError(tMaybe(`code.${err.code}`, err.message));
      else setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page login">
      <h1>Doorstep</h1>
      {session.needsLogin.value && <p class="banner warn">{t('login.expired')}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label class="field">
          <span>{t('login.username')}</span>
          <input
            autocomplete="username"
            autocapitalize="none"
            required
            value={username}
            onInput={(e) => {
              setUsername(e.currentTarget.value);
              setUnsentOf(null);
            }}
          />
        </label>
        <label class="field">
          <span>{t('login.password')}</span>
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {!online.value && <p class="banner">{t('login.offline')}</p>}
        {unsentOf !== null && <p class="banner warn">{t('login.otherUser', { n: unsentOf, user: session.lastUsername.value })}</p>}
        {error && <p class="error">{error}</p>}
        <button type="submit" class="btn primary big" disabled={busy}>
          {unsentOf !== null ? t('login.anyway') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
