/**
 * `colossus report`: the cluster at a glance from a synth output. Markdown tables of pools,
 * tenants and their quotas, stacks and objects, plus every other summary section (fabric,
 * storage, power) as it comes; and a self-contained HTML page with an SVG picture of the site,
 * its pools and blocks, the tenants' quotas and the fabric tiers.
 */
import { escapeXml as xml, formatNumber as fmt, isRecord } from '../model/values';
import { siteSvg, siteTables } from './site-report';
import { compare, SynthOutput } from './read-output';

/** Summary sections drawn and tabled specifically; others are tabled generically. */
const KNOWN_SECTIONS = new Set([
  'cluster',
  'site',
  'gpus',
  'pools',
  'tenants',
  'stacks',
  'cells',
  'facility',
  'orbital',
]);

/**
 * One palette: each tenant has a colour (sorted-name order), and only tenants do. A dedicated pool is
 * drawn in its tenant's colour; a shared pool's blocks are coloured by the tenants' shares of its GPU
 * quota, unallocated blocks in grey; the quota bars use the same colours. Greys are never a tenant's.
 */
const TENANT_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
/** Blocks no tenant's quota covers, and the frame of a shared pool. */
const UNALLOCATED = '#c7c7c7';
const SHARED_POOL = '#7f7f7f';
/** The site power gauge: draw and track, in greys so that no tenant colour means power. */
const GAUGE_DRAW = '#4d4d4d';
const GAUGE_TRACK = '#e6e6e6';

/** Most blocks drawn per pool; the rest are counted in a label. */
const MAX_BLOCKS_DRAWN = 2000;

/** A table: header and rows of cells (already plain text). */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Right-align columns from this index on (figures). */
  readonly numericFrom: number;
}

/** Renders the report as Markdown. */
export function renderReportMarkdown(output: SynthOutput): string {
  const lines = [`# ${output.summary.cluster} at a glance`, '', headline(output), ''];
  for (const t of tables(output)) {
    lines.push(`## ${t.title}`, '', `| ${t.header.map(md).join(' | ')} |`);
    lines.push(`|${t.header.map((_, i) => (i >= t.numericFrom ? '--:' : '---')).join('|')}|`);
    for (const row of t.rows) lines.push(`| ${row.map(md).join(' | ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The report as data: the headline and every table (`colossus report --format json`). */
export function renderReportJson(output: SynthOutput): string {
  const body = {
    cluster: output.summary.cluster,
    headline: headline(output),
    tables: tables(output).map((t) => ({ title: t.title, header: t.header, rows: t.rows })),
  };
  return JSON.stringify(body, null, 2);
}

/** Renders the report as one HTML page (no scripts, no external resources). */
export function renderReportHtml(output: SynthOutput): string {
  const title = `${output.summary.cluster} at a glance`;
  const body = tables(output)
    .map((t) => {
      const th = t.header.map((h, i) => `<th${i >= t.numericFrom ? ' class="n"' : ''}>${xml(h)}</th>`).join('');
      const rows = t.rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => `<td${i >= t.numericFrom && isFigure(c) ? ' class="n"' : ''}>${xml(c)}</td>`).join('')}</tr>`,
        )
        .join('\n');
      return `<h2>${xml(t.title)}</h2>\n<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${xml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 24px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font: 12px system-ui, sans-serif; fill: #222; }
svg .title { font-weight: bold; font-size: 14px; }
</style>
</head>
<body>
<h1>${xml(title)}</h1>
<p>${xml(headline(output))}</p>
${renderSvg(output)}
${body}
</body>
</html>
`;
}

function headline(output: SynthOutput): string {
  const s = output.summary;
  const sites = sitesOf(output);
  const budgets = sites.map((x) => x.budgetMW);
  const parts = [
    `${sites.length === 1 ? 'site' : 'sites'} ${sites.map((x) => x.name).join(', ')}`,
    `${fmt(s.gpus)} GPUs in ${Object.keys(s.pools).length} pools`,
    `${Object.keys(s.tenants).length} tenants`,
  ];
  if (budgets.every((b) => b !== undefined)) {
    parts.push(`power budget ${fmt(budgets.reduce((n: number, b) => n + b!, 0))} MW`);
  }
  parts.push(`${output.objects.length} objects in ${output.stacks.length} stacks`);
  return parts.join(' · ');
}

function siteOf(output: SynthOutput): { name: string; powerBudgetMW?: number } {
  const site = (output.summary as { site?: { name?: string; powerBudgetMW?: number } }).site;
  return { name: site?.name ?? output.summary.cluster, powerBudgetMW: site?.powerBudgetMW };
}

/** Sites with their pools: from the power section when it places pools, else the one site of the summary. */
function sitesOf(output: SynthOutput): { name: string; label: string; budgetMW?: number; pools: string[] }[] {
  const s = output.summary;
  const pools = Object.keys(s.pools).sort(compare);
  const power = s.power as
    | { pools?: Record<string, { site?: string }>; sites?: Record<string, { budgetMW?: number; drawMW?: number }> }
    | undefined;
  const fallback = siteOf(output).name;
  const siteOfPool = (p: string) => power?.pools?.[p]?.site ?? fallback;
  const names = [...new Set([...Object.keys(power?.sites ?? {}), ...pools.map(siteOfPool)])].sort(compare);
  return names.map((name) => {
    const figures = power?.sites?.[name];
    const budget = figures?.budgetMW ?? (name === fallback ? siteOf(output).powerBudgetMW : undefined);
    const draw = figures?.drawMW === undefined ? '' : `, drawing ${fmt(figures.drawMW)} MW`;
    const label = `site ${name}${budget === undefined ? '' : `: budget ${fmt(budget)} MW`}${draw}`;
    return { name, label, budgetMW: budget, pools: pools.filter((p) => siteOfPool(p) === name) };
  });
}

function tables(output: SynthOutput): Table[] {
  const s = output.summary;
  const pools = Object.keys(s.pools).sort(compare);
  const tenants = Object.keys(s.tenants).sort(compare);
  const given = (pool: string) => tenants.reduce((n, t) => n + (s.tenants[t].gpuQuota[pool] ?? 0), 0);
  const result: Table[] = [
    {
      title: 'Pools',
      header: ['pool', 'GPU', 'dedicated to', 'GPUs', 'nodes', 'racks', 'blocks', 'quota given', 'unallocated'],
      numericFrom: 3,
      rows: pools.map((name) => {
        const p = s.pools[name];
        return [
          name,
          p.gpu,
          p.dedicatedTo ?? '',
          ...[p.gpus, p.nodes, p.racks, p.blocks, given(name), p.gpus - given(name)].map(fmt),
        ];
      }),
    },
    {
      title: 'Tenants',
      header: ['tenant', 'external', 'namespaces', ...pools.map((p) => `${p} GPUs`), 'total GPUs', 'share'],
      numericFrom: 3,
      rows: tenants.map((name) => {
        const t = s.tenants[name];
        const total = pools.reduce((n, p) => n + (t.gpuQuota[p] ?? 0), 0);
        return [
          name,
          t.external ? 'yes' : 'no',
          t.namespaces.join(', '),
          ...pools.map((p) => fmt(t.gpuQuota[p] ?? 0)),
          fmt(total),
          s.gpus > 0 ? `${((100 * total) / s.gpus).toFixed(1)}%` : '-',
        ];
      }),
    },
  ];
  if (s.cells?.split) {
    const cellStacks = (cluster: string) => Object.keys(s.stacks).filter((k) => k.startsWith(`${cluster}-`));
    result.push({
      title: 'Cells',
      header: [
        'cell',
        'blocks',
        'tenants',
        'context',
        'nodes',
        'GPUs',
        'pods',
        'lease writes/s',
        'largest object',
        'stacks',
        'Terraform resources',
      ],
      numericFrom: 4,
      rows: s.cells.cells.map((c) => [
        c.name,
        Object.entries(c.blocks)
          .map(([pool, [a, b]]) => `${pool} ${a}-${b}`)
          .join(', '),
        Object.keys(c.tenants).join(', '),
        c.context,
        ...[c.figures.nodes, c.figures.gpus, c.figures.pods, c.figures.heartbeatWritesPerSecond].map(fmt),
        `${fmt(Math.round(c.figures.largestObject.bytes / 1024))} KiB`,
        fmt(cellStacks(c.cluster).length),
        fmt(cellStacks(c.cluster).reduce((n, k) => n + s.stacks[k].terraformResources, 0)),
      ]),
    });
  }
  const sections = Object.keys(s)
    .filter((k) => !KNOWN_SECTIONS.has(k))
    .sort(compare);
  for (const section of sections) result.push(...sectionTables(section, s[section]));
  result.push(...siteTables(s));
  result.push({
    title: 'Stacks',
    header: ['stack', 'objects', 'Terraform resources'],
    numericFrom: 1,
    rows: Object.keys(s.stacks)
      .sort(compare)
      .map((name) => [name, fmt(s.stacks[name].objects), fmt(s.stacks[name].terraformResources)]),
  });
  const kinds = new Map<string, number>();
  for (const o of output.objects) kinds.set(o.object.kind, (kinds.get(o.object.kind) ?? 0) + 1);
  result.push({
    title: 'Objects by kind',
    header: ['kind', 'objects'],
    numericFrom: 1,
    rows: [...kinds].sort(([a], [b]) => compare(a, b)).map(([k, n]) => [k, fmt(n)]),
  });
  return result;
}

/**
 * A summary section this report has no special knowledge of: its scalar figures in one
 * key/value table, and each list (or map) of records as a table of its own.
 */
function sectionTables(title: string, value: unknown): Table[] {
  const scalars: string[][] = [];
  const nested: Table[] = [];
  const visit = (v: unknown, path: string) => {
    const records = recordsOf(v);
    if (records) {
      const columns = [
        ...new Set(records.flatMap(([, r]) => Object.keys(r).filter((k) => isScalar(r[k]) && k !== 'name'))),
      ];
      nested.push({
        title: path ? `${title}: ${path}` : capitalize(title),
        header: [Array.isArray(v) && !records.some(([, r]) => typeof r.name === 'string') ? '#' : 'name', ...columns],
        numericFrom: 1,
        rows: records.map(([name, r]) => [name, ...columns.map((c) => show(r[c]))]),
      });
    } else if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, path ? `${path}.${k}` : k);
    } else if (Array.isArray(v)) {
      scalars.push([path, v.map(show).join(', ')]);
    } else {
      scalars.push([path || title, show(v)]);
    }
  };
  visit(value, '');
  const own: Table[] = scalars.length
    ? [{ title: capitalize(title), header: ['figure', 'value'], numericFrom: 1, rows: scalars }]
    : [];
  return [...own, ...nested];
}

/** A list of records, or a map of name to record: `[name, record]` pairs; undefined otherwise. */
function recordsOf(v: unknown): [string, Record<string, unknown>][] | undefined {
  if (Array.isArray(v) && v.length > 0 && v.every(isRecord)) {
    return v.map((r, i) => [typeof r.name === 'string' ? r.name : String(i), r]);
  }
  if (isRecord(v)) {
    const entries = Object.entries(v);
    if (entries.length > 0 && entries.every(([, r]) => isRecord(r) && Object.values(r).every(isScalar))) {
      return entries as [string, Record<string, unknown>][];
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- SVG

const WIDTH = 960;
const PAD = 16;
const BLOCK = 12;
const GAP = 3;

/** The picture: site frame with pools of blocks; tenant quota bars; fabric tiers when known. */
function renderSvg(output: SynthOutput): string {
  const s = output.summary;
  const parts: string[] = [];
  let y = PAD;
  const pools = Object.keys(s.pools).sort(compare);
  const tenants = Object.keys(s.tenants).sort(compare);
  const tenantColor = (t: string) =>
    tenants.includes(t) ? TENANT_COLORS[tenants.indexOf(t) % TENANT_COLORS.length] : UNALLOCATED;
  const power = s.power as { sites?: Record<string, { budgetMW?: number; drawMW?: number }> } | undefined;

  // One frame per site, holding its pools; each pool a frame of its blocks.
  const perRow = Math.floor((WIDTH - 4 * PAD) / (BLOCK + GAP));
  for (const site of sitesOf(output)) {
    const siteTop = y;
    const frame = parts.length;
    y += 28;
    for (const name of site.pools) {
      const p = s.pools[name];
      const drawn = Math.min(p.blocks, MAX_BLOCKS_DRAWN);
      const rows = Math.max(1, Math.ceil(drawn / perRow));
      const top = y;
      const height = 26 + rows * (BLOCK + GAP) + 8;
      const owner = p.dedicatedTo;
      const frameColor = owner ? tenantColor(owner) : SHARED_POOL;
      const holders = blockHolders(
        drawn,
        p.gpus,
        owner,
        tenants.map((t) => [t, s.tenants[t].gpuQuota[name] ?? 0]),
      );
      parts.push(
        `<rect class="pool" data-pool="${xml(name)}" x="${2 * PAD - 6}" y="${top}" width="${WIDTH - 4 * PAD + 12}" height="${height}" rx="4" fill="#fafafa" stroke="${frameColor}"/>`,
        `<text class="pool-label" data-pool="${xml(name)}" x="${2 * PAD}" y="${top + 17}">${xml(
          `pool ${name}: ${fmt(p.gpus)} × ${p.gpu}, ${fmt(p.nodes)} nodes, ${fmt(p.racks)} racks, ${fmt(p.blocks)} blocks` +
            (owner ? `, dedicated to ${owner}` : '') +
            (p.blocks > drawn ? ` (first ${fmt(drawn)} blocks drawn)` : ''),
        )}</text>`,
      );
      for (let i = 0; i < drawn; i++) {
        const bx = 2 * PAD + (i % perRow) * (BLOCK + GAP);
        const by = top + 26 + Math.floor(i / perRow) * (BLOCK + GAP);
        const holder = holders[i];
        parts.push(
          `<rect class="block" data-pool="${xml(name)}"${holder ? ` data-tenant="${xml(holder)}"` : ''} x="${bx}" y="${by}" width="${BLOCK}" height="${BLOCK}" fill="${holder ? tenantColor(holder) : UNALLOCATED}"/>`,
        );
      }
      // Each cell of the pool: a dashed outline around its run of blocks, row by row.
      for (const cell of s.cells?.split ? s.cells.cells : []) {
        const run = cell.blocks[name];
        if (!run) continue;
        const last = Math.min(run[1], drawn - 1);
        for (let i = run[0]; i <= last;) {
          const row = Math.floor(i / perRow);
          const end = Math.min(last, (row + 1) * perRow - 1);
          const bx = 2 * PAD + (i % perRow) * (BLOCK + GAP) - 2;
          const by = top + 26 + row * (BLOCK + GAP) - 2;
          const w = (end - i + 1) * (BLOCK + GAP) - GAP + 4;
          parts.push(
            `<rect class="cell" data-cell="${xml(cell.name)}" x="${bx}" y="${by}" width="${w}" height="${BLOCK + 4}" fill="none" stroke="#222" stroke-dasharray="3 2"><title>${xml(
              `cell ${cell.name}: ${fmt(cell.figures.nodes)} nodes, ${fmt(cell.figures.gpus)} GPUs, tenants ${Object.keys(cell.tenants).join(', ')}`,
            )}</title></rect>`,
          );
          i = end + 1;
        }
      }
      y = top + height + 10;
    }
    // The frame goes under its pools, so it is inserted before them once its height is known.
    parts.splice(
      frame,
      0,
      `<rect class="site" data-site="${xml(site.name)}" x="${PAD}" y="${siteTop}" width="${WIDTH - 2 * PAD}" height="${y - siteTop}" rx="6" fill="none" stroke="#555"/>`,
      `<text class="title site-label" data-site="${xml(site.name)}" x="${PAD + 10}" y="${siteTop + 19}">${xml(site.label)}</text>`,
      ...powerGauge(site.name, power?.sites?.[site.name], siteTop),
    );
    y += 12;
  }
  y += 8;

  // Tenants: one bar per tenant, one segment per pool, length proportional to GPUs.
  parts.push(
    `<text class="title" x="${PAD}" y="${y}">tenants (GPU quota; the blocks above share their colours, grey blocks are unallocated)</text>`,
  );
  y += 12;
  const labelWidth = 220;
  const scale = s.gpus > 0 ? (WIDTH - 2 * PAD - labelWidth - 120) / s.gpus : 0;
  for (const t of tenants) {
    const quota = s.tenants[t].gpuQuota;
    const total = pools.reduce((n, p) => n + (quota[p] ?? 0), 0);
    const external = s.tenants[t].external;
    parts.push(
      `<rect class="tenant-swatch" x="${PAD}" y="${y + 3}" width="12" height="12" fill="${tenantColor(t)}"/>`,
      `<text class="tenant-label" data-tenant="${xml(t)}" x="${PAD + 18}" y="${y + 14}">${xml(t + (external ? ' (external)' : ''))}</text>`,
    );
    let x = PAD + labelWidth;
    for (const p of pools) {
      const w = (quota[p] ?? 0) * scale;
      if (w <= 0) continue;
      parts.push(
        `<rect class="quota" data-tenant="${xml(t)}" data-pool="${xml(p)}" x="${x.toFixed(1)}" y="${y + 2}" width="${Math.max(1, w).toFixed(1)}" height="14" fill="${tenantColor(t)}" stroke="#fff"${external ? ' fill-opacity="0.6"' : ''}><title>${xml(`${t}: ${fmt(quota[p])} GPUs on ${p}`)}</title></rect>`,
      );
      x += Math.max(1, w);
    }
    parts.push(`<text class="quota-label" x="${(x + 6).toFixed(1)}" y="${y + 14}">${xml(`${fmt(total)} GPUs`)}</text>`);
    y += 22;
  }

  // Halls with their racks and CDUs; orbital sites over their mission years.
  const site = siteSvg(s, y, WIDTH, PAD);
  parts.push(...site.parts);
  y = site.y;

  const tiers = fabricTiers(s.fabric);
  if (tiers.length) {
    y += 16;
    parts.push(`<text class="title" x="${PAD}" y="${y}">fabric tiers (switches)</text>`);
    y += 10;
    const most = Math.max(...tiers.map((t) => t.switches));
    for (const tier of tiers) {
      const w = Math.max(2, ((WIDTH - 2 * PAD - 220) * tier.switches) / most);
      const x = PAD + 200 + (WIDTH - 2 * PAD - 220 - w) / 2;
      parts.push(
        `<text class="fabric-label" x="${PAD}" y="${y + 15}">${xml(`${tier.name}: ${fmt(tier.switches)} switches`)}</text>`,
        `<rect class="fabric-tier" data-tier="${xml(tier.name)}" x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="#7f7f7f"/>`,
      );
      y += 24;
    }
  }
  y += PAD;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${xml(`${s.cluster}: site, pools, blocks and tenants`)}" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}">\n${parts.join('\n')}\n</svg>`;
}

/**
 * Which tenant each drawn block of a pool stands for: all the owner's when dedicated; else the
 * tenants' shares of the pool's GPU quota (largest remainders, so the counts add up), then
 * unallocated blocks. Quota is not pinned to blocks by Kueue: the picture shows shares, not placement.
 */
export function blockHolders(
  blocks: number,
  gpus: number,
  owner: string | undefined,
  quotas: readonly (readonly [string, number])[],
): (string | undefined)[] {
  if (owner !== undefined) return Array.from({ length: blocks }, () => owner);
  const held = quotas.filter(([, q]) => q > 0);
  const total = Math.max(
    gpus,
    held.reduce((n, [, q]) => n + q, 0),
  );
  if (total <= 0 || blocks <= 0) return Array.from({ length: blocks }, () => undefined);
  const exact = held.map(([t, q]) => ({ t, x: (blocks * q) / total }));
  const counts = new Map(exact.map((e) => [e.t, Math.floor(e.x)]));
  const allocated = Math.min(blocks, Math.round((blocks * held.reduce((n, [, q]) => n + q, 0)) / total));
  let left = allocated - [...counts.values()].reduce((n, c) => n + c, 0);
  for (const e of [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)) || compare(a.t, b.t))) {
    if (left-- <= 0) break;
    counts.set(e.t, counts.get(e.t)! + 1);
  }
  return [
    ...held.flatMap(([t]) => Array.from({ length: counts.get(t)! }, () => t)),
    ...Array(blocks).fill(undefined),
  ].slice(0, blocks);
}

/** A gauge of the site's draw against its budget, with the share in words; nothing when either is unknown. */
function powerGauge(site: string, figures: { budgetMW?: number; drawMW?: number } | undefined, top: number): string[] {
  const budget = figures?.budgetMW;
  const draw = figures?.drawMW;
  if (budget === undefined || draw === undefined || budget <= 0) return [];
  const width = 260;
  const x = WIDTH - 2 * PAD - width - 90;
  const used = Math.min(1, Math.max(0, draw / budget));
  const percent = Math.round(used * 100);
  const title = xml(`site ${site}: ${fmt(draw)} of ${fmt(budget)} MW (${percent}%)`);
  return [
    `<rect class="power-gauge" data-site="${xml(site)}" x="${x}" y="${top + 8}" width="${width}" height="14" rx="3" fill="${GAUGE_TRACK}" stroke="#555"><title>${title}</title></rect>`,
    `<rect class="power-draw" data-site="${xml(site)}" data-percent="${percent}" x="${x}" y="${top + 8}" width="${Math.max(1, width * used).toFixed(1)}" height="14" rx="3" fill="${GAUGE_DRAW}"><title>${title}</title></rect>`,
    `<text class="power-label" data-site="${xml(site)}" x="${x + width + 8}" y="${top + 19}">${xml(`${percent}% of power`)}</text>`,
  ];
}

/** Fabric tiers, broadest (core) first, from `*Switches` figures or a `tiers` list of `{name, switches}`. */
export function fabricTiers(fabric: unknown): { name: string; switches: number }[] {
  const tiers = new Map<string, number>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 2 || !isRecord(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const m = /^(core|superSpine|spine|leaf)Switches$/.exec(k);
      if (m && typeof x === 'number' && x > 0) tiers.set(m[1], (tiers.get(m[1]) ?? 0) + x);
      else if (k === 'tiers' && Array.isArray(x)) {
        for (const t of x) {
          if (isRecord(t) && typeof t.name === 'string' && typeof t.switches === 'number')
            tiers.set(t.name, t.switches);
        }
      } else if (k !== 'pools') visit(x, depth + 1);
    }
  };
  visit(fabric, 0);
  const order = ['core', 'superSpine', 'spine', 'leaf'];
  return [...tiers]
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || compare(a, b))
    .map(([name, switches]) => ({ name, switches }));
}

// ---------------------------------------------------------------- helpers

/** A cell holding a figure (`12,288`, `-4`, `25.0%`): right-aligned. */
function isFigure(cell: string): boolean {
  return /^[-+]?[0-9][0-9,]*(\.[0-9]+)?%?$/.test(cell);
}

function isScalar(x: unknown): boolean {
  return x === null || ['string', 'number', 'boolean'].includes(typeof x);
}

function show(v: unknown): string {
  if (typeof v === 'number') return fmt(v);
  if (v === undefined || v === null) return '';
  return typeof v === 'string' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}
