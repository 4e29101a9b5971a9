import { describe, expect, it } from 'vitest';
import type { Doc, Json } from '../../src/data/docs';
import type { WorkOrder } from '../../src/data/types';
import { canonicalJson, sha256Hex } from '../../src/features/completion/canonical';
import { buildContent, contentHash, pyStrip, wholeSecond } from '../../src/features/completion/content';
import { loadCompletion, saveRating, saveSignature } from '../../src/features/completion/data';
import { CONSENT, consentLanguage, currentSignature, ratingFields, ratingProblem, signatureFields, signatureProblem } from '../../src/features/completion/records';
import { sha256Script as sha256Bytes } from '../../src/data/sha256';
import { freshDb, workOrder } from './helpers';

// Expected strings and hashes computed by the server's Python:
//   from sync.canonical import canonical_json, sha256_hex
//   from server.signatures.content import build_content
// The strings are JSON literals as Python's json.dumps printed them.
const parse = (literal: string): string => JSON.parse(literal) as string;

const EXAMPLE = {
  literal: String.raw`"{\"arrivedAt\":\"2026-03-02T01:30:00Z\",\"checklist\":{\"customer_tested\":true,\"uniform\":true,\"visit_time\":\"\u4e0b\u5348\u4e24\u70b9\"},\"parts\":[{\"name\":\"\u5149\u732b\u7535\u6e90\",\"part_no\":\"PWR-12V\",\"quantity\":1}],\"photos\":[\"1f0c\",\"9ab2\"],\"resolution\":\"\u66f4\u6362\u5149\u732b\u7535\u6e90\u9002\u914d\u5668\uff0c\u7ebf\u8def\u6d4b\u8bd5\u6b63\u5e38\",\"v\":1,\"workDoneAt\":\"2026-03-02T02:45:10Z\",\"workOrder\":\"WO-20260302-0007\"}"`,
  hash: '457c9b555869345d8fe51b48c62adb6a5796a87c54d938a40b804321d1a3eca9',
};

const TRICKY = {
  literal: String.raw`"{\"\":0,\"10\":1,\"9\":2,\"a\":null,\"b\":[1,2.5,\"\u00e9\",true,false,null],\"big\":1152921504606847000,\"ctl\":\"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\u007f\\\"\\\\/\",\"lone\":\"\\ud800x\\udc00\",\"n\":[[],{}],\"neg\":-1.5e-10,\"w\":123456789.125,\"x\":0.1,\"y\":1e-7,\"z\":1e+21,\"\u2028\":\"\ud83d\ude00\",\"\ud83d\ude00\":\"smile\",\"\uffff\":\"max\"}"`,
  hash: 'be0f181f747ccc9cf497de9735e17c4c5867a64185855fc50d392980a4ffcdcb',
};

const CONTENT = {
  literal: String.raw`"{\"arrivedAt\":\"2026-11-23T01:30:00Z\",\"checklist\":{\"customer_tested_service\":true,\"photos_before\":[\"7d1c2f4e-0000-4000-8000-000000000001\"],\"uniform\":true,\"visit_time\":\"\u4e0b\u5348\u4e24\u70b9\"},\"parts\":[{\"name\":\"\u5149\u732b\u7535\u6e90\",\"part_no\":\"PWR-12V\",\"quantity\":1},{\"name\":\"Drop cable 10m\",\"part_no\":\"\",\"quantity\":2}],\"photos\":[\"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\",\"ab00000000000000000000000000000000000000000000000000000000000000\"],\"resolution\":\"\u66f4\u6362\u5149\u732b\u7535\u6e90\u9002\u914d\u5668\uff0c\u7ebf\u8def\u6d4b\u8bd5\u6b63\u5e38\",\"v\":1,\"workDoneAt\":\"2026-11-23T02:45:10Z\",\"workOrder\":\"WO-20261123-0042\"}"`,
  hash: 'db85404476b92be3373c2d3bcb7c7d499d84393abd0ab6b56d366f23f172f56a',
};

const EMPTY = {
  literal: String.raw`"{\"arrivedAt\":null,\"checklist\":{},\"parts\":[],\"photos\":[],\"resolution\":\"done\",\"v\":1,\"workDoneAt\":null,\"workOrder\":\"WO-1\"}"`,
  hash: 'd7440b116ff450a8b0c813d71a8b20d58dbfedeb603260d5c1c30a459ea04888',
};

const tricky: Json = {
  '10': 1,
  '9': 2,
  b: [1, 2.5, 'é', true, false, null],
  a: null,
  '': -0,
  '\u2028': '\u{1F600}',
  '\uffff': 'max',
  '\u{1F600}': 'smile',
  z: 1e21,
  y: 1e-7,
  x: 0.1,
  w: 123456789.125,
  lone: '\ud800x\udc00',
  ctl: '\x00\x08\x09\x0a\x0b\x0c\x0d\x1f\x7f"\\/',
  big: 2 ** 60,
  neg: -1.5e-10,
  n: [[], {}],
};

const order = (fields: Partial<WorkOrder>): ContentOrder => ({ number: 'WO-1', resolution: '', partsUsed: [], arrivedAt: null, workDoneAt: null, ...fields });
type ContentOrder = Parameters<typeof buildContent>[0]['order'];
const doc = (id: string, fields: Record<string, Json>, version = 1): Doc => ({ id, version, deleted: false, ...fields });

describe('canonical JSON', () => {
  it('writes the documented example exactly as the server', async () => {
    const value = JSON.parse(parse(EXAMPLE.literal)) as Json;
    expect(canonicalJson(value)).toBe(parse(EXAMPLE.literal));
    expect(await sha256Hex(value)).toBe(EXAMPLE.hash);
  });

  it('sorts keys by UTF-16 units (integer-like keys too), formats numbers and escapes like Python', async () => {
    expect(canonicalJson(tricky)).toBe(parse(TRICKY.literal));
    expect(await sha256Hex(tricky)).toBe(TRICKY.hash);
    expect(canonicalJson({ b: [1, 2.5, 'é'], a: null })).toBe('{"a":null,"b":[1,2.5,"é"]}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(NaN)).toThrow();
    expect(() => canonicalJson([Infinity])).toThrow();
  });

  it('hashes the same without crypto.subtle', () => {
    const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    expect(hex(sha256Bytes(new TextEncoder().encode(parse(CONTENT.literal))))).toBe(CONTENT.hash);
    expect(hex(sha256Bytes(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const long = new TextEncoder().encode('a'.repeat(1000));
    expect(hex(sha256Bytes(long))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });
});

describe('signed content', () => {
  it('builds the server document from the replica (answers, photos, times to the second)', async () => {
    const source = {
      order: order({
        number: 'WO-20261123-0042',
        resolution: '  更换光猫电源适配器，线路测试正常\n',
        partsUsed: [
          { name: '光猫电源', part_no: 'PWR-12V', quantity: 1 },
          { name: 'Drop cable 10m', part_no: '', quantity: 2 },
        ],
        arrivedAt: '2026-11-23T01:30:00.999999Z',
        workDoneAt: '2026-11-23T10:45:10.250+08:00',
      }),
      runs: [
        doc('run-new', { answers: { uniform: false } }, 0),
        doc('run', {
          answers: {
            uniform: { value: true, at: '2026-11-23T01:00:00Z', by: 'u1' },
            visit_time: { value: '下午两点', at: '2026-11-23T01:00:00Z', by: 'u1' },
            photos_before: { value: ['7d1c2f4e-0000-4000-8000-000000000001'] },
            customer_tested_service: true,
            cleared: { value: null },
          },
        }),
        { ...doc('old', { answers: {} }), deleted: true },
      ],
      photos: [
        doc('p1', { sha256: 'AB' + '0'.repeat(62) }),
        doc('p2', { sha256: 'ab' + '0'.repeat(62) }),
        doc('p3', { sha256: '0f'.repeat(32) }),
        { ...doc('p4', { sha256: 'ff'.repeat(32) }), deleted: true },
      ],
    };
    expect(canonicalJson(buildContent(source))).toBe(parse(CONTENT.literal));
    expect(await contentHash(source)).toBe(CONTENT.hash);
  });

  it('has empty parts, checklist and photos and null times when nothing was recorded', async () => {
    const source = { order: order({ resolution: '\u3000\x1cdone\x85 ' }), runs: [], photos: [] };
    expect(canonicalJson(buildContent(source))).toBe(parse(EMPTY.literal));
    expect(await contentHash(source)).toBe(EMPTY.hash);
  });

  it('strips white space as Python does and cuts times to the second', () => {
    expect(pyStrip('\ufeff x \u3000')).toBe('\ufeff x');
    expect(wholeSecond('2026-11-23T02:15:00.250000Z')).toBe('2026-11-23T02:15:00Z');
    expect(wholeSecond('2026-11-23T10:15:59.999+08:00')).toBe('2026-11-23T02:15:59Z');
    expect(wholeSecond(null)).toBeNull();
  });
});

describe('signature and rating records', () => {
  const strokes = [{ points: [{ x: 10, y: 20, time: 1, pressure: 0.5 }, { x: 30.5, y: 22, time: 9, pressure: 0.5 }], penColor: '#10243a', dotSize: 0, minWidth: 0.8, maxWidth: 2.6 }];
  const base = {
    workOrderId: 'wo1',
    strokes,
    canvasWidth: 340,
    canvasHeight: 220,
    signerName: ' 张三 ',
    signerRelation: 'customer' as const,
    language: 'zh-CN' as const,
    signedAt: '2026-11-23T03:00:00Z',
    contentHash: 'a'.repeat(64),
    position: null,
  };

  it('carries the consent text word for word and the fields the server expects', () => {
    expect(signatureProblem(base)).toBeNull();
    const fields = signatureFields(base);
    expect(Object.keys(fields).sort()).toEqual(
      ['accuracyM', 'canvasHeight', 'canvasWidth', 'consentText', 'consentVersion', 'contentHash', 'language', 'latitude', 'longitude', 'signedAt', 'signerName', 'signerRelation', 'strokes', 'workOrderId'].sort(),
    );
    expect(fields).toMatchObject({ signerName: '张三', consentVersion: 1, consentText: CONSENT['zh-CN'].text, latitude: null, longitude: null });
    expect(signatureFields({ ...base, language: 'en', position: { latitude: 31.2, longitude: 121.5, accuracyM: 12 } })).toMatchObject({
      consentText: CONSENT.en.text,
      language: 'en',
      latitude: 31.2,
      longitude: 121.5,
      accuracyM: 12,
    });
    expect(consentLanguage('zh_Hans')).toBe('zh-CN');
    expect(consentLanguage('fr')).toBe('en');
  });

  it('are refused on the device for what the server would refuse', () => {
    expect(signatureProblem({ ...base, strokes: [] })).toBe('empty');
    expect(signatureProblem({ ...base, strokes: [{ points: [] }] })).toBe('empty');
    expect(signatureProblem({ ...base, signerName: '  ' })).toBe('name');
    expect(signatureProblem({ ...base, signerName: '名'.repeat(101) })).toBe('nameTooLong');
    expect(signatureProblem({ ...base, signerRelation: 'neighbour' as never })).toBe('relation');
    expect(signatureProblem({ ...base, canvasWidth: 0 })).toBe('canvas');
    const huge = [{ points: Array.from({ length: 5000 }, (_, i) => ({ x: i + 0.123456789, y: i + 0.987654321, time: 1700000000000 + i, pressure: 0.5 })) }];
    expect(signatureProblem({ ...base, strokes: huge })).toBe('tooLarge');
  });

  it('accepts ratings of 1 to 5 only', () => {
    for (const score of [1, 2, 3, 4, 5]) expect(ratingProblem(score, '')).toBeNull();
    for (const score of [0, 6, -1, 2.5, NaN, '5', null, true]) expect(ratingProblem(score, '')).toBe('score');
    expect(ratingProblem(5, 'x'.repeat(2000))).toBeNull();
    expect(ratingProblem(5, 'x'.repeat(2001))).toBe('commentTooLong');
    expect(ratingFields('wo1', 4, '  很好 ')).toEqual({ workOrderId: 'wo1', score: 4, comment: '很好' });
  });

  it('picks the signature that stands: not superseded, signed last', () => {
    const s = (id: string, signedAt: string, supersededById: string | null = null): Doc => ({ id, version: 1, deleted: false, signedAt, supersededById });
    expect(currentSignature([s('a', '2026-11-23T01:00:00Z'), s('b', '2026-11-23T02:00:00Z'), s('c', '2026-11-23T03:00:00Z', 'b')])?.id).toBe('b');
  });
});

describe('saving on the device', () => {
  it('queues the signature with the hash of the replica at signing time, then the rating', async () => {
    const db = freshDb();
    await db.docs('workOrders').put({
      ...workOrder('wo1', { status: 'work_done' }),
      number: 'WO-1',
      resolution: '\u3000\x1cdone\x85 ',
      partsUsed: [],
      arrivedAt: null,
      workDoneAt: null,
    });
    const sig = await saveSignature(
      db,
      { workOrderId: 'wo1', strokes: [{ points: [{ x: 1, y: 2 }] }], canvasWidth: 300, canvasHeight: 200, signerName: 'Li', signerRelation: 'tenant', language: 'en', position: null },
      new Date('2026-11-23T03:04:05.678Z'),
    );
    expect(sig).toMatchObject({ contentHash: EMPTY.hash, signedAt: '2026-11-23T03:04:05Z', signerRelation: 'tenant', consentText: CONSENT.en.text });
    await saveRating(db, 'wo1', 5, '');
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => [e.collection, e.assumedMasterState])).toEqual([
      ['signatures', null],
      ['ratings', null],
    ]);
    const loaded = await loadCompletion(db, 'wo1');
    expect(loaded?.signature?.id).toBe(sig.id);
    expect(loaded?.rating?.score).toBe(5);
  });
});
