/** The status buttons: one big button for the next step, the side paths below it; moves that
 * need a reason open a small form first. */

import { useState } from 'preact/hooks';
import { type MessageKey, t } from '../../app/i18n';
import { db } from '../../app/services';
import { edit } from '../../data/outbox';
import type { WorkOrder } from '../../data/types';
import { localDay } from '../today/visits';
import { type ActionDef, type ActionInput, actionsFor, changesFor, missingInput } from './actions';

function tomorrow(): string {
  return localDay(Date.now() + 86_400_000);
}

export function StatusActions({ order }: { order: WorkOrder }) {
  const [open, setOpen] = useState<ActionDef | null>(null);
  const [input, setInput] = useState<ActionInput>({});
  const [problem, setProblem] = useState<'reason' | 'date' | null>(null);
  const [busy, setBusy] = useState(false);
  const actions = actionsFor(order.status);
  if (actions.length === 0) return null;

  const run = async (def: ActionDef, values: ActionInput): Promise<void> => {
    const missing = missingInput(def, values);
    if (missing) {
      setProblem(missing);
      return;
    }
    setBusy(true);
    try {
      await edit(db, 'workOrders', order.id, changesFor(def.id, order, values));
      setOpen(null);
      setInput({});
      setProblem(null);
    } finally {
      setBusy(false);
    }
  };

  if (open) {
    return (
      <form
        class="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void run(open, input);
        }}
      >
        <h3>{t(`action.${open.id}` as MessageKey)}</h3>
        <label class="field">
          <span>{t(open.id === 'report_late' ? 'action.lateReason' : 'action.cannotFinishReason')}</span>
          <textarea
            rows={3}
            value={input.reason ?? ''}
            onInput={(e) => setInput({ ...input, reason: e.currentTarget.value })}
          />
        </label>
        {open.needs === 'reason_and_date' && (
          <label class="field">
            <span>{t('action.nextVisitDate')}</span>
            <input
              type="date"
              min={localDay(Date.now())}
              value={input.nextVisitDate ?? ''}
              onInput={(e) => setInput({ ...input, nextVisitDate: e.currentTarget.value })}
            />
          </label>
        )}
        {problem && <p class="error">{t(problem === 'reason' ? 'action.needReason' : 'action.needDate')}</p>}
        <div class="row">
          <button type="submit" class="btn primary" disabled={busy}>
            {t('common.save')}
          </button>
          <button type="button" class="btn" onClick={() => (setOpen(null), setProblem(null))}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <div class="actions">
      {actions.map((def) => (
        <button
          key={def.id}
          type="button"
          class={`btn ${def.primary ? 'primary big' : ''}`}
          disabled={busy}
          onClick={() => {
            if (def.needs) {
              setInput(def.needs === 'reason_and_date' ? { nextVisitDate: tomorrow() } : {});
              setOpen(def);
            } else {
              void run(def, {});
            }
          }}
        >
          {t(`action.${def.id}` as MessageKey)}
        </button>
      ))}
    </div>
  );
}
