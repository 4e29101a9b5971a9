/** Parts used on the visit: a list the technician adds to and trims; every change writes the
 * whole list (the field is an array owned by the technician, so his version wins a merge). */

import { useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { db } from '../../app/services';
import { edit } from '../../data/outbox';
import type { PartUsed, WorkOrder } from '../../data/types';

export function PartsEditor({ order }: { order: WorkOrder }) {
  const parts: PartUsed[] = Array.isArray(order.partsUsed) ? order.partsUsed : [];
  const [name, setName] = useState('');
  const [partNo, setPartNo] = useState('');
  const [qty, setQty] = useState('1');

  const write = (next: PartUsed[]): Promise<unknown> => edit(db, 'workOrders', order.id, { partsUsed: next });

  const add = async (): Promise<void> => {
    const quantity = Math.max(1, Math.floor(Number(qty) || 1));
    if (!name.trim()) return;
    await write([...parts, { name: name.trim(), part_no: partNo.trim(), quantity }]);
    setName('');
    setPartNo('');
    setQty('1');
  };

  const setQuantity = (i: number, quantity: number): void => {
    if (quantity < 1) return;
    void write(parts.map((p, j) => (j === i ? { ...p, quantity } : p)));
  };

  return (
    <div class="parts">
      {parts.length === 0 && <p class="muted">{t('parts.none')}</p>}
      <ul class="list">
        {parts.map((p, i) => (
          <li key={`${i}-${p.name}`} class="row spread">
            <span>
              <strong>{p.name}</strong> {p.part_no && <span class="muted small">{p.part_no}</span>}
            </span>
            <span class="row">
              <button type="button" class="btn small" aria-label={t('parts.less')} onClick={() => setQuantity(i, p.quantity - 1)}>
                −
              </button>
              <span class="qty">{p.quantity}</span>
              <button type="button" class="btn small" aria-label={t('parts.more')} onClick={() => setQuantity(i, p.quantity + 1)}>
                +
              </button>
              <button type="button" class="btn small danger" onClick={() => void write(parts.filter((_, j) => j !== i))}>
                {t('parts.remove')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form
        class="add-part"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input placeholder={t('parts.name')} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <input placeholder={t('parts.partNo')} value={partNo} onInput={(e) => setPartNo(e.currentTarget.value)} />
        <input type="number" inputMode="numeric" min={1} aria-label={t('parts.quantity')} value={qty} onInput={(e) => setQty(e.currentTarget.value)} />
        <button type="submit" class="btn" disabled={!name.trim()}>
          {t('parts.add')}
        </button>
      </form>
    </div>
  );
}
