/** The first download of the technician's data: a bar and a count per collection, so a slow
 * line does not look like a broken app. */

import { t, tMaybe } from '../../app/i18n';
import { sync } from '../../app/services';

export function FirstSync() {
  const progress = sync.status.value.firstSync;
  if (!progress) return null;
  const pct = Math.round((progress.done / Math.max(1, progress.total)) * 100);
  return (
    <div class="panel first-sync" role="status">
      <p>{t('firstSync.title')}</p>
      <div class="bar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} role="progressbar">
        <div style={{ width: `${pct}%` }} />
      </div>
      <ul class="counts">
        {Object.entries(progress.counts).map(([name, n]) => (
          <li key={name}>
            {tMaybe(`collection.${name}`, name)}: {n}
          </li>
        ))}
      </ul>
    </div>
  );
}
