/** Picking a visit window in the site's local time, for a new appointment or a move. Clashes with
 * the technician's other visits show while he types, before anything is saved, together with
 * the standard phrase for offering the customer another time and a free slot to offer. */

import { useState } from 'preact/hooks';
import { formatTime, t } from '../../app/i18n';
import { db } from '../../app/services';
import { type AppointmentData, propose, reschedule } from './data';
import { type Initiator, type Window, contactProblem, effectiveWindow, findClashes, windowProblem } from './logic';
import { OFFER_OTHER_TIME, fillPhrase, findPhrase, nextFreeSlot, phraseLanguage } from './phrase';
import { utcToZoned, zoneDiffers, zonedToUtc } from './zoned';

const DAY_MS = 86_400_000;

function customerTime(iso: string, lang: string, tz: string): string {
  const options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false };
  try {
    return new Intl.DateTimeFormat(lang, { ...options, timeZone: tz }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
  }
}

function defaultWindow(data: AppointmentData, tz: string): { day: string; start: string; end: string } {
  if (data.current) {
    const w = effectiveWindow(data.current, data.pending);
    return { day: utcToZoned(w.start, tz).day, start: utcToZoned(w.start, tz).time, end: utcToZoned(w.end, tz).time };
  }
  // The next full hour (or 09:00 on the scheduled day), two hours long.
  const next = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const here = utcToZoned(next, tz);
  const day = data.order.scheduledDate && data.order.scheduledDate > here.day ? data.order.scheduledDate : here.day;
  const start = day === here.day ? here.time : '09:00';
  const endHour = Math.min(Number(start.slice(0, 2)) + 2, 23);
  return { day, start, end: `${String(endHour).padStart(2, '0')}:${start.slice(3)}` };
}

export function WindowForm({ data, mode, onDone }: { data: AppointmentData; mode: 'propose' | 'move'; onDone: (note?: string) => void }) {
  const tz = data.site?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const initial = defaultWindow(data, tz);
  const [day, setDay] = useState(initial.day);
  const [start, setStart] = useState(initial.start);
  const [end, setEnd] = useState(initial.end);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [initiatedBy, setInitiatedBy] = useState<Initiator>('customer');
  const [agreed, setAgreed] = useState(false);
  const [contact, setContact] = useState(data.customer?.name ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const window: Window = { start: zonedToUtc(day, start, tz) ?? '', end: zonedToUtc(day, end, tz) ?? '' };
  const current = mode === 'move' && data.current ? effectiveWindow(data.current, data.pending) : undefined;
  const problem = windowProblem(window, current);
  const clashes = problem === 'order' ? [] : findClashes(window, data.order, data.appointments, data.orders, data.pending);
  // His other visits from the wanted start on, to find a free slot to offer.
  const busyLater = clashes.length
    ? findClashes({ start: window.start, end: new Date(Date.parse(window.start) + DAY_MS).toISOString() }, data.order, data.appointments, data.orders, data.pending)
    : [];
  // When moving, the current time is no offer either.
  const taken = [...busyLater.map((c) => c.window), ...(current ? [current] : [])];
  const free = clashes.length ? nextFreeSlot(window, taken) : null;
  const lang = phraseLanguage(data.customer?.language);
  const phrase = clashes.length ? findPhrase(data.phrases, OFFER_OTHER_TIME, lang) : null;

  const useFree = (): void => {
    if (!free) return;
    const s = utcToZoned(free.start, tz);
    setDay(s.day);
    setStart(s.time);
    setEnd(utcToZoned(free.end, tz).time);
  };

  const save = async (): Promise<void> => {
    if (problem) return setError(t(`appointment.problem.${problem}`));
    if (mode === 'move' && !reason.trim()) return setError(t('appointment.needReason'));
    if (agreed && contactProblem(contact)) return setError(t('appointment.needContact'));
    setError('');
    setBusy(true);
    try {
      const agreedWith = agreed ? contact : undefined;
      if (mode === 'propose') {
        await propose(db, data.order, window, note, agreedWith);
        onDone();
      } else if (data.current) {
        const queued = await reschedule(db, data.order, data.current, { window, reason, initiatedBy, agreedWith });
        onDone(queued ? undefined : t('appointment.confirmLater'));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="panel"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{t(mode === 'move' ? 'appointment.moveTitle' : 'appointment.proposeTitle')}</h2>
      <div class="appt-times">
        <label class="field">
          <span>{t('appointment.day')}</span>
          <input type="date" required value={day} onInput={(e) => setDay(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('appointment.from')}</span>
          <input type="time" required step={900} value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('appointment.to')}</span>
          <input type="time" required step={900} value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        </label>
      </div>
      {window.start && zoneDiffers(window.start, tz) && <p class="hint">{t('appointment.siteZone', { zone: tz })}</p>}
      {problem && problem !== 'order' && <p class="error">{t(`appointment.problem.${problem}`)}</p>}

      {clashes.length > 0 && (
        <div class="banner warn appt-clash" role="alert">
          <strong>{t('appointment.clashTitle', { n: clashes.length })}</strong>
          <ul class="list">
            {clashes.map((c) => (
              <li key={c.appointment.id}>
                {formatTime(c.window.start, tz)}–{formatTime(c.window.end, tz)} · {c.order.number} {c.order.symptom ? `· ${c.order.symptom}` : ''}
              </li>
            ))}
          </ul>
          {phrase && (
            <blockquote class="phrase" lang={lang}>
              {fillPhrase(phrase.text, { time: free ? customerTime(free.start, lang, tz) : '' })}
            </blockquote>
          )}
          {free && (
            <button type="button" class="btn small" onClick={useFree}>
              {t('appointment.useFree', { time: `${formatTime(free.start, tz)}–${formatTime(free.end, tz)}` })}
            </button>
          )}
        </div>
      )}

      {mode === 'move' && (
        <>
          <label class="field">
            <span>{t('appointment.reason')}</span>
            <textarea rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>{t('appointment.initiatedBy')}</span>
            <select value={initiatedBy} onChange={(e) => setInitiatedBy(e.currentTarget.value as Initiator)}>
              <option value="customer">{t('appointment.by.customer')}</option>
              <option value="technician">{t('appointment.by.technician')}</option>
            </select>
          </label>
        </>
      )}
      {mode === 'propose' && (
        <label class="field">
          <span>{t('appointment.note')}</span>
          <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
      )}
      <label class="appt-check">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />
        <span>{t('appointment.agreedNow')}</span>
      </label>
      {agreed && (
        <label class="field">
          <span>{t('appointment.contact')}</span>
          <input value={contact} maxLength={100} onInput={(e) => setContact(e.currentTarget.value)} />
        </label>
      )}
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button type="submit" class={`btn primary ${clashes.length ? 'warn' : ''}`} disabled={busy}>
          {t(clashes.length ? 'appointment.saveAnyway' : 'common.save')}
        </button>
        <button type="button" class="btn" onClick={() => onDone()}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
