/** The on-site part of the work order page (loaded on demand): the checklist's progress with a
 * link to it, the asset-tag scanner, and the order's photos with their uploads. */

import { t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLive } from '../../app/live';
import { Section } from '../../app/ui';
import { PhotoButton } from '../photos/PhotoButton';
import { PhotoGrid } from '../photos/PhotoGrid';
import { UploadsPanel } from '../photos/UploadsPanel';
import { ProgressBar } from './ChecklistPage';
import './checklist.css';
import { loadChecklist } from './load';
import { type Progress, progressOf } from './template';

async function checklistProgress(id: string): Promise<Progress | null> {
  const data = await loadChecklist(id);
  return data?.template ? progressOf(data.template, data.run?.answers) : null;
}

export default function OnSite({ params }: RouteProps) {
  const id = params.id ?? '';
  const progress = useLive(() => checklistProgress(id), [id], null);
  return (
    <>
      <Section title={t('checklist.title')}>
        {progress && <ProgressBar progress={progress} />}
        <div class="onsite-links">
          <a class="btn primary" href={`/wo/${id}/checklist`}>
            {t('checklist.open')}
          </a>
          <a class="btn" href={`/scan?wo=${encodeURIComponent(id)}`}>
            {t('checklist.scanTag')}
          </a>
        </div>
      </Section>
      <Section title={t('photos.title')}>
        <PhotoGrid workOrderId={id} />
        <PhotoButton workOrderId={id} />
        <UploadsPanel workOrderId={id} />
      </Section>
    </>
  );
}
