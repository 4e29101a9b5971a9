/** A QR reader: the browser's own BarcodeDetector where it has one (Android Chrome), else the
 * `barcode-detector` polyfill on zxing-wasm (desktop Linux Chromium, iOS, Firefox). The polyfill
 * and its .wasm load only when a scan starts, and the .wasm is served by the app itself (and
 * precached by the service worker): left alone, the polyfill fetches it from a CDN, which a phone
 * on site may not reach. The file is the one of the polyfill's own zxing-wasm: another
 * version's .wasm crashes it ("memory access out of bounds"). */

export interface Detected {
  rawValue: string;
}

export interface QrDetector {
  detect(source: ImageBitmapSource): Promise<Detected[]>;
  /** Which implementation answered, for the diagnostics line. */
  kind: 'native' | 'zxing';
}

interface NativeDetectorClass {
  new (options: { formats: string[] }): { detect(source: ImageBitmapSource): Promise<Detected[]> };
  getSupportedFormats(): Promise<string[]>;
}

async function native(): Promise<QrDetector | null> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Native) return null;
  try {
    const formats = await Native.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const d = new Native({ formats: ['qr_code'] });
    return { kind: 'native', detect: (s) => d.detect(s) };
  } catch {
    return null;
  }
}

async function polyfill(): Promise<QrDetector> {
  const [{ BarcodeDetector, prepareZXingModule }, wasm] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasm.default, location.href).href : prefix + path),
    },
  });
  const d = new BarcodeDetector({ formats: ['qr_code'] });
  return { kind: 'zxing', detect: (s) => d.detect(s as Parameters<typeof d.detect>[0]) };
}

let shared: Promise<QrDetector> | null = null;

export function getDetector(): Promise<QrDetector> {
  shared ??= native()
    .then((n) => n ?? polyfill())
    .catch((err: unknown) => {
      shared = null; // a failed chunk load (offline before precaching finished) may work later
      throw err;
    });
  return shared;
}
