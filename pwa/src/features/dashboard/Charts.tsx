/** The dashboard's charts, each with its table: SLA attainment per tier and level, the response
 * and resolution time distributions, and each technician's workload. */

import { t } from '../../app/i18n';
import { BarChart } from './BarChart';
import { fraction, groupLabel, histogram, histogramSummary, minutesText, percent, slaSeries, sortGroups, sortTechnicians } from './format';
import type { Distribution, Figures } from './query';

const TEAL = '#0f5e6b';
const AMBER = '#d08a1e';

function SlaChart({ f }: { f: Figures }) {
  const s = slaSeries(f.slaByTierAndLevel);
  const groups = sortGroups(f.slaByTierAndLevel);
  return (
    <BarChart
      id="sla"
      title={t('dashboard.chart.sla')}
      summary={t('dashboard.slaSummary', { respond: percent(f.respondSla.rate), resolve: percent(f.resolveSla.rate) })}
      labels={s.short}
      series={[
        { label: t('dashboard.respond'), values: s.respond, color: TEAL },
        { label: t('dashboard.resolve'), values: s.resolve, color: AMBER },
      ]}
      unit="%"
      max={100}
      table={
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.group')}</th>
              <th scope="col" class="num">{t('dashboard.orders')}</th>
              <th scope="col" class="num">{t('dashboard.respond')}</th>
              <th scope="col" class="num">{t('dashboard.resolve')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={`${g.slaTier}-${g.faultLevel}`}>
                <th scope="row">{groupLabel(g)}</th>
                <td class="num">{g.orders}</td>
                <td class="num">
                  {percent(g.respond.rate)} ({fraction(g.respond)})
                </td>
                <td class="num">
                  {percent(g.resolve.rate)} ({fraction(g.resolve)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function TimeChart({ id, title, d }: { id: string; title: string; d: Distribution }) {
  const h = histogram(d);
  return (
    <BarChart
      id={id}
      title={title}
      summary={histogramSummary(d)}
      labels={d.count ? h.short : []}
      series={[{ label: t('dashboard.orders'), values: h.values, color: TEAL }]}
      note={d.count > 0 && <p class="small muted">{t('dashboard.average', { avg: minutesText(d.averageMinutes), n: d.count })}</p>}
      table={
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.bucket')}</th>
              <th scope="col" class="num">{t('dashboard.orders')}</th>
            </tr>
          </thead>
          <tbody>
            {h.labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td class="num">{h.values[i]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function WorkloadChart({ f }: { f: Figures }) {
  const techs = sortTechnicians(f.technicians);
  const busiest = techs[0];
  return (
    <BarChart
      id="workload"
      title={t('dashboard.chart.workload')}
      summary={busiest ? t('dashboard.workloadSummary', { n: techs.length, who: busiest.displayName, orders: busiest.orders }) : t('dashboard.noData')}
      labels={techs.map((x) => x.displayName)}
      series={[
        { label: t('dashboard.orders'), values: techs.map((x) => x.orders), color: TEAL },
        { label: t('dashboard.resolved'), values: techs.map((x) => x.resolved), color: AMBER },
      ]}
      table={
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.technician')}</th>
              <th scope="col" class="num">{t('dashboard.orders')}</th>
              <th scope="col" class="num">{t('dashboard.resolved')}</th>
              <th scope="col" class="num">{t('dashboard.onTime')}</th>
            </tr>
          </thead>
          <tbody>
            {techs.map((x) => (
              <tr key={x.technicianId}>
                <th scope="row">{x.displayName}</th>
                <td class="num">{x.orders}</td>
                <td class="num">{x.resolved}</td>
                <td class="num">
                  {percent(x.onTime.rate)} ({fraction(x.onTime)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function Charts({ f }: { f: Figures }) {
  return (
    <div class="charts">
      <SlaChart f={f} />
      <TimeChart id="response" title={t('dashboard.chart.response')} d={f.responseTime} />
      <TimeChart id="resolution" title={t('dashboard.chart.resolution')} d={f.resolutionTime} />
      <WorkloadChart f={f} />
    </div>
  );
}
