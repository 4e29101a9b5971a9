/** Photos still to reach the server: how many, the current run's progress as a bar, and each
 * photo's own state; refused uploads say why and can be tried again or removed. */

import { t } from '../../app/i18n';
import { useLive } from '../../app/live';
import { online } from '../../app/online';
import { db } from '../../app/services';
import { type PhotoBlobRow, retryUpload, uploadProgress } from '../../data/uploads';
import { removePhoto } from './store';
import './photos.css';

async function pending(workOrderId?: string): Promise<PhotoBlobRow[]> {
  const rows = await db.photoBlobs.where('state').anyOf('waiting', 'uploading', 'attention').toArray();
  return rows.filter((r) => !workOrderId || r.workOrderId === workOrderId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function percent(sent: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0;
}

/** The run's progress: finished photos plus the fraction of the one on its way. */
export function overallPercent(p: typeof uploadProgress.value): number {
  if (p.total === 0) return 0;
  const partial = Object.values(p.perPhoto).reduce((sum, x) => sum + (x.total > 0 && x.sent < x.total ? x.sent / x.total : 0), 0);
  return Math.min(100, Math.round(((p.done + partial) / p.total) * 100));
}

function Bar({ pct }: { pct: number }) {
  return (
    <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

function Row({ row }: { row: PhotoBlobRow }) {
  const p = uploadProgress.value.perPhoto[row.id];
  const kb = Math.max(1, Math.round(row.size / 1024));
  return (
    <li class="upload-row">
      <div class="row spread">
        <span class="small">
          {new Date(row.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · {kb} KB
        </span>
        <span class="small">
          {row.state === 'uploading' && p ? `${percent(p.sent, p.total)} %` : t(`photos.state.${row.state}`)}
        </span>
      </div>
      {row.state === 'uploading' && p && <Bar pct={percent(p.sent, p.total)} />}
      {row.state === 'attention' && (
        <div>
          <p class="error small">{row.reason || row.code}</p>
          <div class="row">
            {row.code !== 'RECORD_REJECTED' && (
              <button type="button" class="btn small" onClick={() => void retryUpload(db, row.id).then(() => import('./start')).then((m) => m.kickUploads())}>
                {t('photos.retry')}
              </button>
            )}
            {row.code === 'RECORD_REJECTED' && (
              <a class="btn small" href="/attention">
                {t('photos.seeAttention')}
              </a>
            )}
            <button type="button" class="btn small danger" onClick={() => void removePhoto(db, row.id)}>
              {t('photos.remove')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

export function UploadsPanel({ workOrderId }: { workOrderId?: string }) {
  const rows = useLive(() => pending(workOrderId), [workOrderId], [] as PhotoBlobRow[]);
  const progress = uploadProgress.value;
  if (rows.length === 0 && !progress.running) return null;
  return (
    <div class="panel uploads" role="status">
      <p>
        {t('photos.waitingCount', { n: rows.length })}
        {!online.value && rows.length > 0 && <span class="muted small"> · {t('photos.offlineHint')}</span>}
      </p>
      {progress.running && (
        <>
          <p class="small">{t('photos.runProgress', { done: progress.done, total: progress.total })}</p>
          <Bar pct={overallPercent(progress)} />
        </>
      )}
      <ul class="list">
        {rows.map((r) => (
          <Row key={r.id} row={r} />
        ))}
      </ul>
      {workOrderId && (
        <a class="small" href="/photos/uploads">
          {t('photos.allUploads')}
        </a>
      )}
    </div>
  );
}
