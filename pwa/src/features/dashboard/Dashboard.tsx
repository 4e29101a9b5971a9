/** The supervisor dashboard (desk screen, online): SLA attainment, response and resolution
 * times, first-time fix, repeat faults, satisfaction and call-backs, per-technician workload,
 * for a period and optionally one customer, site or technician. */

import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDate, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { api, session } from '../../app/services';
import { errorText } from '../board/errors';
import { isStaff } from '../board/roles';
import { browserZone, dateIn } from '../board/time';
import { Charts } from './Charts';
import { Filters } from './Filters';
import { averageScore, percent, ratioText, tone } from './format';
import { type DashFilter, type Figures, type Ratio, fetchFigures, filterFromSearch, filterToSearch, periodDays } from './query';
import { Reports } from './Reports';
import './dashboard.css';

/** The contract's targets (DOMAIN.md): satisfaction above 95 %, response rate 100 %. */
const TARGET = 0.95;

function Tile({ label, value, sub, state }: { label: string; value: string; sub?: string; state?: 'good' | 'bad' | 'none' }) {
  return (
    <div class={`tile ${state ?? ''}`}>
      <dt>{label}</dt>
      <dd>
        <span class="value">{value}</span>
        {sub && <span class="sub">{sub}</span>}
      </dd>
    </div>
  );
}

function RateTile({ label, r, target = TARGET, lowerIsBetter = false }: { label: string; r: Ratio; target?: number; lowerIsBetter?: boolean }) {
  return <Tile label={label} value={percent(r.denominator ? r.rate : null)} sub={r.denominator ? `${r.numerator}/${r.denominator}` : t('dashboard.notMeasured')} state={tone(r, target, !lowerIsBetter)} />;
}

function Tiles({ f }: { f: Figures }) {
  return (
    <dl class="tiles">
      <Tile label={t('dashboard.orders')} value={String(f.orders)} sub={t('dashboard.ordersSub', { resolved: f.resolved, closed: f.closed, cancelled: f.cancelled })} />
      <RateTile label={t('dashboard.respondSla')} r={f.respondSla} target={1} />
      <RateTile label={t('dashboard.resolveSla')} r={f.resolveSla} />
      <RateTile label={t('dashboard.firstTimeFix')} r={f.firstTimeFix} target={0.8} />
      <RateTile label={t('dashboard.repeatFault')} r={f.repeatFault} target={0.05} lowerIsBetter />
      <Tile
        label={t('dashboard.satisfaction')}
        value={averageScore(f.satisfaction.averageScore)}
        sub={t('dashboard.satisfactionSub', { rate: percent(f.satisfaction.satisfied.rate), n: f.satisfaction.ratings })}
        state={tone(f.satisfaction.satisfied, TARGET)}
      />
      <RateTile label={t('dashboard.callbackReach')} r={f.callbackReach} target={0.9} />
      <Tile label={t('dashboard.complaints')} value={String(f.complaints)} state={f.complaints > 0 ? 'bad' : 'good'} />
      <RateTile label={t('dashboard.onTime')} r={f.onTimeArrival} />
      <RateTile label={t('dashboard.checklist')} r={f.checklistCompletion} />
    </dl>
  );
}

function TechnicianTable({ f }: { f: Figures }) {
  if (!f.technicians.length) return null;
  return (
    <section class="panel" aria-labelledby="techs-title">
      <h2 id="techs-title">{t('dashboard.perTechnician')}</h2>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.technician')}</th>
              <th scope="col" class="num">{t('dashboard.orders')}</th>
              <th scope="col" class="num">{t('dashboard.resolved')}</th>
              <th scope="col" class="num">{t('dashboard.firstTimeFix')}</th>
              <th scope="col" class="num">{t('dashboard.onTime')}</th>
              <th scope="col" class="num">{t('dashboard.checklist')}</th>
            </tr>
          </thead>
          <tbody>
            {f.technicians.map((x) => (
              <tr key={x.technicianId}>
                <th scope="row">{x.displayName}</th>
                <td class="num">{x.orders}</td>
                <td class="num">{x.resolved}</td>
                <td class="num">{ratioText(x.firstTimeFix)}</td>
                <td class="num">{ratioText(x.onTime)}</td>
                <td class="num">{ratioText(x.checklist)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function Dashboard(_props: RouteProps) {
  const role = session.current.value?.user.role;
  const tz = useMemo(() => browserZone(), []);
  const [filter, setFilter] = useState<DashFilter>(() => filterFromSearch(location.search));
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!isStaff(role)) return;
    const url = location.pathname + filterToSearch(filter);
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    let current = true;
    setLoading(true);
    fetchFigures(api, filter, tz)
      .then((f) => {
        if (!current) return;
        setFigures(f);
        setError('');
      })
      .catch((err: unknown) => current && setError(errorText(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [JSON.stringify(filter), role]);

  if (!isStaff(role)) return <p class="empty">{t('dashboard.staffOnly')}</p>;
  const days = periodDays(filter, dateIn(Date.now(), tz));

  return (
    <div class="page desk-wide dashboard">
      <div class="toolbar">
        <h1>{t('dashboard.title')}</h1>
        <span class="muted">{t('dashboard.range', { from: formatDate(days.from), to: formatDate(days.to) })}</span>
        {loading && <span class="muted small">{t('common.loading')}</span>}
        <a class="btn small" href="/board">
          {t('dashboard.toBoard')}
        </a>
      </div>
      <Filters filter={filter} onChange={setFilter} />
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
      {figures && (
        <>
          <Tiles f={figures} />
          {figures.orders === 0 && <p class="muted">{t('dashboard.noOrders')}</p>}
          <Charts f={figures} />
          <TechnicianTable f={figures} />
        </>
      )}
      <Reports tz={tz} />
    </div>
  );
}
