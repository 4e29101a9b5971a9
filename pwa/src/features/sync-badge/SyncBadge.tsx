/** The sync badge in the header: online or not, changes and photos waiting, last sync. Tapping
 * it opens the details and a "sync now" button. */

import { useState } from 'preact/hooks';
import { formatDateTime, t } from '../../app/i18n';
import { useLive } from '../../app/live';
import { online } from '../../app/online';
import { syncNow } from '../../app/scheduler';
import { db, session, sync } from '../../app/services';
import { storageInfo } from '../../app/storage';
import { type SyncCounts, syncCounts } from './counts';

const NONE: SyncCounts = { waiting: 0, attention: 0, photos: 0 };

export function SyncBadge() {
  const counts = useLive(() => syncCounts(db), [], NONE);
  const [open, setOpen] = useState(false);
  const status = sync.status.value;
  const isOnline = online.value;
  const state = !isOnline ? 'offline' : status.running ? 'syncing' : status.lastError ? 'error' : 'online';
  const short = counts.waiting > 0 ? t('badge.waitingShort', { n: counts.waiting }) : t(`badge.${state}`);
  return (
    <div class="badge-wrap">
      <button type="button" class={`badge ${state}`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="dot" aria-hidden="true" />
        {short}
        {counts.attention > 0 && <span class="pill">{counts.attention}</span>}
      </button>
      {open && (
        <div class="badge-panel" role="dialog">
          <p>
            <span class={`dot ${state}`} aria-hidden="true" /> {t(isOnline ? 'badge.online' : 'badge.offline')}
          </p>
          <p>{t('badge.changesWaiting', { n: counts.waiting })}</p>
          <p>{t('badge.photosWaiting', { n: counts.photos })}</p>
          <p>{status.lastSyncAt ? t('badge.lastSync', { time: formatDateTime(status.lastSyncAt) }) : t('badge.neverSynced')}</p>
          {status.lastError && isOnline && <p class="error">{t('badge.lastError', { code: status.lastError })}</p>}
          {counts.attention > 0 && (
            <a class="btn warn" href="/attention" onClick={() => setOpen(false)}>
              {t('badge.attention', { n: counts.attention })}
            </a>
          )}
          {storageInfo.value.low && <p class="error">{t('storage.low')}</p>}
          {(status.needsLogin || session.needsLogin.value) && (
            <a class="btn primary" href="/login" onClick={() => setOpen(false)}>
              {t('login.again')}
            </a>
          )}
          <button type="button" class="btn" disabled={!isOnline || status.running} onClick={() => syncNow()}>
            {t('badge.syncNow')}
          </button>
        </div>
      )}
    </div>
  );
}
