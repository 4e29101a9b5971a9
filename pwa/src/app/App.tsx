/** The app shell: header with the sync badge, the current screen, the bottom bar. With nobody
 * signed in on this device, every path shows the login (the path is kept for afterwards). */

import { t } from './i18n';
import { useLive } from './live';
import { currentPath, matchPath, navigate } from './router';
import { ROUTES } from './routes';
import { db, session, sync } from './services';
import { applyUpdate, updateReady } from './sw-register';
import Login from '../features/login/Login';
import { SyncBadge } from '../features/sync-badge/SyncBadge';
import { isStaff, useRoleHome } from '../features/board/roles';
import { attentionCount } from '../data/outbox';

function resolve(path: string) {
  for (const r of ROUTES) {
    const params = matchPath(r.pattern, path);
    if (params) return { route: r, params };
  }
  return null;
}

function BottomBar({ path }: { path: string }) {
  const attention = useLive(() => attentionCount(db), [], 0);
  const item = (href: string, label: string, extra?: number) => (
    <a href={href} class={path === href ? 'active' : ''} aria-current={path === href ? 'page' : undefined}>
      {label}
      {extra ? <span class="pill">{extra}</span> : null}
    </a>
  );
  // The desk works from the board and the dashboard; a technician from Today.
  if (isStaff(session.current.value?.user.role)) {
    return (
      <nav class="bottom">
        {item('/board', t('board.nav'))}
        {item('/dashboard', t('dashboard.nav'))}
        {item('/settings', t('nav.settings'))}
      </nav>
    );
  }
  return (
    <nav class="bottom">
      {item('/', t('nav.today'))}
      {item('/attention', t('nav.attention'), attention)}
      {item('/settings', t('nav.settings'))}
    </nav>
  );
}

export function App() {
  const path = currentPath.value;
  const signedIn = session.current.value !== null;
  useRoleHome(signedIn ? path : '', session.current.value?.user.role);
  if (!signedIn || path === '/login') {
    // A signed-in user on /login is here to renew the session.
    return (
      <main class="shell">
        <Login />
      </main>
    );
  }
  const match = resolve(path);
  const View = match?.route.view;
  const relogin = session.needsLogin.value || sync.status.value.needsLogin;
  return (
    <div class="shell">
      <header class="top">
        {path !== '/' ? (
          <button type="button" class="back" aria-label={t('nav.back')} onClick={() => (history.length > 1 ? history.back() : navigate('/'))}>
            ‹
          </button>
        ) : (
          <span class="brand">Doorstep</span>
        )}
        <SyncBadge />
      </header>
      {relogin && (
        <a class="banner warn" href="/login">
          {t('login.againBanner')}
        </a>
      )}
      {updateReady.value && (
        <button type="button" class="banner" onClick={applyUpdate}>
          {t('settings.updateBanner')}
        </button>
      )}
      <main>{View ? <View params={match?.params ?? {}} /> : <p class="empty">{t('common.notFound')}</p>}</main>
      <BottomBar path={path} />
    </div>
  );
}
