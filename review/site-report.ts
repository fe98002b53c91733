/**
 * The site physics part of `colossus report`: tables and pictures of the `facility` section (halls
 * with their racks and CDUs, cooling, floor, water) and the `orbital` section (planning targets:
 * power, heat and capacity over the mission years).
 */
import { escapeXml as xml, formatNumber as fmt, isRecord } from '../model/values';
import type { FacilitySummary, HallSummary, OrbitalSiteSummary, OrbitalSummary } from '../site/summary';
import { compare, OutputSummary } from './read-output';
import type { Table } from './report';

const POOL_COLORS = ['#4e79a7', '#59a14f', '#edc948', '#b07aa1', '#76b7b2', '#f28e2b', '#9c755f', '#bab0ac'];
const CDU_COLOR = '#17becf';
/** Most CDU units drawn per hall; the rest are counted in the label. */
const MAX_CDUS_DRAWN = 480;

const mw = (kW: number) => (kW / 1000).toFixed(1);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The facility and orbital sections as read from a summary (absent or malformed: none). */
function sections(s: OutputSummary): { facility?: FacilitySummary; orbital?: OrbitalSummary } {
  return {
    facility: isRecord(s.facility) && isRecord(s.facility.sites) ? (s.facility as FacilitySummary) : undefined,
    orbital: isRecord(s.orbital) && isRecord(s.orbital.sites) ? (s.orbital as OrbitalSummary) : undefined,
  };
}

/** Tables of halls, site facility figures, orbital sites and their mission years. */
export function siteTables(s: OutputSummary): Table[] {
  const { facility, orbital } = sections(s);
  const tables: Table[] = [];
  if (facility) {
    const sites = Object.keys(facility.sites).sort(compare);
    tables.push({
      title: 'Facility',
      header: ['site', 'feed MW', 'IT MW', 'PUE', 'draw MW', 'water m3/day', 'water US gal/day'],
      numericFrom: 1,
      rows: sites.map((name) => {
        const f = facility.sites[name];
        return [
          name,
          fmt(f.feedMW),
          fmt(f.itMW),
          f.pue === undefined ? '' : fmt(f.pue),
          fmt(f.drawMW),
          f.waterLitresPerDay === undefined ? '' : fmt(Math.round(f.waterLitresPerDay / 1000)),
          f.waterUSGallonsPerDay === undefined ? '' : fmt(f.waterUSGallonsPerDay),
        ];
      }),
    });
    tables.push({
      title: 'Halls',
      header: [
        'site',
        'hall',
        'racks',
        'positions',
        'IT MW',
        'liquid MW',
        'CDUs',
        'worst CDU group kW',
        'group capacity kW',
        'group flow L/min',
        'air MW',
        'air cooling MW',
        'floor kg/m2',
        'floor rating kg/m2',
        'water',
      ],
      numericFrom: 2,
      rows: sites.flatMap((site) =>
        Object.keys(facility.sites[site].halls)
          .sort(compare)
          .map((name) => {
            const h = facility.sites[site].halls[name];
            return [
              site,
              name,
              fmt(racksOf(h)),
              fmt(h.rackPositions),
              mw(h.itKW),
              mw(h.liquidKW),
              `${fmt(h.cduUnits)} (${h.cduRedundancy})`,
              fmt(Math.round(h.worstGroupLiquidKW)),
              fmt(h.groupCapacityKW),
              `${fmt(Math.round(h.worstGroupFlowLpm))} of ${fmt(h.groupFlowLpm)}`,
              mw(h.airKW),
              mw(h.airCoolingKW),
              fmt(Math.round(h.floorLoadKgPerM2)),
              fmt(h.floorRatingKgPerM2),
              `${h.waterClass} at ${h.supplyC} °C`,
            ];
          }),
      ),
    });
  }
  if (orbital) {
    const sites = Object.keys(orbital.sites).sort(compare);
    tables.push({
      title: `Orbital sites: ${orbital.note}`,
      header: ['figure', ...sites],
      numericFrom: 1,
      rows: (<[string, (o: OrbitalSiteSummary) => string][]>[
        ['satellites', (o) => fmt(o.satellites)],
        ['GPUs', (o) => fmt(o.gpus)],
        ['draw and heat per satellite, kW', (o) => fmt(o.loadKWPerSatellite)],
        ['arrays per satellite, kW', (o) => fmt(o.arrayKWPerSatellite)],
        ['array area, m2 (needed)', (o) => `${fmt(o.arrayAreaM2)} (${fmt(Math.ceil(o.arrayAreaNeededM2))})`],
        ['radiator net W/m2 of panel', (o) => fmt(Math.round(o.radiatorWPerM2))],
        ['radiators per satellite, kW', (o) => fmt(o.radiatorKWPerSatellite)],
        ['radiator area, m2 (needed)', (o) => `${fmt(o.radiatorAreaM2)} (${fmt(Math.ceil(o.radiatorAreaNeededM2))})`],
        ['off-satellite demand, Gb/s', (o) => fmt(o.linkDemandGbps)],
        ['optical links, Gb/s', (o) => fmt(o.linkSupplyGbps)],
        [
          'neighbour spacing, m (farthest, range)',
          (o) => `${fmt(o.spacingM)} (${fmt(o.farthestNeighbourM)}, ${fmt(o.linkRangeM)})`,
        ],
        ['light time across, µs', (o) => fmt(o.crossingMicroseconds)],
      ]).map(([label, f]) => [label, ...sites.map((name) => f(orbital.sites[name]))]),
    });
    for (const name of sites) {
      tables.push({
        title: `Orbital site ${name} over the mission`,
        header: ['year', 'GPUs working', 'capacity', 'arrays MW', 'draw and heat MW', 'power margin MW'],
        numericFrom: 0,
        rows: orbital.sites[name].years.map((y) => [
          String(y.year),
          fmt(y.gpus),
          pct(y.capacity),
          fmt(y.arrayMW),
          fmt(y.loadMW),
          fmt(Number((y.arrayMW - y.loadMW).toFixed(3))),
        ]),
      });
    }
  }
  return tables;
}

function racksOf(h: HallSummary): number {
  return Object.values(h.racks).reduce((a, b) => a + b, 0);
}

/**
 * The picture, from `top`: per ground site, its halls as grids of rack positions coloured by pool
 * with a strip of their CDU units; per orbital site, power, heat and capacity over the mission.
 */
export function siteSvg(s: OutputSummary, top: number, width: number, pad: number): { parts: string[]; y: number } {
  const { facility, orbital } = sections(s);
  const parts: string[] = [];
  let y = top;
  const pools = Object.keys(s.pools).sort(compare);
  const poolColor = (p: string) => POOL_COLORS[Math.max(0, pools.indexOf(p)) % POOL_COLORS.length];
  const cell = 5;
  const columns = 3;
  const columnWidth = Math.floor((width - 2 * pad) / columns);
  const perRow = Math.floor((columnWidth - 16) / cell);

  for (const site of Object.keys(facility?.sites ?? {}).sort(compare)) {
    const f = facility!.sites[site];
    y += 16;
    const water =
      f.waterLitresPerDay === undefined ? '' : `, water ${fmt(Math.round(f.waterLitresPerDay / 1000))} m3/day`;
    const pue = f.pue === undefined ? '' : ` (IT ${fmt(f.itMW)} MW x PUE ${fmt(f.pue)})`;
    parts.push(
      `<text class="title facility-label" data-site="${xml(site)}" x="${pad}" y="${y}">${xml(
        `halls of ${site}: ${fmt(f.drawMW)} of ${fmt(f.feedMW)} MW${pue}${water}`,
      )}</text>`,
    );
    y += 8;
    const halls = Object.keys(f.halls).sort(compare);
    for (let row = 0; row < halls.length; row += columns) {
      let rowHeight = 0;
      halls.slice(row, row + columns).forEach((name, c) => {
        const h = f.halls[name];
        const x = pad + c * columnWidth;
        const gridRows = Math.ceil(h.rackPositions / perRow);
        const cdus = Math.min(h.cduUnits, MAX_CDUS_DRAWN);
        const cduRows = Math.ceil(cdus / perRow);
        const height = 53 + gridRows * cell + 6 + cduRows * cell + 10;
        rowHeight = Math.max(rowHeight, height);
        parts.push(
          `<rect class="hall" data-hall="${xml(name)}" x="${x}" y="${y}" width="${columnWidth - 8}" height="${height}" rx="4" fill="#fafafa" stroke="#888"/>`,
          `<text class="hall-label" data-hall="${xml(name)}" x="${x + 8}" y="${y + 15}">${xml(
            `${name}: ${fmt(racksOf(h))} of ${fmt(h.rackPositions)} positions, ${mw(h.itKW)} MW`,
          )}</text>`,
          `<text class="hall-cooling" data-hall="${xml(name)}" x="${x + 8}" y="${y + 30}">${xml(
            `liquid ${mw(h.liquidKW)} MW, ${fmt(h.cduUnits)} CDUs (${h.cduRedundancy})`,
          )}</text>`,
          `<text class="hall-air" data-hall="${xml(name)}" x="${x + 8}" y="${y + 45}">${xml(
            `air ${mw(h.airKW)} of ${mw(h.airCoolingKW)} MW, ${fmt(Math.round(h.floorLoadKgPerM2))} kg/m2`,
          )}</text>`,
        );
        // Racks fill the positions pool by pool, in the order the hall lists them; empty positions are outlined.
        let i = 0;
        const cellAt = (k: number) => ({
          cx: x + 8 + (k % perRow) * cell,
          cy: y + 53 + Math.floor(k / perRow) * cell,
        });
        for (const [pool, racks] of Object.entries(h.racks)) {
          for (let r = 0; r < racks && i < h.rackPositions; r++, i++) {
            const { cx, cy } = cellAt(i);
            parts.push(
              `<rect class="rack" data-pool="${xml(pool)}" x="${cx}" y="${cy}" width="${cell - 1}" height="${cell - 1}" fill="${poolColor(pool)}"/>`,
            );
          }
        }
        for (; i < h.rackPositions; i++) {
          const { cx, cy } = cellAt(i);
          parts.push(
            `<rect class="position" x="${cx}" y="${cy}" width="${cell - 1}" height="${cell - 1}" fill="none" stroke="#ccc" stroke-width="0.5"/>`,
          );
        }
        const cduTop = y + 53 + gridRows * cell + 6;
        for (let k = 0; k < cdus; k++) {
          parts.push(
            `<rect class="cdu" data-hall="${xml(name)}" x="${x + 8 + (k % perRow) * cell}" y="${cduTop + Math.floor(k / perRow) * cell}" width="${cell - 1}" height="${cell - 1}" fill="${CDU_COLOR}"><title>CDU</title></rect>`,
          );
        }
      });
      y += rowHeight + 8;
    }
  }

  for (const site of Object.keys(orbital?.sites ?? {}).sort(compare)) {
    const o = orbital!.sites[site];
    y += 16;
    parts.push(
      `<text class="title orbital-label" data-site="${xml(site)}" x="${pad}" y="${y}">${xml(
        `orbital site ${site}: ${fmt(o.satellites)} satellites, ${fmt(o.gpus)} GPUs (planning target only, not emitted)`,
      )}</text>`,
    );
    y += 10;
    const chartW = width - 2 * pad - 60;
    const chartH = 120;
    const x0 = pad + 40;
    const most = Math.max(...o.years.map((v) => Math.max(v.arrayMW, v.loadMW)), 1e-9);
    const step = o.years.length > 1 ? chartW / (o.years.length - 1) : 0;
    const px = (i: number) => (x0 + i * step).toFixed(1);
    const py = (mwValue: number) => (y + chartH - (chartH * mwValue) / most).toFixed(1);
    parts.push(
      `<rect class="orbital-chart" data-site="${xml(site)}" x="${x0}" y="${y}" width="${chartW}" height="${chartH}" fill="#fafafa" stroke="#ccc"/>`,
    );
    o.years.forEach((v, i) => {
      const h = chartH * v.capacity;
      parts.push(
        `<rect class="capacity" data-year="${v.year}" x="${(x0 + i * step - 6).toFixed(1)}" y="${(y + chartH - h).toFixed(1)}" width="12" height="${h.toFixed(1)}" fill="#bab0ac" fill-opacity="0.6"><title>${xml(
          `year ${v.year}: ${pct(v.capacity)} of GPUs working (${fmt(v.gpus)})`,
        )}</title></rect>`,
        `<text x="${(x0 + i * step - 4).toFixed(1)}" y="${y + chartH + 14}">${v.year}</text>`,
      );
    });
    const line = (cls: string, color: string, f: (v: (typeof o.years)[number]) => number) =>
      `<polyline class="${cls}" data-site="${xml(site)}" fill="none" stroke="${color}" stroke-width="2" points="${o.years
        .map((v, i) => `${px(i)},${py(f(v))}`)
        .join(' ')}"/>`;
    parts.push(
      line('array-power', '#edc948', (v) => v.arrayMW),
      line('heat-load', '#e15759', (v) => v.loadMW),
    );
    const end = o.years[o.years.length - 1];
    parts.push(
      `<text class="orbital-legend" x="${x0}" y="${y + chartH + 32}">${xml(
        `yellow: arrays, ${fmt(o.years[0].arrayMW)} MW at launch · red: draw and heat, ${fmt(o.years[0].loadMW)} MW at launch`,
      )}</text>`,
      `<text class="orbital-legend" x="${x0}" y="${y + chartH + 48}">${xml(
        `bars: GPUs working, ${pct(end.capacity)} after ${end.year} years (fail-in-place); x: mission year`,
      )}</text>`,
    );
    y += chartH + 56;
  }
  return { parts, y };
}
