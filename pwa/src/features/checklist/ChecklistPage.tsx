/** /wo/:id/checklist: the on-site etiquette checklist, phase by phase, from the replicated
 * template; every answer is saved on the device at once and synced with the order. */

import { locale, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLiveState } from '../../app/live';
import { Empty, Loading } from '../../app/ui';
import './checklist.css';
import { ItemRow } from './ItemRow';
import { loadChecklist } from './load';
import { type Progress, type TemplatePhase, acceptable, checklistLocked, langOf, progressOf, textIn } from './template';

export function ProgressBar({ progress }: { progress: Progress }) {
  const pct = progress.required ? Math.round((progress.done / progress.required) * 100) : 100;
  return (
    <div class="check-progress">
      <p>
        <strong>{t('checklist.progress', { n: progress.done, m: progress.required })}</strong>
        {progress.total > progress.required && (
          <span class="muted small"> · {t('checklist.answered', { n: progress.answered, m: progress.total })}</span>
        )}
      </p>
      <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function phaseOpen(phase: TemplatePhase, firstOpenKey: string | undefined): boolean {
  return phase.key === firstOpenKey;
}

export default function ChecklistPage({ params }: RouteProps) {
  const id = params.id ?? '';
  const { ready, value } = useLiveState(() => loadChecklist(id), [id]);
  if (!ready) return <Loading />;
  if (!value) return <Empty>{t('wo.notOnDevice')}</Empty>;
  const { order, run, template, book, customerLang, values } = value;
  if (!template) {
    return (
      <div class="page">
        <h1>{t('checklist.title')}</h1>
        <Empty>{t('checklist.noTemplate')}</Empty>
      </div>
    );
  }
  const ui = langOf(locale.value);
  const answers = run?.answers ?? {};
  const progress = progressOf(template, answers);
  const locked = checklistLocked(order);
  // The first phase with a required item still open starts unfolded: where the visit is now.
  const current = template.phases.find((p) => p.items.some((i) => i.required && !acceptable(i, answers[i.key]?.value)))?.key;
  return (
    <div class="page checklist">
      <p class="muted small">
        <a href={`/wo/${order.id}`}>{order.number}</a>
      </p>
      <h1>{textIn(template.title, ui)}</h1>
      <ProgressBar progress={progress} />
      {locked && <p class="banner">{t('checklist.locked')}</p>}
      {customerLang !== ui && <p class="hint">{t('checklist.phraseLanguage', { lang: t(`checklist.lang.${customerLang}`) })}</p>}
      {template.phases.map((phase) => {
        const required = phase.items.filter((i) => i.required);
        const done = required.filter((i) => acceptable(i, answers[i.key]?.value)).length;
        return (
          <details key={phase.key} class="section phase" open={phaseOpen(phase, current)}>
            <summary>
              <span class="phase-title">{textIn(phase.title, ui)}</span>
              {required.length > 0 && (
                <span class={`count ${done === required.length ? 'all' : ''}`}>
                  {done}/{required.length}
                </span>
              )}
            </summary>
            <ul class="list">
              {phase.items.map((item) => (
                <ItemRow
                  key={item.key}
                  item={item}
                  value={answers[item.key]?.value}
                  workOrderId={order.id}
                  locked={locked}
                  book={book}
                  customerLang={customerLang}
                  values={values}
                />
              ))}
            </ul>
          </details>
        );
      })}
      <p class="hint">{t('checklist.requiredHint')}</p>
    </div>
  );
}
