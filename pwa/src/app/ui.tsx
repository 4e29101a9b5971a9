/** Small shared pieces of the interface. */

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WorkOrderStatus } from '../data/types';
import { type MessageKey, t } from './i18n';

/** The current time, refreshed every `everyMs` (countdowns). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export function statusLabel(status: string): string {
  return t(`status.${status}` as MessageKey) || status;
}

export function StatusChip({ status }: { status: WorkOrderStatus | string }) {
  return <span class={`chip status-${status}`}>{statusLabel(status)}</span>;
}

export function FaultBadge({ level }: { level: number }) {
  const key = `fault.${level}` as MessageKey;
  return <span class={`chip fault-${level}`}>{t(key)}</span>;
}

export function Section({ title, children, count }: { title: string; children: ComponentChildren; count?: number }) {
  return (
    <section class="section">
      <h2>
        {title}
        {count !== undefined && <span class="count">{count}</span>}
      </h2>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Loading() {
  return <p class="empty">{t('common.loading')}</p>;
}

/** A `tel:` link big enough for a thumb; nothing when there is no number. */
export function CallButton({ phone, label }: { phone: string | null | undefined; label?: string }) {
  if (!phone) return null;
  return (
    <a class="btn call" href={`tel:${phone.replace(/[^\d+]/g, '')}`}>
      {label ?? t('common.call')} {phone}
    </a>
  );
}
