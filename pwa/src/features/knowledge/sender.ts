/** The app's wiring of the solution-link queue: its database, API client and signed-in user. */

import { api, db, session } from '../../app/services';
import type { Sender } from './queue';

export const sender: Sender = {
  db,
  api,
  userId: () => session.current.value?.user.id ?? null,
  online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
};
