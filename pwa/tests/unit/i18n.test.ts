import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.json';
import zh from '../../src/i18n/zh-CN.json';
import { pickLocale } from '../../src/app/i18n';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

describe('messages', () => {
  it('have the same keys in English and Chinese', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('are never empty and keep their placeholders', () => {
    const zhMessages = zh as Record<string, string>;
    for (const [key, text] of Object.entries(en)) {
      expect(text.trim(), `en ${key}`).not.toBe('');
      expect((zhMessages[key] ?? '').trim(), `zh-CN ${key}`).not.toBe('');
      expect(placeholders(zhMessages[key] ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('pick the language from the browser', () => {
    expect(pickLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(['en-GB'])).toBe('en');
    expect(pickLocale(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(pickLocale(['fr-FR'])).toBe('en');
  });
});

// Feature folders carry their own message files; each pair must match like the core files.
const featureFiles = import.meta.glob<Record<string, string>>('../../src/features/*/messages.*.json', {
  eager: true,
  import: 'default',
});

describe('feature messages', () => {
  const byFeature = new Map<string, { en?: Record<string, string>; zh?: Record<string, string> }>();
  for (const [path, messages] of Object.entries(featureFiles)) {
    const feature = path.split('/').at(-2) ?? path;
    const entry = byFeature.get(feature) ?? {};
    if (path.endsWith('.en.json')) entry.en = messages;
    else entry.zh = messages;
    byFeature.set(feature, entry);
  }

  it('come in pairs with the same keys, none empty, placeholders kept, no clash with core keys', () => {
    for (const [feature, { en: fen, zh: fzh }] of byFeature) {
      expect(fen, `${feature} messages.en.json`).toBeDefined();
      expect(fzh, `${feature} messages.zh-CN.json`).toBeDefined();
      expect(Object.keys(fzh ?? {}).sort(), feature).toEqual(Object.keys(fen ?? {}).sort());
      for (const [key, text] of Object.entries(fen ?? {})) {
        expect(key in en, `${feature}: ${key} clashes with a core key`).toBe(false);
        expect(text.trim(), `${feature} en ${key}`).not.toBe('');
        expect((fzh?.[key] ?? '').trim(), `${feature} zh-CN ${key}`).not.toBe('');
        expect(placeholders(fzh?.[key] ?? ''), key).toEqual(placeholders(text));
      }
    }
  });
});
