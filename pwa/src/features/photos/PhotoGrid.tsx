/** The work order's photos as thumbnails: the device's own bytes (object URLs, offline), or the
 * server's thumbnail for photos taken on another device. Each shows whether it is uploaded. */

import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { useLive } from '../../app/live';
import { online } from '../../app/online';
import { db, session } from '../../app/services';
import type { PhotoBlobRow } from '../../data/uploads';
import { uploadProgress } from '../../data/uploads';
import { type PhotoRecord, removePhoto } from './store';
import './photos.css';

export interface PhotoItem {
  record: PhotoRecord;
  local: PhotoBlobRow | undefined;
}

export async function photosOf(workOrderId: string): Promise<PhotoItem[]> {
  const records = (await db.typed<PhotoRecord>('photos').where('workOrderId').equals(workOrderId).toArray()).filter((p) => !p.deleted);
  records.sort((a, b) => String(a.takenAt ?? '').localeCompare(String(b.takenAt ?? '')));
  const blobs = await db.photoBlobs.bulkGet(records.map((r) => r.id));
  return records.map((record, i) => ({ record, local: blobs[i] }));
}

/** An object URL for a Blob, revoked when the component goes. */
export function useObjectUrl(blob: Blob | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return undefined;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => {
      URL.revokeObjectURL(u);
      setUrl(null);
    };
  }, [blob]);
  return url;
}

/** The server's thumbnail (it needs the token, so no plain <img src>). */
function useServerThumb(record: PhotoRecord, wanted: boolean): Blob | undefined {
  const [blob, setBlob] = useState<Blob | undefined>(undefined);
  useEffect(() => {
    if (!wanted) return undefined;
    let live = true;
    void (async () => {
      const token = await session.accessToken().catch(() => null);
      if (!token) return;
      const res = await fetch(`/media/${record.sha256}/thumb`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
      if (res?.ok && live) setBlob(await res.blob());
    })();
    return () => {
      live = false;
    };
  }, [record.sha256, wanted]);
  return blob;
}

function stateLabel(item: PhotoItem): { text: string; cls: string } {
  const s = item.local?.state;
  if (s === 'attention') return { text: t('photos.stateAttention'), cls: 'warn' };
  if (s === 'uploading') {
    const p = uploadProgress.value.perPhoto[item.record.id];
    const pct = p && p.total > 0 ? Math.round((p.sent / p.total) * 100) : 0;
    return { text: t('photos.stateUploading', { pct }), cls: 'busy' };
  }
  if (s === 'waiting') return { text: t('photos.stateWaiting'), cls: 'busy' };
  return { text: t('photos.stateUploaded'), cls: 'ok' };
}

function Thumb({ item, onOpen }: { item: PhotoItem; onOpen: () => void }) {
  const remote = useServerThumb(item.record, !item.local && online.value && item.record.status === 'ready');
  const url = useObjectUrl(item.local?.blob ?? remote);
  const state = stateLabel(item);
  return (
    <button type="button" class="thumb" onClick={onOpen} aria-label={item.record.caption || t('photos.photo')}>
      {url ? <img src={url} alt="" loading="lazy" /> : <span class="muted small">{t('photos.onServer')}</span>}
      <span class={`thumb-state ${state.cls}`}>{state.text}</span>
    </button>
  );
}

function Viewer({ item, onClose, onRemoved }: { item: PhotoItem; onClose: () => void; onRemoved?: (id: string) => unknown }) {
  const url = useObjectUrl(item.local?.blob);
  const [confirm, setConfirm] = useState(false);
  return (
    <div class="photo-viewer" role="dialog" aria-modal="true">
      {url ? <img src={url} alt={item.record.caption} /> : <p class="muted">{t('photos.onServer')}</p>}
      {item.record.caption && <p>{item.record.caption}</p>}
      {item.local?.state === 'attention' && <p class="error">{item.local.reason || item.local.code}</p>}
      <div class="row">
        <button type="button" class="btn" onClick={onClose}>
          {t('photos.close')}
        </button>
        {confirm ? (
          <button type="button" class="btn danger" onClick={() =>
              void removePhoto(db, item.record.id)
                .then(() => onRemoved?.(item.record.id))
                .then(onClose)
            }>
            {t('photos.removeConfirm')}
          </button>
        ) : (
          <button type="button" class="btn" onClick={() => setConfirm(true)}>
            {t('photos.remove')}
          </button>
        )}
      </div>
    </div>
  );
}

interface GridProps {
  workOrderId: string;
  /** Show only these photos (a checklist item's). */
  only?: readonly string[];
  onRemoved?: (id: string) => unknown;
}

export function PhotoGrid({ workOrderId, only, onRemoved }: GridProps) {
  const items = useLive(() => photosOf(workOrderId), [workOrderId], [] as PhotoItem[]);
  const [open, setOpen] = useState<string | null>(null);
  const shown = only ? items.filter((i) => only.includes(i.record.id)) : items;
  const current = shown.find((i) => i.record.id === open);
  if (shown.length === 0) return <p class="muted">{t('photos.none')}</p>;
  return (
    <div>
      <div class="thumbs">
        {shown.map((item) => (
          <Thumb key={item.record.id} item={item} onOpen={() => setOpen(item.record.id)} />
        ))}
      </div>
      {current && <Viewer item={current} onClose={() => setOpen(null)} onRemoved={onRemoved} />}
    </div>
  );
}
