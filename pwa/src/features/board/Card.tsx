/** One work order on the board: who and where, the SLA clocks, the visit window, the flags the
 * desk acts on, and (for the desk) assign and reschedule. Cards can be dragged onto a lane. */

import { useState } from 'preact/hooks';
import { type MessageKey, formatTime, t, tMaybe } from '../../app/i18n';
import { FaultBadge, statusLabel } from '../../app/ui';
import type { BoardCard, Technician } from './api';
import { Reschedule } from './Reschedule';
import { type Countdown, activeFlags, compactDuration, currentWindow, openDeskTimer, resolveClock, respondClock } from './shape';

export const DRAG_TYPE = 'application/x-doorstep-order';

export interface CardActions {
  assign(card: BoardCard, technicianId: string): Promise<void>;
  /** After a reschedule the board refetches. */
  changed(): void;
}

function Clock({ label, clock, tz }: { label: string; clock: Countdown; tz: string }) {
  const time = compactDuration(clock.seconds);
  let text: string;
  if (clock.state === 'met') text = t('board.clock.met');
  else if (clock.state === 'breached') text = t('board.clock.over', { time });
  else if (clock.state === 'paused') text = t('board.clock.paused', { time });
  else text = t('board.clock.left', { time });
  const tone = clock.state === 'breached' ? 'over' : clock.state === 'soon' ? 'soon' : clock.state === 'met' ? 'met' : '';
  return (
    <span class={`clock ${tone}`} title={t('board.clock.due', { time: formatTime(clock.due, tz) })}>
      <span class="clock-label">{label}</span> {text}
    </span>
  );
}

function DeskDuty({ card }: { card: BoardCard }) {
  const timer = openDeskTimer(card);
  if (!timer) return null;
  const name = tMaybe(`board.timer.${timer.name}`, timer.name);
  const time = compactDuration(timer.leftSeconds);
  const over = timer.breached || timer.leftSeconds < 0;
  return (
    <span class={`clock ${over ? 'over' : 'soon'}`}>
      <span class="clock-label">{name}</span> {over ? t('board.clock.over', { time }) : t('board.clock.left', { time })}
    </span>
  );
}

function Window({ card, tz }: { card: BoardCard; tz: string }) {
  const w = currentWindow(card);
  if (!w) return null;
  return (
    <span class={`window ${w.confirmedWithCustomer ? 'confirmed' : 'proposed'}`}>
      {formatTime(w.windowStart, tz)}–{formatTime(w.windowEnd, tz)} {w.confirmedWithCustomer ? t('board.window.confirmed') : t('board.window.proposed')}
    </span>
  );
}

export function Flags({ card }: { card: BoardCard }) {
  const flags = activeFlags(card.flags);
  if (!flags.length) return null;
  return (
    <ul class="flags" aria-label={t('board.flags')}>
      {flags.map((f) => (
        <li key={f} class={`flag flag-${f}`}>
          {t(`board.flag.${f}` as MessageKey)}
        </li>
      ))}
    </ul>
  );
}

function AssignControl({ card, technicians, actions }: { card: BoardCard; technicians: Technician[]; actions: CardActions }) {
  const current = card.workOrder.assignedToId ?? '';
  const [pick, setPick] = useState(current);
  const [busy, setBusy] = useState(false);
  const id = `assign-${card.workOrder.id}`;
  return (
    <form
      class="assign"
      onSubmit={(e) => {
        e.preventDefault();
        if (!pick || pick === current) return;
        setBusy(true);
        void actions.assign(card, pick).finally(() => setBusy(false));
      }}
    >
      <label class="sr-only" for={id}>
        {t('board.assignTo', { number: card.workOrder.number })}
      </label>
      <select id={id} value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
        <option value="">{t('board.pickTechnician')}</option>
        {technicians.map((tech) => (
          <option key={tech.id} value={tech.id}>
            {tech.displayName}
          </option>
        ))}
      </select>
      <button type="submit" class="btn small" disabled={busy || !pick || pick === current}>
        {current ? t('board.reassign') : t('board.assign')}
      </button>
    </form>
  );
}

export function Card(props: { card: BoardCard; tz: string; date: string; desk: boolean; technicians: Technician[]; actions: CardActions }) {
  const { card, tz, desk } = props;
  const o = card.workOrder;
  const [moving, setMoving] = useState(false);
  const urgent = card.flags.respondBreached || card.flags.resolveBreached || card.flags.escalationPending || card.flags.lateReported;
  return (
    <article
      class={`bcard${urgent ? ' urgent' : ''}`}
      draggable={desk}
      onDragStart={(e) => {
        e.dataTransfer?.setData(DRAG_TYPE, o.id);
        e.dataTransfer?.setData('text/plain', o.number);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      }}
      aria-label={`${o.number} ${o.customer.name}`}
    >
      <header class="row spread">
        <strong class="num">{o.number}</strong>
        <span class="row wrap tight">
          <FaultBadge level={o.faultLevel} />
          <span class="chip">{tMaybe(`tier.${o.slaTier}`, o.slaTier)}</span>
          <span class={`chip status-${o.status.toLowerCase()}`}>{statusLabel(o.status.toLowerCase())}</span>
        </span>
      </header>
      <p class="who">
        {o.customer.name} · {o.site.name}
      </p>
      <p class="small muted addr">{o.site.address}</p>
      <p class="symptom-line" title={o.symptom}>
        {o.symptom}
      </p>
      <p class="clocks">
        <Clock label={t('board.respond')} clock={respondClock(card.sla)} tz={tz} />
        <Clock label={t('board.resolve')} clock={resolveClock(card.sla)} tz={tz} />
        <DeskDuty card={card} />
      </p>
      <Window card={card} tz={tz} />
      <Flags card={card} />
      {card.flags.lateReported && o.lateReason && <p class="small warn-text">{t('board.lateReason', { reason: o.lateReason })}</p>}
      {card.flags.escalationPending && o.escalationNote && <p class="small warn-text">{t('board.escalationNote', { note: o.escalationNote })}</p>}
      {desk && (
        <div class="card-actions">
          <AssignControl card={card} technicians={props.technicians} actions={props.actions} />
          <button type="button" class="btn small" aria-expanded={moving} onClick={() => setMoving(!moving)}>
            {currentWindow(card) ? t('board.reschedule') : t('board.propose')}
          </button>
        </div>
      )}
      {moving && (
        <Reschedule
          card={card}
          tz={tz}
          date={props.date}
          onDone={() => {
            setMoving(false);
            props.actions.changed();
          }}
          onCancel={() => setMoving(false)}
        />
      )}
    </article>
  );
}
