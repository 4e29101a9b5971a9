/** Period, customer, site and technician. The customer is found by typing part of the name;
 * choosing one offers its sites. */

import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { api } from '../../app/services';
import { type DashFilter, type Option, PERIODS, type Period, fetchCustomer, fetchTechnicians, findCustomers } from './query';

export function Filters({ filter, onChange }: { filter: DashFilter; onChange(f: DashFilter): void }) {
  const [techs, setTechs] = useState<Option[]>([]);
  const [customerText, setCustomerText] = useState('');
  const [customers, setCustomers] = useState<Option[]>([]);
  const [chosen, setChosen] = useState<Option | null>(null);
  const [sites, setSites] = useState<Option[]>([]);

  useEffect(() => {
    fetchTechnicians(api).then(setTechs, () => setTechs([]));
  }, []);

  // The chosen customer's name and sites (also when the filter came from the address).
  useEffect(() => {
    if (!filter.customerId) {
      setChosen(null);
      setSites([]);
      return;
    }
    fetchCustomer(api, filter.customerId).then(
      (r) => {
        setChosen(r.customer);
        setSites(r.sites);
      },
      () => setChosen({ id: filter.customerId ?? '', name: filter.customerId ?? '' }),
    );
  }, [filter.customerId]);

  useEffect(() => {
    const text = customerText.trim();
    if (text.length < 1) return setCustomers([]);
    const timer = setTimeout(() => findCustomers(api, text).then(setCustomers, () => setCustomers([])), 300);
    return () => clearTimeout(timer);
  }, [customerText]);

  const set = (patch: Partial<DashFilter>): void => onChange({ ...filter, ...patch });

  return (
    <form class="filters" aria-label={t('dashboard.filters')} onSubmit={(e) => e.preventDefault()}>
      <label class="field" for="df-period">
        <span>{t('dashboard.period')}</span>
        <select id="df-period" value={filter.period} onChange={(e) => set({ period: e.currentTarget.value as Period })}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`dashboard.period.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {filter.period === 'custom' && (
        <>
          <label class="field" for="df-from">
            <span>{t('dashboard.from')}</span>
            <input id="df-from" type="date" value={filter.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          </label>
          <label class="field" for="df-to">
            <span>{t('dashboard.to')}</span>
            <input id="df-to" type="date" value={filter.to} onChange={(e) => set({ to: e.currentTarget.value })} />
          </label>
        </>
      )}
      {chosen ? (
        <div class="field">
          <span>{t('dashboard.customer')}</span>
          <span class="chosen">
            {chosen.name}
            <button type="button" class="btn small" onClick={() => set({ customerId: null, siteId: null })} aria-label={t('dashboard.clearCustomer')}>
              ×
            </button>
          </span>
        </div>
      ) : (
        <label class="field" for="df-customer">
          <span>{t('dashboard.customer')}</span>
          <input
            id="df-customer"
            type="search"
            list="df-customers"
            placeholder={t('dashboard.anyCustomer')}
            value={customerText}
            onInput={(e) => {
              const v = e.currentTarget.value;
              setCustomerText(v);
              // Picking from the list puts the exact name in the box.
              const hit = customers.find((c) => c.name === v);
              if (hit) {
                setCustomerText('');
                set({ customerId: hit.id, siteId: null });
              }
            }}
          />
          <datalist id="df-customers">
            {customers.map((c) => (
              <option key={c.id} value={c.name} />
            ))}
          </datalist>
        </label>
      )}
      {chosen && (
        <label class="field" for="df-site">
          <span>{t('dashboard.site')}</span>
          <select id="df-site" value={filter.siteId ?? ''} onChange={(e) => set({ siteId: e.currentTarget.value || null })}>
            <option value="">{t('dashboard.anySite')}</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label class="field" for="df-tech">
        <span>{t('dashboard.technician')}</span>
        <select id="df-tech" value={filter.technicianId ?? ''} onChange={(e) => set({ technicianId: e.currentTarget.value || null })}>
          <option value="">{t('dashboard.anyTechnician')}</option>
          {techs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
