/** A photo as the phone keeps and sends it: re-encoded on the device to a JPEG of at most
 * 2048 px on its long side. Drawing the decoded image onto a canvas applies the EXIF rotation
 * and leaves every EXIF tag (the GPS position included) behind; a 12 MP camera shot of 4–6 MB
 * becomes about 0.5 MB, which is what a weak signal can carry. */

export const MAX_EDGE = 2048;
export const JPEG_QUALITY = 0.82;
export const PHOTO_TYPE = 'image/jpeg';

export interface Size {
  width: number;
  height: number;
}

/** The size to draw at: scaled down (never up) so the long side is at most `max`, keeping the
 * aspect ratio, whole pixels, never zero. */
export function fitWithin(width: number, height: number, max = MAX_EDGE): Size {
  if (!(width > 0) || !(height > 0)) throw new Error('The image has no size.');
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export interface EncodedPhoto extends Size {
  blob: Blob;
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;

function canvasOf(size: Size): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(size.width, size.height);
  const c = document.createElement('canvas');
  c.width = size.width;
  c.height = size.height;
  return c;
}

function toJpeg(canvas: AnyCanvas): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: PHOTO_TYPE, quality: JPEG_QUALITY });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The photo could not be encoded.'))), PHOTO_TYPE, JPEG_QUALITY),
  );
}

/** Decode (EXIF orientation applied), scale, re-encode as JPEG. Runs in the page: a worker would
 * spare the main thread a few hundred ms, but costs a second bundle on the phone. */
export async function encodePhoto(file: Blob): Promise<EncodedPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const size = fitWithin(bitmap.width, bitmap.height);
    const canvas = canvasOf(size);
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error('No 2D canvas on this device.');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await toJpeg(canvas);
    return { blob, ...size };
  } finally {
    bitmap.close();
  }
}

export interface Position {
  latitude: number;
  longitude: number;
  accuracy: number;
}

/** Where the phone is, if the technician already allowed it: a photo is never held up by a
 * permission prompt or a slow GPS fix. */
export async function positionIfAllowed(timeoutMs = 4_000): Promise<Position | null> {
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  if (!nav?.geolocation || !nav.permissions) return null;
  try {
    const status = await nav.permissions.query({ name: 'geolocation' });
    if (status.state !== 'granted') return null;
  } catch {
    return null;
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    nav.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer);
        resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { enableHighAccuracy: false, maximumAge: 5 * 60_000, timeout: timeoutMs },
    );
  });
}
