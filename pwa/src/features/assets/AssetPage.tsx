/** /a/<tag>: the page a scanned asset tag opens, looked up on the device (works offline). */

import { formatDate, t, tMaybe } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLiveState } from '../../app/live';
import { db } from '../../app/services';
import { CallButton, Empty, Loading, StatusChip } from '../../app/ui';
import type { Asset, Site, WorkOrder } from '../../data/types';
import { OPEN_FOR_TECHNICIAN } from '../../data/types';
import { ScanRecord } from '../scan/ScanRecord';

async function load(tag: string): Promise<{ asset: Asset; site?: Site; orders: WorkOrder[] } | undefined> {
  // Tags are printed in upper case; a hand-typed or lower-cased link still finds the asset.
  const assets = db.typed<Asset>('assets');
  const asset = (await assets.where('tagCode').equals(tag).first()) ?? (await assets.where('tagCode').equals(tag.toUpperCase()).first());
  if (!asset) return undefined;
  const site = await db.typed<Site>('sites').get(asset.siteId);
  const orders = (await db.typed<WorkOrder>('workOrders').where('siteId').equals(asset.siteId).toArray()).filter((o) =>
    OPEN_FOR_TECHNICIAN.has(o.status),
  );
  return { asset, site, orders };
}

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  if (!value) return null;
  return (
    <tr>
      <th>{label}</th>
      <td>{value}</td>
    </tr>
  );
}

export default function AssetPage({ params }: RouteProps) {
  const tag = params.tag ?? '';
  const { ready, value } = useLiveState(() => load(tag), [tag]);
  if (!ready) return <Loading />;
  if (!value) {
    return (
      <div class="page">
        <h1>{tag}</h1>
        <Empty>{t('asset.notOnDevice')}</Empty>
      </div>
    );
  }
  const { asset: a, site, orders } = value;
  const warrantyOver = a.warrantyEnd !== null && a.warrantyEnd < new Date().toISOString().slice(0, 10);
  return (
    <div class="page">
      <h1>{a.name}</h1>
      <p class="muted">{a.tagCode}</p>
      {a.sealState === 'broken' && <p class="banner warn">{t('asset.sealBrokenHint')}</p>}
      <ScanRecord asset={a} />
      <table class="facts">
        <tbody>
          <Row label={t('asset.category')} value={a.category} />
          <Row label={t('asset.site')} value={site ? `${site.name} · ${site.address}` : ''} />
          <Row label={t('asset.serial')} value={a.serialNo} />
          <Row label={t('asset.systemSerial')} value={a.systemSerial} />
          <Row label={t('asset.contract')} value={a.contractNo} />
          <Row
            label={t('asset.warranty')}
            value={a.warrantyEnd ? `${formatDate(a.warrantyEnd)}${warrantyOver ? ` (${t('asset.warrantyOver')})` : ''}` : ''}
          />
          <Row label={t('asset.ip')} value={a.ipAddress} />
          <Row label={t('asset.seal')} value={tMaybe(`seal.${a.sealState}`, a.sealState)} />
          <Row label={t('asset.supplier')} value={a.supplier} />
          <Row label={t('asset.responsible')} value={a.responsiblePerson} />
          <Row label={t('asset.notes')} value={a.notes} />
        </tbody>
      </table>
      {a.contactPhone && <CallButton phone={a.contactPhone} label={`${t('asset.callSupplier')} ${a.contactName}`} />}
      {orders.length > 0 && (
        <section class="section">
          <h2>{t('asset.openOrders')}</h2>
          <ul class="list">
            {orders.map((o) => (
              <li key={o.id}>
                <a class="row spread" href={`/wo/${o.id}`}>
                  <span>{o.number}</span>
                  <StatusChip status={o.status} />
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
