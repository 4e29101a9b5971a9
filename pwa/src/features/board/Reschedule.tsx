/** Move a visit (or propose the first time): date and window in the board's time zone, the reason
 * and who asked. The server answers with the technician's clashing appointments, shown before
 * the form closes so the desk can act on them. */

import { useMemo, useState } from 'preact/hooks';
import { formatTime, t } from '../../app/i18n';
import { api } from '../../app/services';
import { uuid } from '../../data/docs';
import { type BoardCard, type ClashInfo, type Initiator, changeWindow } from './api';
import { errorText } from './errors';
import { currentWindow } from './shape';
import { type WindowInput, dateIn, timeIn, windowFromInput } from './time';

const INITIATORS: readonly Initiator[] = ['DESK', 'CUSTOMER', 'TECHNICIAN'];

export function Reschedule(props: { card: BoardCard; tz: string; date: string; onDone(): void; onCancel(): void }) {
  const { card, tz } = props;
  const existing = currentWindow(card);
  const initial = useMemo<WindowInput>(() => {
    if (!existing) return { date: props.date, from: '09:00', to: '11:00' };
    const s = Date.parse(existing.windowStart);
    const e = Date.parse(existing.windowEnd);
    return { date: dateIn(s, tz), from: timeIn(s, tz), to: timeIn(e, tz) };
  }, [existing?.id]);
  const [input, setInput] = useState<WindowInput>(initial);
  const [reason, setReason] = useState('');
  const [by, setBy] = useState<Initiator>('DESK');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [clashes, setClashes] = useState<ClashInfo[] | null>(null);
  // One id per opened form: a resend after a timeout is applied once.
  const requestId = useMemo(() => uuid(), []);
  const base = `move-${card.workOrder.id}`;

  const submit = async (): Promise<void> => {
    setError('');
    const window = windowFromInput(input, tz);
    if (!window) return setError(t('board.move.badWindow'));
    if (existing && !reason.trim()) return setError(t('board.move.needReason'));
    setBusy(true);
    try {
      const found = await changeWindow(api, {
        appointmentId: existing?.id ?? null,
        workOrderId: card.workOrder.id,
        ...window,
        reason,
        initiatedBy: by,
        requestId,
      });
      if (found.length) setClashes(found);
      else props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (clashes) {
    return (
      <div class="move" role="status">
        <p class="warn-text">{t('board.move.clashes', { n: clashes.length })}</p>
        <ul class="small">
          {clashes.map((c) => (
            <li key={c.id}>
              {formatTime(c.windowStart, tz)}–{formatTime(c.windowEnd, tz)}
            </li>
          ))}
        </ul>
        <button type="button" class="btn small" onClick={props.onDone}>
          {t('board.close')}
        </button>
      </div>
    );
  }

  const field = (name: keyof WindowInput, type: string, label: string) => (
    <label class="field inline" for={`${base}-${name}`}>
      <span>{label}</span>
      <input
        id={`${base}-${name}`}
        type={type}
        required
        value={input[name]}
        onInput={(e) => setInput({ ...input, [name]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <form
      class="move"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
    >
      <div class="move-grid">
        {field('date', 'date', t('board.move.date'))}
        {field('from', 'time', t('board.move.from'))}
        {field('to', 'time', t('board.move.to'))}
      </div>
      <label class="field" for={`${base}-reason`}>
        <span>{existing ? t('board.move.reason') : t('board.move.note')}</span>
        <input id={`${base}-reason`} value={reason} required={!!existing} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {existing && (
        <label class="field" for={`${base}-by`}>
          <span>{t('board.move.by')}</span>
          <select id={`${base}-by`} value={by} onChange={(e) => setBy(e.currentTarget.value as Initiator)}>
            {INITIATORS.map((i) => (
              <option key={i} value={i}>
                {t(`board.move.by.${i}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="hint">{t('board.move.zone', { tz })}</p>
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button type="submit" class="btn small primary" disabled={busy}>
          {existing ? t('board.move.save') : t('board.move.propose')}
        </button>
        <button type="button" class="btn small" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
