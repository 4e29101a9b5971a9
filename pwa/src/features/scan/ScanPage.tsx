/** /scan: read an asset tag's QR with the back camera, from a photo, or typed off the label, and
 * open the asset (offline: the lookup uses the device's copy). With ?wo=<id> the asset page
 * then records the scan on that order. */

import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { navigate } from '../../app/router';
import { db } from '../../app/services';
import { type QrDetector, getDetector } from './detector';
import './scan.css';
import { assetHref, findAssetByTag, parseScanned } from './tags';

type Camera = 'starting' | 'on' | 'denied' | 'unavailable';
type Notice = { kind: 'notTag'; text: string } | { kind: 'unknown'; tag: string; href: string } | { kind: 'noCode' } | { kind: 'failed' } | null;

const SCAN_EVERY_MS = 200;

function workOrderParam(): string | null {
  return new URLSearchParams(location.search).get('wo');
}

/** Open the asset for a code; false (and a notice) when the code leads nowhere. */
async function openCode(text: string, setNotice: (n: Notice) => void): Promise<boolean> {
  const scanned = parseScanned(text);
  if (!scanned) {
    setNotice({ kind: 'notTag', text: text.slice(0, 80) });
    return false;
  }
  const href = assetHref(scanned, workOrderParam());
  if (!(await findAssetByTag(db, scanned.tag))) {
    setNotice({ kind: 'unknown', tag: scanned.tag, href });
    return false;
  }
  // A short buzz confirms the read; browsers refuse it before the first tap on the page.
  if ((navigator as { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive) navigator.vibrate?.(60);
  navigate(href);
  return true;
}

function useCamera(video: { current: HTMLVideoElement | null }, onCode: (text: string) => Promise<boolean>) {
  const [camera, setCamera] = useState<Camera>('starting');
  const [detector, setDetector] = useState<QrDetector | null>(null);
  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = (): void => stream?.getTracks().forEach((track) => track.stop());
    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setCamera('unavailable');
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
      } catch (err) {
        if (!stopped) setCamera(err instanceof DOMException && err.name === 'NotAllowedError' ? 'denied' : 'unavailable');
        return;
      }
      const el = video.current;
      if (stopped || !el) return stop();
      el.srcObject = stream;
      await el.play().catch(() => undefined);
      setCamera('on');
      const d = await getDetector().catch(() => null);
      if (!d || stopped) return;
      setDetector(d);
      let last = '';
      const tick = async (): Promise<void> => {
        if (stopped) return;
        if (el.readyState >= 2) {
          const codes = await d.detect(el).catch(() => []);
          const text = codes[0]?.rawValue ?? '';
          // The same code in front of the lens is answered once, not five times a second.
          if (text && text !== last) {
            last = text;
            if (await onCode(text)) return;
          }
        }
        timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
      };
      void tick();
    })();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stop();
    };
  }, []);
  return { camera, detector };
}

export default function ScanPage(_: RouteProps) {
  const video = useRef<HTMLVideoElement>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const { camera, detector } = useCamera(video, (text) => openCode(text, setNotice));

  const fromPhoto = async (input: HTMLInputElement): Promise<void> => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBusy(true);
    setNotice(null);
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const codes = await (await getDetector()).detect(bitmap);
      bitmap.close();
      const text = codes[0]?.rawValue;
      if (text) await openCode(text, setNotice);
      else setNotice({ kind: 'noCode' });
    } catch (err) {
      console.error('scan from photo failed', err);
      setNotice({ kind: 'failed' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page scan">
      <h1>{t('scan.title')}</h1>
      <div class={`viewfinder ${camera}`}>
        <video ref={video} muted playsInline autoPlay aria-label={t('scan.camera')} />
        {camera === 'on' && <div class="frame" aria-hidden="true" />}
        {camera !== 'on' && <p class="viewfinder-note">{t(`scan.camera.${camera}`)}</p>}
      </div>
      {camera === 'on' && <p class="hint">{t('scan.aim')}</p>}
      {notice && (
        <div class="banner warn" role="alert">
          {notice.kind === 'notTag' && t('scan.notTag', { text: notice.text })}
          {notice.kind === 'noCode' && t('scan.noCode')}
          {notice.kind === 'failed' && t('scan.failed')}
          {notice.kind === 'unknown' && (
            <>
              {t('scan.unknownTag', { tag: notice.tag })} <a href={notice.href}>{t('scan.openAnyway')}</a>
            </>
          )}
        </div>
      )}
      <label class={`btn ${busy ? 'disabled' : ''}`}>
        {busy ? t('scan.reading') : t('scan.fromPhoto')}
        <input type="file" accept="image/*" hidden disabled={busy} onChange={(e) => void fromPhoto(e.currentTarget)} />
      </label>
      <form
        class="manual"
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(null);
          void openCode(typed, setNotice);
        }}
      >
        <label class="field">
          <span>{t('scan.manual')}</span>
          <input
            value={typed}
            autoCapitalize="characters"
            autoComplete="off"
            spellcheck={false}
            placeholder="7K3M-9QXT-2B"
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn primary" disabled={!typed.trim()}>
          {t('scan.open')}
        </button>
      </form>
      {detector && <p class="muted small">{t(`scan.engine.${detector.kind}`)}</p>}
    </div>
  );
}
