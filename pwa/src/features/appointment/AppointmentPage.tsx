/** Fixing the visit time with the customer (预约): call, propose a window, record who agreed to it,
 * or move it with a reason. All of it works offline; the desk sees it once the phone syncs. */

import { useState } from 'preact/hooks';
import { formatDateTime, formatTime, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLiveState } from '../../app/live';
import { db } from '../../app/services';
import { CallButton, Empty, Loading, Section } from '../../app/ui';
import { type AppointmentData, confirm, loadAppointment } from './data';
import { FINISHED, contactProblem, effectiveWindow } from './logic';
import { WindowForm } from './WindowForm';
import './appointment.css';

function ConfirmForm({ data, onDone }: { data: AppointmentData; onDone: () => void }) {
  const [contact, setContact] = useState(data.current?.customerContact || data.customer?.name || '');
  const [error, setError] = useState(false);
  const current = data.current;
  if (!current) return null;
  return (
    <form
      class="panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (contactProblem(contact)) return setError(true);
        void confirm(db, data.order, current, contact).then(onDone);
      }}
    >
      <label class="field">
        <span>{t('appointment.contact')}</span>
        <input value={contact} maxLength={100} onInput={(e) => setContact(e.currentTarget.value)} />
      </label>
      {error && <p class="error">{t('appointment.needContact')}</p>}
      <div class="row">
        <button type="submit" class="btn primary">
          {t('appointment.confirm')}
        </button>
        <button type="button" class="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function Current({ data, tz, onConfirm, onMove }: { data: AppointmentData; tz: string; onConfirm: () => void; onMove: () => void }) {
  const a = data.current;
  if (!a) return null;
  const w = effectiveWindow(a, data.pending);
  const moved = w.start !== a.windowStart || w.end !== a.windowEnd;
  // A queued move sends the visit back to "proposed" on the server, whatever the row shows now,
  // unless the customer's agreement to the new time was queued behind it.
  const confirmed = moved ? data.confirmedAfterMove : a.status === 'confirmed';
  return (
    <div class="panel appt-current">
      <p class="appt-when">
        {formatDateTime(w.start, tz)}–{formatTime(w.end, tz)}
      </p>
      <div class="row wrap">
        <span class={`chip ${confirmed ? 'ok-chip' : 'waiting'}`}>{t(confirmed ? 'appointment.status.confirmed' : 'appointment.status.proposed')}</span>
        {moved && <span class="chip waiting">{t('appointment.movedNotSent')}</span>}
        {a.version === 0 && <span class="chip waiting">{t('wo.notSentYet')}</span>}
      </div>
      {confirmed && a.customerContact && <p>{t('appointment.agreedWith', { name: a.customerContact })}</p>}
      {a.note && <p class="note">{a.note}</p>}
      {!FINISHED.has(data.order.status) && (
        <div class="actions">
          {!confirmed && (
            <button type="button" class="btn primary big" onClick={onConfirm}>
              {t('appointment.customerAgreed')}
            </button>
          )}
          <button type="button" class="btn" onClick={onMove}>
            {t('appointment.move')}
          </button>
        </div>
      )}
    </div>
  );
}

export default function AppointmentPage({ params }: RouteProps) {
  const id = params.id ?? '';
  const { ready, value } = useLiveState(() => loadAppointment(db, id), [id]);
  const [mode, setMode] = useState<'view' | 'confirm' | 'move' | 'propose'>('view');
  const [notice, setNotice] = useState('');
  if (!ready) return <Loading />;
  if (!value) return <Empty>{t('wo.notOnDevice')}</Empty>;
  const data = value;
  const tz = data.site?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const finished = FINISHED.has(data.order.status);
  const done = (message?: string): void => {
    setNotice(message ?? '');
    setMode('view');
  };

  return (
    <div class="page">
      <h1>{t('appointment.title', { number: data.order.number })}</h1>
      <p class="title">{data.customer?.name ?? ''}</p>
      <div class="row wrap">
        <CallButton phone={data.customer?.phone} />
        <CallButton phone={data.site?.contactPhone !== data.customer?.phone ? data.site?.contactPhone : ''} />
      </div>
      {notice && <p class="banner warn">{notice}</p>}
      {finished && <p class="muted">{t('appointment.finished')}</p>}

      {mode === 'confirm' ? (
        <ConfirmForm data={data} onDone={() => done()} />
      ) : mode === 'move' || mode === 'propose' ? (
        <WindowForm data={data} mode={mode} onDone={done} />
      ) : data.current ? (
        <Current data={data} tz={tz} onConfirm={() => setMode('confirm')} onMove={() => setMode('move')} />
      ) : (
        !finished && (
          <div class="panel">
            <p class="muted">{t('appointment.none')}</p>
            <button type="button" class="btn primary big" onClick={() => setMode('propose')}>
              {t('appointment.propose')}
            </button>
          </div>
        )
      )}

      {data.history.length > 0 && (
        <Section title={t('appointment.history')} count={data.history.length}>
          <ul class="list">
            {data.history.map((c) => (
              <li key={c.id}>
                {c.fromStart ? `${formatDateTime(String(c.fromStart), tz)} → ` : '→ '}
                {formatDateTime(String(c.toStart), tz)} · {String(c.reason ?? '')}{' '}
                <span class="muted small">{t(c.initiatedBy === 'customer' ? 'appointment.by.customer' : c.initiatedBy === 'desk' ? 'appointment.by.desk' : 'appointment.by.technician')}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
