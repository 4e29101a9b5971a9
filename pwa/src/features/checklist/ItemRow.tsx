/** One checklist item: its text (the technician's language), the hint, the standard phrase for
 * the situation (the customer's language), and the control its evidence asks for. */

import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { locale } from '../../app/i18n';
import { db } from '../../app/services';
import type { Json } from '../../data/docs';
import { PhotoButton } from '../photos/PhotoButton';
import { PhotoGrid } from '../photos/PhotoGrid';
import { addPhotoAnswer, removePhotoAnswer, setAnswer } from './answers';
import { type PhraseBookDoc, type PhraseValues, findPhrase, renderPhrase } from './phrases';
import { type Lang, type TemplateItem, acceptable, langOf, textIn } from './template';

export interface ItemProps {
  item: TemplateItem;
  value: Json | undefined;
  workOrderId: string;
  locked: boolean;
  book: PhraseBookDoc | undefined;
  customerLang: Lang;
  values: PhraseValues;
}

function Phrase({ item, book, customerLang, values }: Pick<ItemProps, 'item' | 'book' | 'customerLang' | 'values'>) {
  const phrase = findPhrase(book, item.phrase);
  if (!phrase) return null;
  const segments = renderPhrase(phrase, customerLang, values);
  return (
    <details class="phrase">
      <summary>
        {t('checklist.whatToSay')}: {textIn(phrase.title, langOf(locale.value))}
      </summary>
      <p lang={customerLang} class="phrase-text">
        {segments.map((s, i) => (s.blank ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
      </p>
    </details>
  );
}

const SAVE_AFTER_MS = 800;

function TextAnswer({ item, value, workOrderId, locked }: ItemProps) {
  const stored = typeof value === 'string' ? value : '';
  const [text, setText] = useState(stored);
  const focused = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // A change from elsewhere shows up unless he is typing.
  useEffect(() => {
    if (!focused.current) setText(stored);
  }, [stored]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const save = (v: string): void => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (v.trim() === stored.trim()) return;
    void setAnswer(db, workOrderId, item.key, v.trim() ? v : null);
  };
  return (
    <textarea
      rows={2}
      value={text}
      disabled={locked}
      aria-label={textIn(item.text, langOf(locale.value))}
      onFocus={() => (focused.current = true)}
      onBlur={() => {
        focused.current = false;
        save(text);
      }}
      onInput={(e) => {
        const v = e.currentTarget.value;
        setText(v);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => save(v), SAVE_AFTER_MS);
      }}
    />
  );
}

function PhotoAnswer({ item, value, workOrderId, locked }: ItemProps) {
  const ids = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return (
    <div>
      {ids.length > 0 && (
        <PhotoGrid workOrderId={workOrderId} only={ids} onRemoved={(id) => removePhotoAnswer(db, workOrderId, item.key, id)} />
      )}
      {!locked && (
        <PhotoButton
          workOrderId={workOrderId}
          checklistItem={item.key}
          caption={textIn(item.text, langOf(locale.value))}
          cameraOnly
          onTaken={(photo) => addPhotoAnswer(db, workOrderId, item.key, photo.id)}
        />
      )}
    </div>
  );
}

function Control(props: ItemProps) {
  const { item, value, workOrderId, locked } = props;
  const done = value === true;
  const toggle = (): void => void setAnswer(db, workOrderId, item.key, done ? null : true);
  switch (item.evidence) {
    case 'text':
      return <TextAnswer {...props} />;
    case 'photo':
      return <PhotoAnswer {...props} />;
    case 'customer_confirm':
      return done ? (
        <div class="row wrap">
          <span class="ok">✓ {t('checklist.customerConfirmed')}</span>
          {!locked && (
            <button type="button" class="btn small" onClick={toggle}>
              {t('checklist.undo')}
            </button>
          )}
        </div>
      ) : (
        <button type="button" class="btn" disabled={locked} onClick={toggle}>
          {t('checklist.customerConfirm')}
        </button>
      );
    default:
      return null;
  }
}

export function ItemRow(props: ItemProps) {
  const { item, value, workOrderId, locked } = props;
  const ui = langOf(locale.value);
  const ok = acceptable(item, value);
  const label = (
    <span>
      {textIn(item.text, ui)}
      {item.required && (
        <abbr class="req" title={t('checklist.required')}>
          {' '}*
        </abbr>
      )}
    </span>
  );
  return (
    <li class={`check-item ${ok ? 'done' : ''}`}>
      {item.evidence === 'check' ? (
        <label class="check-line">
          <input type="checkbox" checked={ok} disabled={locked} onChange={() => void setAnswer(db, workOrderId, item.key, ok ? null : true)} />
          {label}
        </label>
      ) : (
        <div class="check-line">
          <span class="mark" aria-hidden="true">
            {ok ? '✓' : '○'}
          </span>
          {label}
        </div>
      )}
      {item.hint && <p class="hint">{textIn(item.hint, ui)}</p>}
      <Phrase {...props} />
      {item.evidence !== 'check' && <Control {...props} />}
    </li>
  );
}
