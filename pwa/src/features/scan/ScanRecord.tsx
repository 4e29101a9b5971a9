/** On the asset page during a visit (?wo=<order>): record the scan — the seal as found, whether
 * the device matches its record — on the order. A broken seal needs a photo of it and tells the
 * technician that the dispatcher will be alerted (the server flags the order). */

import { useState } from 'preact/hooks';
import { formatDateTime, t } from '../../app/i18n';
import { useLive } from '../../app/live';
import { db } from '../../app/services';
import type { Asset, WorkOrder } from '../../data/types';
import { PhotoButton } from '../photos/PhotoButton';
import { PhotoGrid } from '../photos/PhotoGrid';
import './scan.css';
import { type AssetScan, type ScanProblem, type SealState, recordScan, scanProblem, scansOf } from './scans';
import { MAX_TAG_LENGTH, normalizeTag } from './tags';

const SEALS: readonly SealState[] = ['intact', 'broken', 'none'];

interface Loaded {
  order: WorkOrder | undefined;
  scans: AssetScan[];
}

function Recorded({ scans }: { scans: AssetScan[] }) {
  if (scans.length === 0) return null;
  return (
    <ul class="list">
      {scans.map((s) => (
        <li key={s.id} class="small">
          {t('scan.recordedAt', { time: formatDateTime(s.scannedAt) })} · {t(`scan.seal.${s.sealState}`)}
          {s.mismatch && ` · ${t('scan.mismatch')}: ${s.mismatchNote}`}
        </li>
      ))}
    </ul>
  );
}

function Form({ asset, order, tagCode, onDone }: { asset: Asset; order: WorkOrder; tagCode: string; onDone: () => void }) {
  const [seal, setSeal] = useState<SealState>(asset.sealState === 'none' ? 'none' : 'intact');
  const [photo, setPhoto] = useState<{ id: string; sha256: string } | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<ScanProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (): Promise<void> => {
    const input = { sealState: seal, photoSha256: seal === 'broken' ? (photo?.sha256 ?? null) : null, mismatch, mismatchNote: note };
    const p = scanProblem(input);
    setProblem(p);
    if (p) return;
    setBusy(true);
    try {
      await recordScan(db, { ...input, workOrderId: order.id, assetId: asset.id, tagCode });
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p class="field">
        <span>{t('scan.sealFound')}</span>
      </p>
      <div class="seal-options" role="radiogroup">
        {SEALS.map((s) => (
          <label key={s} class={seal === s ? 'on' : ''}>
            <input type="radio" name="seal" checked={seal === s} onChange={() => setSeal(s)} />
            {t(`scan.seal.${s}`)}
          </label>
        ))}
      </div>
      {seal === 'broken' && (
        <div class="banner warn">
          <p>{t('scan.brokenWarning')}</p>
          {photo ? (
            <PhotoGrid workOrderId={order.id} only={[photo.id]} onRemoved={() => setPhoto(null)} />
          ) : (
            <PhotoButton
              workOrderId={order.id}
              caption={t('scan.sealPhotoCaption', { asset: asset.name, tag: asset.tagCode })}
              cameraOnly
              label={t('scan.sealPhoto')}
              onTaken={(p) => setPhoto({ id: p.id, sha256: p.sha256 })}
            />
          )}
        </div>
      )}
      <label class="check-row">
        <input type="checkbox" checked={mismatch} onChange={(e) => setMismatch(e.currentTarget.checked)} />
        {t('scan.mismatchQuestion')}
      </label>
      {mismatch && (
        <label class="field">
          <span>{t('scan.mismatchNote')}</span>
          <textarea rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
      )}
      {problem && <p class="error">{t(problem === 'photo' ? 'scan.needPhoto' : 'scan.needNote')}</p>}
      <button type="submit" class="btn primary big" disabled={busy}>
        {t('scan.record')}
      </button>
    </form>
  );
}

/** The tag as read by the scanner (?read=), only when it really is this asset's tag. */
function readTag(asset: Asset): string {
  const read = new URLSearchParams(location.search).get('read') ?? '';
  return read && read.length <= MAX_TAG_LENGTH && normalizeTag(read) === asset.tagCode ? read : '';
}

export function ScanRecord({ asset }: { asset: Asset }) {
  const workOrderId = new URLSearchParams(location.search).get('wo');
  const data = useLive<Loaded>(
    async () =>
      workOrderId
        ? { order: await db.typed<WorkOrder>('workOrders').get(workOrderId), scans: await scansOf(db, workOrderId, asset.id) }
        : { order: undefined, scans: [] },
    [workOrderId, asset.id],
    { order: undefined, scans: [] },
  );
  const [again, setAgain] = useState(false);
  const { order, scans } = data;
  if (!workOrderId || !order) return null;
  const showForm = scans.length === 0 || again;
  return (
    <section class="section">
      <h2>{t('scan.recordTitle', { number: order.number })}</h2>
      <Recorded scans={scans} />
      {scans[0] && !again && <p class="ok">{t(scans[0].version > 0 ? 'scan.recordedSynced' : 'scan.recorded')}</p>}
      {showForm ? (
        <Form asset={asset} order={order} tagCode={readTag(asset)} onDone={() => setAgain(false)} />
      ) : (
        <div class="row wrap">
          <a class="btn" href={`/wo/${order.id}`}>
            {t('scan.backToOrder')}
          </a>
          <button type="button" class="btn" onClick={() => setAgain(true)}>
            {t('scan.recordAgain')}
          </button>
        </div>
      )}
    </section>
  );
}
