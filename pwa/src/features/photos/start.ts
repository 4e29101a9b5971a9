/** When photo bytes go out: at app start, when the network comes back, after each sync (the
 * photo records have just been pushed), and right after a photo is taken. Loaded after the first
 * render, so tus-js-client never weighs on the app's start. */

import { effect } from '@preact/signals';
import { online } from '../../app/online';
import { db, session, sync } from '../../app/services';
import { type MakeUpload, type TusOptions, pruneUploaded, runUploads } from '../../data/uploads';

let makeUpload: MakeUpload | null = null;

async function tusUploader(): Promise<MakeUpload> {
  if (!makeUpload) {
    const tus = await import('tus-js-client');
    // tus-js-client's own option types are not exported; ours are the subset it reads.
    makeUpload = (file: Blob, options: TusOptions) => new tus.Upload(file, options as unknown as ConstructorParameters<typeof tus.Upload>[1]);
  }
  return makeUpload;
}

let running = false;
let again = false;

/** Run the queue now (once at a time; a request during a run starts another after it). */
export function kickUploads(): void {
  if (!session.current.value || session.needsLogin.value || !online.value) return;
  if (running) {
    again = true;
    return;
  }
  running = true;
  void (async () => {
    try {
      const make = await tusUploader();
      do {
        again = false;
        await runUploads(db, {
          makeUpload: make,
          token: () => session.accessToken(),
          refresh: (failed) => session.refresh(failed),
        });
      } while (again);
    } catch (err) {
      console.error('photo upload failed', err);
    } finally {
      running = false;
    }
  })();
}

let started = false;

export function startUploads(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', kickUploads);
  let wasRunning = sync.status.peek().running;
  effect(() => {
    const s = sync.status.value;
    // A sync just ended without trouble: the records are on the server, send their bytes.
    if (wasRunning && !s.running && !s.lastError) kickUploads();
    wasRunning = s.running;
  });
  void pruneUploaded(db).catch(() => undefined);
  kickUploads();
}
