/** New work order from a phone call, keyboard first: type the caller's number (the search runs
 * as you type, Enter runs it at once), arrow keys pick the customer and site, Tab on to the
 * symptom, 1/2/3 for the level, Ctrl+Enter sends. */

import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime, locale, t, tMaybe } from '../../app/i18n';
import { api } from '../../app/services';
import { statusLabel } from '../../app/ui';
import { uuid } from '../../data/docs';
import type { Technician, Tier } from './api';
import { errorText } from './errors';
import {
  type CallForm,
  type Candidate,
  chooseCustomer,
  chooseSite,
  emptyForm,
  missing,
  searchCaller,
  searchable,
  submitCall,
  toggleAsset,
} from './phoneCall';

const SEARCH_DELAY_MS = 350;

function Caller({ c, form, pick }: { c: Candidate; form: CallForm; pick(c: Candidate): void }) {
  return (
    <label class="choice">
      <input type="radio" name="nw-customer" checked={form.customerId === c.customer.id} onChange={() => pick(c)} />
      <span>
        <strong>{c.customer.name}</strong> <span class="muted">{[c.customer.phone, c.customer.altPhone].filter(Boolean).join(' / ')}</span>
        <span class="chip">{tMaybe(`tier.${c.customer.slaTier}`, c.customer.slaTier)}</span>
      </span>
    </label>
  );
}

export function NewOrder(props: { date: string; technicians: Technician[]; tiers: Tier[]; onCreated(number: string): void; onClose(): void }) {
  const [form, setForm] = useState<CallForm>(() => emptyForm(uuid()));
  const [found, setFound] = useState<Candidate[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const phoneRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  // The text last sent, so the typing pause does not repeat a search Enter already ran.
  const asked = useRef('');

  useEffect(() => phoneRef.current?.focus(), []);

  const runSearch = async (text: string): Promise<void> => {
    if (!searchable(text) || text.trim() === asked.current) return;
    asked.current = text.trim();
    const mine = ++seq.current;
    setSearching(true);
    try {
      const list = await searchCaller(api, text);
      if (mine !== seq.current) return; // a later keystroke's answer wins
      setFound(list);
      setError('');
      if (list.length === 1 && list[0]) setForm((f) => chooseCustomer(f, list[0] as Candidate));
    } catch (err) {
      if (mine === seq.current) {
        asked.current = '';
        setError(errorText(err));
      }
    } finally {
      if (mine === seq.current) setSearching(false);
    }
  };

  useEffect(() => {
    if (!searchable(form.query)) return;
    const timer = setTimeout(() => void runSearch(form.query), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [form.query]);

  const chosen = found?.find((c) => c.customer.id === form.customerId) ?? null;
  const siteAssets = chosen?.assets.filter((a) => a.siteId === form.siteId) ?? [];
  const lacking = missing(form);

  const submit = async (): Promise<void> => {
    if (lacking.length) {
      setError(t('board.new.missing', { what: lacking.map((m) => t(`board.missing.${m}`)).join(', ') }));
      return;
    }
    setBusy(true);
    setError('');
    try {
      const created = await submitCall(api, form, props.date);
      setDone(created.assignError ? t('board.new.createdNotAssigned', { number: created.number, error: created.assignError }) : t('board.new.created', { number: created.number }));
      props.onCreated(created.number);
      setForm(emptyForm(uuid()));
      setFound(null);
      asked.current = '';
      phoneRef.current?.focus();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const tierName = (tier: Tier): string => (locale.value === 'zh-CN' ? tier.nameZh : tier.nameEn) || tier.code;

  return (
    <form
      class="panel new-order"
      aria-labelledby="nw-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void submit();
        } else if (e.key === 'Escape') props.onClose();
      }}
    >
      <h2 id="nw-title">{t('board.new.title')}</h2>
      <label class="field" for="nw-phone">
        <span>{t('board.new.phone')}</span>
        <input
          id="nw-phone"
          ref={phoneRef}
          type="search"
          inputMode="tel"
          autocomplete="off"
          value={form.query}
          onInput={(e) => setForm({ ...form, query: e.currentTarget.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              void runSearch(form.query);
            }
          }}
        />
      </label>
      {searching && <p class="hint">{t('board.new.searching')}</p>}
      {found && found.length === 0 && <p class="warn-text">{t('board.new.noneFound')}</p>}
      {found && found.length > 0 && (
        <fieldset class="choices">
          <legend>{t('board.new.customer')}</legend>
          {found.map((c) => (
            <Caller key={c.customer.id} c={c} form={form} pick={(x) => setForm(chooseCustomer(form, x))} />
          ))}
        </fieldset>
      )}
      {chosen && chosen.openOrders.length > 0 && (
        <div class="banner warn" role="note">
          <strong>{t('board.new.openOrders')}</strong>
          <ul class="small">
            {chosen.openOrders.map((o) => (
              <li key={o.id}>
                {o.number} · {statusLabel(o.status.toLowerCase())} · {formatDateTime(o.receivedAt)} · {o.symptom}
              </li>
            ))}
          </ul>
        </div>
      )}
      {chosen && (
        <fieldset class="choices">
          <legend>{t('board.new.site')}</legend>
          {chosen.sites.length === 0 && <p class="warn-text">{t('board.new.noSites')}</p>}
          {chosen.sites.map((s) => (
            <label key={s.id} class="choice">
              <input type="radio" name="nw-site" checked={form.siteId === s.id} onChange={() => setForm(chooseSite(form, chosen, s.id))} />
              <span>
                <strong>{s.name}</strong> <span class="muted">{s.address}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {siteAssets.length > 0 && (
        <fieldset class="choices inline-choices">
          <legend>{t('board.new.assets')}</legend>
          {siteAssets.map((a) => (
            <label key={a.id} class="choice">
              <input type="checkbox" checked={form.assetIds.includes(a.id)} onChange={() => setForm(toggleAsset(form, a.id))} />
              <span>
                {a.name} <span class="muted small">{a.tagCode}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <label class="field" for="nw-symptom">
        <span>{t('board.new.symptom')}</span>
        <textarea id="nw-symptom" rows={2} value={form.symptom} onInput={(e) => setForm({ ...form, symptom: e.currentTarget.value })} />
      </label>
      <div class="new-grid">
        <fieldset class="choices inline-choices">
          <legend>{t('board.new.level')}</legend>
          {([1, 2, 3] as const).map((level) => (
            <label key={level} class="choice">
              <input type="radio" name="nw-level" checked={form.faultLevel === level} onChange={() => setForm({ ...form, faultLevel: level })} />
              <span>{t(`fault.${level}`)}</span>
            </label>
          ))}
        </fieldset>
        <label class="field" for="nw-tier">
          <span>{t('board.new.tier')}</span>
          <select id="nw-tier" value={form.slaTier} onChange={(e) => setForm({ ...form, slaTier: e.currentTarget.value })}>
            <option value="">{t('board.new.tierDefault')}</option>
            {props.tiers.map((tier) => (
              <option key={tier.code} value={tier.code}>
                {tierName(tier)}
              </option>
            ))}
          </select>
        </label>
        <label class="field" for="nw-tech">
          <span>{t('board.new.technician')}</span>
          <select id="nw-tech" value={form.technicianId ?? ''} onChange={(e) => setForm({ ...form, technicianId: e.currentTarget.value || null })}>
            <option value="">{t('board.new.queue')}</option>
            {props.technicians.map((tech) => (
              <option key={tech.id} value={tech.id}>
                {tech.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      <div class="row">
        <button type="submit" class="btn primary" disabled={busy}>
          {t('board.new.submit')}
        </button>
        <button type="button" class="btn" onClick={props.onClose}>
          {t('board.close')}
        </button>
        <span class="hint">{t('board.new.keys')}</span>
      </div>
    </form>
  );
}
