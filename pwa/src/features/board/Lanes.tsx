/** One lane per technician: his visit windows on the day's timeline, then his cards. A card
 * dropped on a lane is assigned to that technician for the board's day. */

import { useState } from 'preact/hooks';
import { formatTime, t } from '../../app/i18n';
import type { BoardCard, Technician } from './api';
import { Card, type CardActions, DRAG_TYPE } from './Card';
import { type Lane, type ShapedBoard, nowMark, stackRows } from './shape';

function Timeline({ lane, board, now }: { lane: Lane; board: ShapedBoard; now: number }) {
  const rows = stackRows(lane.blocks);
  const height = Math.max(1, ...rows.map((r) => r + 1));
  const mark = nowMark(board.range, now);
  const tz = board.timezone;
  return (
    <div class="timeline" style={{ height: `${height * 1.9 + 1.4}rem` }} aria-hidden="true">
      {board.hours.map((h) => (
        <span key={h.at} class="hour" style={{ left: `${h.left}%` }}>
          {formatTime(new Date(h.at).toISOString(), tz)}
        </span>
      ))}
      {mark !== null && <span class="now" style={{ left: `${mark}%` }} />}
      {lane.blocks.map((b, i) => (
        <span
          key={b.appointment.id}
          class={`block ${b.appointment.confirmedWithCustomer ? 'confirmed' : 'proposed'}${b.clippedStart ? ' cut-start' : ''}${b.clippedEnd ? ' cut-end' : ''}`}
          style={{ left: `${b.left}%`, width: `${b.width}%`, top: `${(rows[i] ?? 0) * 1.9 + 1.3}rem` }}
          title={`${b.card.workOrder.number} ${formatTime(b.appointment.windowStart, tz)}–${formatTime(b.appointment.windowEnd, tz)} ${b.card.workOrder.customer.name}`}
        >
          {b.card.workOrder.number.slice(-4)} {b.card.workOrder.customer.name}
        </span>
      ))}
    </div>
  );
}

/** The windows again as text, for screen readers (the timeline itself is a picture). */
function WindowList({ lane, tz }: { lane: Lane; tz: string }) {
  if (!lane.blocks.length) return null;
  return (
    <ul class="sr-only">
      {lane.blocks.map((b) => (
        <li key={b.appointment.id}>
          {formatTime(b.appointment.windowStart, tz)}–{formatTime(b.appointment.windowEnd, tz)} {b.card.workOrder.number}{' '}
          {b.appointment.confirmedWithCustomer ? t('board.window.confirmed') : t('board.window.proposed')}
        </li>
      ))}
    </ul>
  );
}

export function LaneView(props: {
  lane: Lane;
  board: ShapedBoard;
  now: number;
  desk: boolean;
  technicians: Technician[];
  actions: CardActions;
  findCard(id: string): BoardCard | undefined;
}) {
  const { lane, board } = props;
  const [over, setOver] = useState(false);
  const headingId = `lane-${lane.technician.id}`;
  return (
    <section
      class={`lane${over ? ' drop' : ''}`}
      aria-labelledby={headingId}
      onDragOver={(e) => {
        if (!props.desk || !e.dataTransfer?.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        setOver(false);
        const id = e.dataTransfer?.getData(DRAG_TYPE);
        if (!props.desk || !id) return;
        e.preventDefault();
        const card = props.findCard(id);
        if (card && card.workOrder.assignedToId !== lane.technician.id) void props.actions.assign(card, lane.technician.id);
      }}
    >
      <h3 id={headingId} class="lane-head">
        <span>{lane.technician.displayName}</span>
        <span class="count" title={t('board.lane.openTitle')}>
          {t('board.lane.open', { n: lane.open, total: lane.cards.length })}
        </span>
        {lane.flagged > 0 && <span class="pill">{t('board.lane.flagged', { n: lane.flagged })}</span>}
        {lane.technician.territory && <span class="muted small">{lane.technician.territory}</span>}
      </h3>
      <Timeline lane={lane} board={board} now={props.now} />
      <WindowList lane={lane} tz={board.timezone} />
      <div class="lane-cards">
        {lane.cards.length === 0 && <p class="muted small">{props.desk ? t('board.lane.emptyDrop') : t('board.lane.empty')}</p>}
        {lane.cards.map((card) => (
          <Card
            key={card.workOrder.id}
            card={card}
            tz={board.timezone}
            date={board.date}
            desk={props.desk}
            technicians={props.technicians}
            actions={props.actions}
          />
        ))}
      </div>
    </section>
  );
}
