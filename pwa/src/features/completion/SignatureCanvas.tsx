/** The drawing area for the customer's signature (signature_pad). The canvas backing store is
 * scaled by devicePixelRatio so strokes are sharp on phone screens, while the recorded points stay
 * in CSS pixels: the server draws the PNG from them at `canvasWidth` × `canvasHeight`. */

import SignaturePad from 'signature_pad';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../app/i18n';
import type { Stroke } from './records';

export interface PadHandle {
  strokes(): Stroke[];
  /** The drawing area in CSS pixels (the points' units). */
  size(): { width: number; height: number };
}

export function SignatureCanvas({ onChange, handle }: { onChange: (hasInk: boolean) => void; handle: { current: PadHandle | null } }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pad = new SignaturePad(canvas, { penColor: '#10243a', minWidth: 0.8, maxWidth: 2.6 });
    padRef.current = pad;

    // Resizing a canvas wipes it: keep the strokes (CSS-pixel points) and draw them again.
    const fit = (): void => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const data = pad.toData();
      canvas.width = Math.round(canvas.offsetWidth * ratio);
      canvas.height = Math.round(canvas.offsetHeight * ratio);
      canvas.getContext('2d')?.scale(ratio, ratio);
      pad.clear();
      if (data.length) pad.fromData(data);
    };
    fit();
    const ended = (): void => onChange(!pad.isEmpty());
    pad.addEventListener('endStroke', ended);
    window.addEventListener('resize', fit);
    handle.current = {
      strokes: () => pad.toData() as unknown as Stroke[],
      size: () => ({ width: Math.round(canvas.offsetWidth), height: Math.round(canvas.offsetHeight) }),
    };
    return () => {
      window.removeEventListener('resize', fit);
      pad.removeEventListener('endStroke', ended);
      pad.off();
      handle.current = null;
      padRef.current = null;
    };
  }, []);

  const clear = (): void => {
    padRef.current?.clear();
    onChange(false);
  };

  const undo = (): void => {
    const pad = padRef.current;
    if (!pad) return;
    const data = pad.toData();
    data.pop();
    pad.fromData(data);
    onChange(data.length > 0);
  };

  return (
    <div class="sig">
      <canvas ref={canvasRef} class="sig-canvas" aria-label={t('completion.signHere')} />
      <p class="sig-line hint">{t('completion.signHere')}</p>
      <div class="row">
        <button type="button" class="btn small" onClick={undo}>
          {t('completion.undo')}
        </button>
        <button type="button" class="btn small" onClick={clear}>
          {t('completion.clear')}
        </button>
      </div>
    </div>
  );
}
