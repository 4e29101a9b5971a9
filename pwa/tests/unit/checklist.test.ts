import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoorstepDb } from '../../src/data/db';
import { flushOutbox, holds } from '../../src/data/push';
import { addPhotoAnswer, removePhotoAnswer, runOf, setAnswer } from '../../src/features/checklist/answers';
import { type PhraseBookDoc, activeBook, findPhrase, phraseText, renderPhrase } from '../../src/features/checklist/phrases';
import {
  type ChecklistTemplate,
  type TemplateDoc,
  acceptable,
  checklistLocked,
  langOf,
  progressOf,
  templateFor,
} from '../../src/features/checklist/template';
import { FakeServer, apiFor, freshDb } from './helpers';

// The template and phrase book the server seeds: the checklist is tested on the real content.
const content = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../server/checklists/content/${name}`, import.meta.url), 'utf8'));
const ETIQUETTE = content('etiquette.json') as TemplateDoc;
const PHRASES = content('phrases.json') as PhraseBookDoc['document'];

let db: DoorstepDb;
afterEach(() => db?.close());

const WO = '0531b3ae-4086-4dcb-b0b6-459a685fcb50';

describe('answering the checklist', () => {
  it('creates the run with the first answer: document and outbox entry together', async () => {
    db = freshDb();
    await setAnswer(db, WO, 'uniform', true);
    const run = await runOf(db, WO);
    expect(run?.answers).toEqual({ uniform: { value: true } });
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.collection).toBe('checklistRuns');
    expect(entries[0]?.assumedMasterState).toBeNull();
    // Only the device's fields: the server fills templateId, technicianId and completedAt.
    expect(Object.keys(entries[0]?.newDocumentState ?? {}).sort()).toEqual(['answers', 'deleted', 'id', 'version', 'workOrderId']);
  });

  it('adds later answers to the same run, folded into the unsent change', async () => {
    db = freshDb();
    await setAnswer(db, WO, 'uniform', true);
    await setAnswer(db, WO, 'agreed_visit_time', '下午两点');
    await setAnswer(db, WO, 'badge', true);
    await setAnswer(db, WO, 'badge', null); // a mistaken tap undone
    expect(await db.docs('checklistRuns').count()).toBe(1);
    const [entry] = await db.outbox.toArray();
    expect(entry?.newDocumentState.answers).toEqual({ uniform: { value: true }, agreed_visit_time: { value: '下午两点' } });
  });

  it('keeps answers the server stamped when another one is added', async () => {
    db = freshDb();
    const id = 'fa654ec7-c0d6-4888-93cc-5daa2b20ef2a';
    const stamped = { uniform: { value: true, at: '2026-11-23T16:08:58.472512+00:00', by: 'u1' } };
    await db.docs('checklistRuns').put({ id, version: 5, deleted: false, workOrderId: WO, answers: stamped, templateId: 't1' });
    await setAnswer(db, WO, 'badge', true);
    const [entry] = await db.outbox.toArray();
    expect(entry?.assumedMasterState?.answers).toEqual(stamped);
    expect(entry?.newDocumentState.answers).toEqual({ ...stamped, badge: { value: true } });
  });

  it('writes nothing when the transaction fails', async () => {
    db = freshDb();
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(setAnswer(db, WO, 'uniform', true)).rejects.toThrow('disk full');
    expect(await db.docs('checklistRuns').count()).toBe(0);
    expect(await db.masters.count()).toBe(0);
  });

  it('keeps a photo item’s list of photo ids', async () => {
    db = freshDb();
    await addPhotoAnswer(db, WO, 'protective_sheet', 'p1');
    await addPhotoAnswer(db, WO, 'protective_sheet', 'p2');
    await addPhotoAnswer(db, WO, 'protective_sheet', 'p2');
    expect((await runOf(db, WO))?.answers.protective_sheet?.value).toEqual(['p1', 'p2']);
    await removePhotoAnswer(db, WO, 'protective_sheet', 'p1');
    await removePhotoAnswer(db, WO, 'protective_sheet', 'p2');
    expect((await runOf(db, WO))?.answers.protective_sheet).toBeUndefined();
  });

  it('is not put in "needs attention" when the server answers with its own stamps', async () => {
    db = freshDb();
    const server = new FakeServer();
    server.pushHandler = (_c, rows) =>
      rows.map((r) => {
        const answers = r.newDocumentState.answers as Record<string, { value: unknown }>;
        const stampedAnswers = Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, { ...a, at: '2026-11-23T16:08:58+00:00', by: 'u1' }]));
        return { ...r.newDocumentState, version: 9, answers: stampedAnswers, templateId: 't1', technicianId: 'u1', completedAt: null } as never;
      });
    await setAnswer(db, WO, 'uniform', true);
    const result = await flushOutbox(db, apiFor(server));
    expect(result.sent).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await runOf(db, WO))?.answers.uniform).toMatchObject({ value: true, by: 'u1' });
  });
});

describe('holds (what a push answer keeps of the sent value)', () => {
  it('ignores keys the server adds, not values it changed', () => {
    expect(holds({ a: { value: true } }, { a: { value: true, at: 'x' } })).toBe(true);
    expect(holds({ a: { value: true } }, { a: { value: false, at: 'x' } })).toBe(false);
    expect(holds([{ name: 'x' }], [{ name: 'x', id: 1 }])).toBe(true);
    expect(holds([1, 2], [1])).toBe(false);
    expect(holds('2026-11-23T02:15:00.000Z', '2026-11-23T02:15:00Z')).toBe(true);
  });
});

describe('the template', () => {
  const tpl = (id: string, version: number, active = true): ChecklistTemplate =>
    ({ id, version: 1, deleted: false, key: 'etiquette', templateVersion: version, titleEn: '', titleZh: '', active, document: { ...ETIQUETTE, version } }) as unknown as ChecklistTemplate;

  it('is the run’s own version, else the newest active one', () => {
    const list = [tpl('a', 1), tpl('b', 2), tpl('c', 3, false)];
    expect(templateFor(list, undefined)?.id).toBe('b');
    expect(templateFor(list, { id: 'r', version: 1, deleted: false, workOrderId: WO, answers: {}, templateId: 'a' })?.id).toBe('a');
  });

  it('counts the required items done, by evidence kind', () => {
    const empty = progressOf(ETIQUETTE, {});
    expect(empty.done).toBe(0);
    expect(empty.required).toBe(18);
    expect(empty.missing[0]).toBe('uniform');
    const some = progressOf(ETIQUETTE, {
      uniform: { value: true },
      agreed_visit_time: { value: '  ' }, // blank text does not count
      protective_sheet: { value: ['p1'] },
      customer_tested_service: { value: true },
      gifts_declined: { value: true }, // optional: answered, not required
      badge: { value: false },
    });
    expect(some.done).toBe(3);
    expect(some.answered).toBe(4);
    expect(some.missing).toContain('agreed_visit_time');
    expect(some.missing).not.toContain('protective_sheet');
  });

  it('accepts what the server accepts', () => {
    expect(acceptable({ evidence: 'check' }, true)).toBe(true);
    expect(acceptable({ evidence: 'check' }, 'yes')).toBe(false);
    expect(acceptable({ evidence: 'customer_confirm' }, true)).toBe(true);
    expect(acceptable({ evidence: 'text' }, 'ok')).toBe(true);
    expect(acceptable({ evidence: 'photo' }, [])).toBe(false);
    expect(acceptable({ evidence: 'photo' }, ['p1', ''])).toBe(false);
  });

  it('locks from work done on, also while such an order is on hold', () => {
    expect(checklistLocked({ status: 'on_site' })).toBe(false);
    expect(checklistLocked({ status: 'work_done' })).toBe(true);
    expect(checklistLocked({ status: 'on_hold', statusBeforeHold: 'customer_signed' })).toBe(true);
    expect(checklistLocked({ status: 'on_hold', statusBeforeHold: 'on_site' })).toBe(false);
  });
});

describe('standard phrases', () => {
  const book = { id: 'b', version: 1, deleted: false, active: true, document: PHRASES } as unknown as PhraseBookDoc;

  it('come in the customer’s language with known values filled and the rest left as blanks', () => {
    const phrase = findPhrase(activeBook([book]), 'introduce_at_door');
    expect(phrase).toBeDefined();
    const zh = renderPhrase(phrase!, 'zh-CN', { technician: '张伟' });
    expect(phraseText(zh)).toContain('张伟');
    expect(zh.filter((s) => s.blank).map((s) => s.text)).toEqual(['［公司名称］']);
    const en = renderPhrase(phrase!, 'en', { technician: 'Zhang Wei', company: 'Doorstep' });
    expect(phraseText(en)).toBe(PHRASES.phrases.find((p) => p.situation === 'introduce_at_door')!.text.en.replace('{technician}', 'Zhang Wei').replace('{company}', 'Doorstep'));
    expect(en.some((s) => s.blank)).toBe(false);
  });

  it('pick Chinese for any Chinese tag', () => {
    expect(langOf('zh-CN')).toBe('zh-CN');
    expect(langOf('zh_Hans')).toBe('zh-CN');
    expect(langOf('en-GB')).toBe('en');
    expect(langOf('')).toBe('en');
  });
});
