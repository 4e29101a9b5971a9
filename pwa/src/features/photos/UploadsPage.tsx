/** /uploads: every photo still to reach the server, across orders. */

import { t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLive } from '../../app/live';
import { db } from '../../app/services';
import { Empty } from '../../app/ui';
import { waitingPhotos } from '../../data/uploads';
import { UploadsPanel } from './UploadsPanel';

export default function UploadsPage(_: RouteProps) {
  const n = useLive(() => waitingPhotos(db), [], 0);
  return (
    <div class="page">
      <h1>{t('photos.uploadsTitle')}</h1>
      {n === 0 && <Empty>{t('photos.allUploaded')}</Empty>}
      <UploadsPanel />
    </div>
  );
}
