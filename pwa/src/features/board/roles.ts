/** Who lands where after sign-in. Loaded with the app shell, so it stays tiny: the desk screens
 * themselves are lazy chunks a technician's phone never downloads. */

import { useEffect } from 'preact/hooks';
import { navigate } from '../../app/router';

const DESK_ROLES = new Set(['DISPATCHER', 'ADMIN']);
const STAFF_ROLES = new Set(['DISPATCHER', 'SUPERVISOR', 'ADMIN']);

/** The API spells roles in upper case; older stored sessions may hold lower case. */
function norm(role: string | null | undefined): string {
  return (role ?? '').toUpperCase();
}

/** Dispatchers and admins create, assign and reschedule orders. */
export function isDesk(role: string | null | undefined): boolean {
  return DESK_ROLES.has(norm(role));
}

/** Everyone but technicians may read the board and the dashboard. */
export function isStaff(role: string | null | undefined): boolean {
  return STAFF_ROLES.has(norm(role));
}

export function homeFor(role: string | null | undefined): string {
  const r = norm(role);
  if (DESK_ROLES.has(r)) return '/board';
  if (r === 'SUPERVISOR') return '/dashboard';
  return '/';
}

/** On `/` (where sign-in returns to), a desk user goes on to his own start screen. */
export function useRoleHome(path: string, role: string | null | undefined): void {
  useEffect(() => {
    const home = homeFor(role);
    if (path === '/' && home !== '/') navigate(home, { replace: true });
  }, [path, role]);
}
