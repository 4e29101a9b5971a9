/** The technician's notes on the order: progress note and resolution, saved as he types (each
 * pause writes through the outbox; unsent edits of the same field fold into one change). */

import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, t } from '../../app/i18n';
import { db } from '../../app/services';
import { edit } from '../../data/outbox';
import type { WorkOrder } from '../../data/types';

const SAVE_AFTER_MS = 800;

function TextField({ order, field, label }: { order: WorkOrder; field: 'progressNote' | 'resolution'; label: MessageKey }) {
  const stored = String(order[field] ?? '');
  const [text, setText] = useState(stored);
  const [state, setState] = useState<'idle' | 'dirty' | 'saved'>('idle');
  const focused = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A change from elsewhere (another tab, the server) shows up unless he is typing.
  useEffect(() => {
    if (!focused.current) setText(stored);
  }, [stored]);

  const save = async (typed: string): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    // Stored as the server stores it (trimmed), or the server's copy would differ and the
    // edit would come back as a lost change.
    const value = typed.trim();
    if (value === stored) return;
    await edit(db, 'workOrders', order.id, { [field]: value });
    setState('saved');
  };

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return (
    <label class="field">
      <span>
        {t(label)} {state === 'saved' && <small class="ok">{t('common.savedOnDevice')}</small>}
      </span>
      <textarea
        rows={4}
        value={text}
        onFocus={() => (focused.current = true)}
        onBlur={() => {
          focused.current = false;
          void save(text);
        }}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          setState('dirty');
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => void save(value), SAVE_AFTER_MS);
        }}
      />
    </label>
  );
}

export function FieldWork({ order }: { order: WorkOrder }) {
  return (
    <div>
      <TextField order={order} field="progressNote" label="wo.progressNote" />
      <TextField order={order} field="resolution" label="wo.resolution" />
    </div>
  );
}
