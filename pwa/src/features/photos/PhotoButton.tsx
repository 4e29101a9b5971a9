/** "Take photo" and "From gallery": the phone's own camera app through a file input (works on
 * every phone, needs no camera permission), then the photo is re-encoded and kept on the device. */

import { useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { db } from '../../app/services';
import { type NewPhoto, type PhotoRecord, takePhoto } from './store';
import './photos.css';

interface Props extends NewPhoto {
  onTaken?: (photo: PhotoRecord) => void | Promise<void>;
  /** Only the camera (a seal, a protective sheet: evidence should be taken now). */
  cameraOnly?: boolean;
  label?: string;
}

export function PhotoButton({ onTaken, cameraOnly, label, ...what }: Props) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  const chosen = async (input: HTMLInputElement): Promise<void> => {
    const files = Array.from(input.files ?? []);
    input.value = ''; // the same file may be chosen again later
    if (files.length === 0) return;
    setBusy(true);
    setFailed(false);
    try {
      for (const file of files) {
        const photo = await takePhoto(db, file, what);
        await onTaken?.(photo);
      }
      void import('./start').then((m) => m.kickUploads());
    } catch (err) {
      console.error('photo not kept', err);
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="photo-buttons">
      <label class={`btn ${busy ? 'disabled' : ''}`}>
        {busy ? t('photos.saving') : (label ?? t('photos.take'))}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          hidden
          disabled={busy}
          onChange={(e) => void chosen(e.currentTarget)}
        />
      </label>
      {!cameraOnly && (
        <label class={`btn ${busy ? 'disabled' : ''}`}>
          {t('photos.pick')}
          <input type="file" accept="image/*" multiple hidden disabled={busy} onChange={(e) => void chosen(e.currentTarget)} />
        </label>
      )}
      {failed && <p class="error">{t('photos.failed')}</p>}
    </div>
  );
}
