import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoorstepDb } from '../../src/data/db';
import { recordScan, scanProblem, scansOf } from '../../src/features/scan/scans';
import { assetHref, findAssetByTag, normalizeTag, parseScanned } from '../../src/features/scan/tags';
import { freshDb } from './helpers';

let db: DoorstepDb;
afterEach(() => db?.close());

describe('tag codes', () => {
  it('are normalised like the server: upper case, no dashes or spaces, O→0, I/L→1', () => {
    expect(normalizeTag('7k3m-9qxt 2b')).toBe('7K3M9QXT2B');
    expect(normalizeTag('oIl-ABC')).toBe('011ABC');
    expect(normalizeTag(' 7K3M9QXT2B ')).toBe('7K3M9QXT2B');
  });

  it('refuse what cannot be a tag', () => {
    expect(normalizeTag('')).toBeNull();
    expect(normalizeTag('--')).toBeNull();
    expect(normalizeTag('ABCU')).toBeNull(); // U is not in the alphabet
    expect(normalizeTag('hello world!')).toBeNull();
    expect(normalizeTag('A'.repeat(33))).toBeNull();
  });
});

describe('scanned codes', () => {
  it('read the tag from a tag URL on any host, with a base path, encoded, or with a trailing slash', () => {
    expect(parseScanned('https://service.example.com/a/7K3M9QXT2B')).toEqual({ raw: '7K3M9QXT2B', tag: '7K3M9QXT2B' });
    expect(parseScanned('http://192.168.1.20:8000/doorstep/a/7k3m-9qxt-2b/')?.tag).toBe('7K3M9QXT2B');
    expect(parseScanned('https://x.example/a/7K3M%209QXT2B?utm=1')?.tag).toBe('7K3M9QXT2B');
  });

  it('take a bare tag as typed off the label', () => {
    expect(parseScanned('7k3m-9qxt-2b')).toEqual({ raw: '7k3m-9qxt-2b', tag: '7K3M9QXT2B' });
  });

  it('refuse other codes', () => {
    expect(parseScanned('https://example.com/wo/123')).toBeNull();
    expect(parseScanned('https://example.com/a/')).toBeNull();
    expect(parseScanned('https://example.com/a/not-a-tag!')).toBeNull();
    expect(parseScanned('WIFI:S:office;T:WPA;P:secret;;')).toBeNull();
    expect(parseScanned('   ')).toBeNull();
  });

  it('lead to the asset page with the order and the tag as read', () => {
    expect(assetHref({ raw: '7k3m-9qxt-2b', tag: '7K3M9QXT2B' }, 'wo-1')).toBe('/a/7K3M9QXT2B?wo=wo-1&read=7k3m-9qxt-2b');
    expect(assetHref({ raw: '7K3M9QXT2B', tag: '7K3M9QXT2B' }, null)).toBe('/a/7K3M9QXT2B?read=7K3M9QXT2B');
  });
});

describe('looking an asset up on the device', () => {
  const asset = (id: string, tagCode: string, deleted = false) => ({ id, version: 1, deleted, tagCode, name: id, siteId: 's1', customerId: 'c1' });

  it('finds it whatever the spelling of the code', async () => {
    db = freshDb();
    await db.docs('assets').bulkPut([asset('router', '7K3M9QXT2B'), asset('old', '0AB1'), asset('gone', 'ZZZZ', true)]);
    expect((await findAssetByTag(db, '7k3m-9qxt-2b'))?.id).toBe('router');
    expect((await findAssetByTag(db, 'oab1'))?.id).toBe('old');
    expect(await findAssetByTag(db, 'ZZZZ')).toBeUndefined();
    expect(await findAssetByTag(db, 'QQQQ')).toBeUndefined();
    expect(await findAssetByTag(db, 'not a tag')).toBeUndefined();
  });
});

describe('recording a scan', () => {
  it('needs a photo for a broken seal and a note for a mismatch', () => {
    expect(scanProblem({ sealState: 'broken', photoSha256: null, mismatch: false, mismatchNote: '' })).toBe('photo');
    expect(scanProblem({ sealState: 'intact', photoSha256: null, mismatch: true, mismatchNote: ' ' })).toBe('note');
    expect(scanProblem({ sealState: 'broken', photoSha256: 'a'.repeat(64), mismatch: false, mismatchNote: '' })).toBeNull();
  });

  it('creates the scan and its outbox entry, without server-owned fields', async () => {
    db = freshDb();
    const sha = 'b'.repeat(64);
    await recordScan(db, {
      workOrderId: 'wo1',
      assetId: 'router',
      sealState: 'broken',
      photoSha256: sha,
      mismatch: true,
      mismatchNote: ' serial differs ',
      tagCode: '7k3m-9qxt-2b',
      at: new Date('2026-11-23T02:15:00.400Z'),
    });
    const [scan] = await scansOf(db, 'wo1', 'router');
    expect(scan).toMatchObject({ sealState: 'broken', photoSha256: sha, mismatch: true, mismatchNote: 'serial differs', scannedAt: '2026-11-23T02:15:00Z' });
    const [entry] = await db.outbox.toArray();
    expect(entry?.collection).toBe('assetScans');
    expect(entry?.newDocumentState).not.toHaveProperty('scannedById');
    await expect(recordScan(db, { workOrderId: 'wo1', assetId: 'router', sealState: 'broken', mismatch: false, mismatchNote: '', tagCode: '' })).rejects.toThrow();
  });
});

describe('the QR reader’s .wasm', () => {
  it('is the file of the polyfill’s own zxing-wasm (another version crashes it)', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const fromApp = createRequire(`${root}package.json`);
    const entry = fromApp.resolve('barcode-detector');
    const polyfillDir = entry.slice(0, entry.lastIndexOf('/dist/') + 1);
    const fromPolyfill = createRequire(`${polyfillDir}package.json`);
    // What `import 'zxing-wasm/reader/zxing_reader.wasm?url'` in src/ bundles, and what the
    // polyfill's JavaScript loads.
    expect(fromApp.resolve('zxing-wasm/reader/zxing_reader.wasm')).toBe(fromPolyfill.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    const pinned = (JSON.parse(readFileSync(`${polyfillDir}package.json`, 'utf8')) as { dependencies: Record<string, string> }).dependencies['zxing-wasm'];
    const zxingDir = fromPolyfill.resolve('zxing-wasm/reader/zxing_reader.wasm').replace(/dist\/reader\/zxing_reader\.wasm$/, '');
    expect((JSON.parse(readFileSync(`${zxingDir}package.json`, 'utf8')) as { version: string }).version).toBe(pinned);
  });
});
