import { describe, expect, it } from 'vitest';
import { Api, type FetchLike } from '../../src/data/api';
import { type Sender, attach, flushLinks, readLinks, unqueue } from '../../src/features/knowledge/queue';
import { attachTarget, queryTokens, rank, searchable } from '../../src/features/knowledge/search';
import { freshDb } from './helpers';

// searchTerms exactly as server/knowledge/tokens.py computes them (docs/knowledge-search.md vectors).
const DOC_ENTRIES = [
  {
    id: 'a',
    searchTerms:
      '光 猫 光猫 los 红 灯 闪 烁 红灯 灯闪 闪烁 光 猫 光猫 los 红 灯 闪 烁 红灯 灯闪 闪烁 光 猫 光猫 los 红 灯 闪 烁 红灯 灯闪 闪烁 re splice the fibre',
  },
  {
    id: 'b',
    searchTerms:
      '机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮 机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮 机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮 stb stb',
  },
  { id: 'c', searchTerms: 'printer paper jam printer paper jam printer paper jam 卡 纸 卡纸 卡 纸 卡纸' },
];

const MORE_ENTRIES = [
  { id: 'both', searchTerms: '光 猫 红 灯 闪 烁 光猫 猫红 红灯 灯闪 闪烁 光 猫 红 灯 闪 烁 光猫 猫红 红灯 灯闪 闪烁 光 猫 红 灯 闪 烁 光猫 猫红 红灯 灯闪 闪烁' },
  { id: 'only-onu', searchTerms: '光 猫 无 法 注 册 光猫 猫无 无法 法注 注册 光 猫 无 法 注 册 光猫 猫无 无法 法注 注册 光 猫 无 法 注 册 光猫 猫无 无法 法注 注册' },
  { id: 'only-red', searchTerms: '机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮 机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮 机 顶 盒 红 灯 常 亮 机顶 顶盒 盒红 红灯 灯常 常亮' },
  { id: 'none', searchTerms: '打 印 机 卡 纸 打印 印机 机卡 卡纸 打 印 机 卡 纸 打印 印机 机卡 卡纸 打 印 机 卡 纸 打印 印机 机卡 卡纸' },
  {
    id: 'stb-en',
    searchTerms:
      'set top box shows no signal set top box shows no signal set top box shows no signal stb stb 机 顶 盒 机顶 顶盒 hdmi 线 松 动 线松 松动 reseat the hdmi cable',
  },
];

type Vector = [query: string, tokens: string[], ranking: [string, number][]];

// Each row: the server's query_tokens and rank() output (python, server/knowledge/tokens.py).
const DOC_VECTORS: Vector[] = [
  ['光猫 红灯', ['光猫', '红灯'], [['a', 2.1890885524327195], ['b', 0.6908242998827407]]],
  ['红灯', ['红灯'], [['a', 0.7091647680212206], ['b', 0.6908242998827407]]],
  ['灯', ['灯'], [['a', 0.7091647680212206], ['b', 0.6908242998827407]]],
  ['paper JAM', ['paper', 'jam'], [['c', 3.465935495098432]]],
  ['ＳＴＢ 红灯', ['stb', '红灯'], [['b', 1.927285576322662], ['a', 0.7091647680212206]]],
  ['ONU 红灯', ['onu', '红灯'], [['a', 0.7091647680212206], ['b', 0.6908242998827407]]],
  ['机顶盒 no signal', ['机顶', '顶盒', 'no', 'signal'], [['b', 2.8832997868706784]]],
  ['wi-fi', ['wi', 'fi'], []],
  ['Red light, red LIGHT!', ['red', 'light'], []],
  ['ＯＮＵ　２号', ['onu', '2', '号'], []],
  [' ,。!?—', [], []],
  ['光猫 红灯闪', ['光猫', '红灯', '灯闪'], [['a', 3.6690123368442182], ['b', 0.6908242998827407]]],
];

const MORE_VECTORS: Vector[] = [
  ['光猫 红灯', ['光猫', '红灯'], [['both', 2.758552436567949], ['only-onu', 1.3792762182839744], ['only-red', 1.328023179619417]]],
  ['机顶盒 no signal', ['机顶', '顶盒', 'no', 'signal'], [['stb-en', 6.029938516530096], ['only-red', 2.656046359238834]]],
  ['HDMI', ['hdmi'], [['stb-en', 1.8808144323317866]]],
  ['STB 红灯常亮', ['stb', '红灯', '灯常', '常亮'], [['only-red', 5.533841084453833], ['stb-en', 1.8808144323317866], ['both', 1.3792762182839744]]],
  ['卡纸', ['卡纸'], [['none', 2.271741963762033]]],
];

function check(vectors: Vector[], entries: { id: string; searchTerms: string }[]): void {
  for (const [query, tokens, ranking] of vectors) {
    expect(queryTokens(query), query).toEqual(tokens);
    const hits = rank(query, entries);
    expect(hits.map((h) => h.entry.id), query).toEqual(ranking.map(([id]) => id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(ranking[i]?.[1] ?? NaN, 9));
  }
}

describe('knowledge tokenizer', () => {
  it('tokenizes queries like the server (bigrams, a lone character, NFKC, lowercase, de-duplicated)', () => {
    expect(queryTokens('光猫 红灯闪')).toEqual(['光猫', '红灯', '灯闪']);
    expect(queryTokens('灯')).toEqual(['灯']);
    expect(queryTokens('Red light, red LIGHT!')).toEqual(['red', 'light']);
    expect(queryTokens('ＯＮＵ　２号')).toEqual(['onu', '2', '号']);
    expect(queryTokens(' ,。!?—')).toEqual([]);
    expect(queryTokens('光猫LOS红灯')).toEqual(['光猫', 'los', '红灯']);
  });
});

describe('knowledge ranking', () => {
  it('matches the documented vectors (Chinese, English, mixed, full-width)', () => check(DOC_VECTORS, DOC_ENTRIES));
  it('matches the server on more entries', () => check(MORE_VECTORS, MORE_ENTRIES));

  it('breaks ties by id and ignores empty terms', () => {
    const same = 'no dial tone no dial tone no dial tone';
    expect(rank('dial', [{ id: 'b', searchTerms: same }, { id: 'a', searchTerms: `  ${same} ` }]).map((h) => h.entry.id)).toEqual(['a', 'b']);
    expect(rank(' ,。', [{ id: 'a', searchTerms: '光猫' }])).toEqual([]);
  });

  it('searches live, unmerged entries and attaches a merged entry as its target', () => {
    const entries = [
      { id: 'x', deleted: false, mergedIntoId: null },
      { id: 'y', deleted: false, mergedIntoId: 'x' },
      { id: 'z', deleted: true, mergedIntoId: null },
    ];
    expect(searchable(entries).map((e) => e.id)).toEqual(['x']);
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(attachTarget('y', byId)).toBe('x');
    expect(attachTarget('x', byId)).toBe('x');
  });
});

describe('solution-used queue', () => {
  const setup = () => {
    const db = freshDb();
    const calls: Record<string, unknown>[] = [];
    let mode: 'ok' | 'offline' | 'notFound' = 'offline';
    const fetch: FetchLike = async (_url, init) => {
      if (mode === 'offline') throw new TypeError('Failed to fetch');
      const body = JSON.parse(String(init.body)) as { variables: Record<string, unknown> };
      calls.push(body.variables);
      const answer =
        mode === 'notFound'
          ? { data: null, errors: [{ message: 'No such knowledge entry.', extensions: { code: 'NOT_FOUND' } }] }
          : { data: { attachSolution: { id: 'use1', entryId: `target-of-${String(body.variables.e)}` } } };
      return new Response(JSON.stringify(answer), { status: 200 });
    };
    const sender: Sender = { db, api: new Api({ fetch, auth: null }), userId: () => 'u1', online: () => true };
    return { db, calls, sender, setMode: (m: typeof mode) => (mode = m) };
  };

  it('keeps a link made offline and sends it when the network is back', async () => {
    const { db, calls, sender, setMode } = setup();
    await attach(sender, 'wo1', 'e1');
    expect((await readLinks(db)).map((l) => l.state)).toEqual(['queued']);
    setMode('ok');
    await flushLinks(sender);
    expect(calls).toEqual([{ w: 'wo1', e: 'e1' }]);
    expect(await readLinks(db)).toMatchObject([{ workOrderId: 'wo1', entryId: 'e1', attachedId: 'target-of-e1', state: 'sent' }]);
    await attach(sender, 'wo1', 'e1'); // already recorded: not sent twice
    expect(calls).toHaveLength(1);
  });

  it('marks a refused link and never sends another user\'s queue', async () => {
    const { db, calls, sender, setMode } = setup();
    await attach({ ...sender, userId: () => 'u2' }, 'wo9', 'e9');
    await attach(sender, 'wo1', 'gone');
    setMode('notFound');
    await flushLinks(sender);
    expect(calls).toEqual([{ w: 'wo1', e: 'gone' }]);
    const links = await readLinks(db);
    expect(links.find((l) => l.entryId === 'gone')).toMatchObject({ state: 'failed', message: 'No such knowledge entry.' });
    expect(links.find((l) => l.entryId === 'e9')?.state).toBe('queued');
    await unqueue(db, 'wo1', 'gone');
    expect((await readLinks(db)).map((l) => l.entryId)).toEqual(['e9']);
  });
});

describe('solution-used queue, offline first', () => {
  it('sends links queued while the device said it was offline once it is online again', async () => {
    const db = freshDb();
    let online = false;
    const calls: unknown[] = [];
    const fetch: FetchLike = async (_url, init) => {
      calls.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ data: { attachSolution: { id: 'u', entryId: 'e1' } } }), { status: 200 });
    };
    const sender: Sender = { db, api: new Api({ fetch, auth: null }), userId: () => 'u1', online: () => online };
    await attach(sender, 'wo1', 'e1');
    expect(calls).toHaveLength(0);
    online = true;
    await flushLinks(sender);
    expect(calls).toHaveLength(1);
    expect((await readLinks(db))[0]?.state).toBe('sent');
  });
});
