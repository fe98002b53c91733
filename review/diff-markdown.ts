/**
 * The diff as a pull-request comment: the verdict and a table per stack first, then the risks
 * and the capacity changes, then every object change folded in <details>. GitHub rejects
 * comments over 65,536 characters, so details stop at a budget and say where the rest is.
 */
import { DISRUPTION_VERBS, formatDuration } from '../day2/waves';
import { formatNumber as fmt } from '../model/values';
import { CapacityDelta, FieldChange, ObjectChange, PlanDiff, signed, StackDiff } from './diff';

/** Longest comment the renderer produces; GitHub's limit is 65,536. */
export const MARKDOWN_BUDGET_CHARS = 60_000;
/** Rows of the risk and capacity tables; a change of thousands of objects lists the first ones. */
const TABLE_ROWS = 100;
/** Field rows shown per object; the JSON output has all. */
const FIELDS_PER_OBJECT = 40;
/** Longest value shown in a table cell. */
const CELL_CHARS = 120;

const VERDICT = { high: 'HIGH', medium: 'MEDIUM', low: 'low', none: 'none' } as const;
const SYMBOL = { added: '+', removed: '-', abandoned: '!', changed: '~', replaced: '±' } as const;

/** Renders the diff as GitHub-flavoured Markdown. */
export function formatDiffMarkdown(diff: PlanDiff): string {
  const head: string[] = [];
  const { totals } = diff;
  const cluster =
    diff.base.cluster === diff.head.cluster ? diff.head.cluster : `${diff.base.cluster} → ${diff.head.cluster}`;
  head.push(`## colossus diff: ${cluster}`, '');
  const changed = totals.added + totals.removed + totals.abandoned + totals.changed + totals.replaced;
  if (changed === 0 && diff.capacity.length === 0 && diff.disruption.length === 0) {
    head.push('**No change.** Both outputs declare the same objects at the same Terraform addresses.', '');
    return head.join('\n');
  }
  head.push(
    `**Risk: ${VERDICT[diff.risk]}** · ${totals.high} high, ${totals.medium} medium, ${totals.low} low · ` +
      `${totals.added} added, ${totals.removed} removed, ${totals.changed} changed, ${totals.replaced} replaced` +
      (totals.abandoned
        ? `, ${totals.abandoned} abandoned (their stacks are no longer synthesized: they stay live)`
        : ''),
    '',
    '| stack | added | removed | changed | replaced | risk |',
    '|---|--:|--:|--:|--:|---|',
    ...diff.stacks
      .filter((s) => s.status !== 'unchanged')
      .map(
        (s) =>
          `| ${cell(s.stack)}${stackStatus(s)} | ${s.counts.added} | ` +
          `${s.counts.removed} | ${s.counts.changed} | ${s.counts.replaced} | ${VERDICT[s.risk]} |`,
      ),
    '',
  );
  if (diff.disruption.length) {
    head.push(
      '### Disruption',
      '',
      '| risk | pool | nodes | what | at once | waves | estimate |',
      '|---|---|--:|---|--:|--:|---|',
    );
    for (const d of diff.disruption) {
      head.push(
        `| ${VERDICT[d.risk]} | ${cell(d.pool)} | ${fmt(d.nodes)} | ${cell(DISRUPTION_VERBS[d.kind])} | ` +
          `${d.blocksAtOnce !== undefined ? `${fmt(d.blocksAtOnce)} block${d.blocksAtOnce === 1 ? '' : 's'}, ` : ''}${fmt(d.nodesAtOnce)} nodes | ${fmt(d.waves)} | ${formatDuration(d.minutes)} |`,
      );
    }
    head.push('');
  }
  const serious = diff.risks.filter((r) => r.level !== 'low');
  if (serious.length) {
    head.push('### Risks', '', '| risk | where | what | why |', '|---|---|---|---|');
    for (const r of serious.slice(0, TABLE_ROWS)) {
      head.push(`| ${VERDICT[r.level]} | ${cell(r.scope)} | ${code(r.subject)} | ${cell(r.reason)} |`);
    }
    head.push(...more(serious.length, 'risks'), '');
  }
  if (diff.capacity.length) {
    head.push('### Capacity', '', '| what | base | head | change |', '|---|--:|--:|--:|');
    for (const d of diff.capacity.slice(0, TABLE_ROWS)) head.push(capacityRow(d));
    head.push(...more(diff.capacity.length, 'capacity changes'), '');
  }
  // Details fill what is left of the budget, object by object; the JSON output has everything.
  const out = [...head];
  let left = MARKDOWN_BUDGET_CHARS - out.join('\n').length;
  let omitted = 0;
  for (const s of diff.stacks.filter((x) => x.changes.length > 0)) {
    const open = `<details><summary>${html(s.stack)}: ${s.changes.length} change(s)</summary>\n`;
    const close = '</details>\n';
    const entries: string[] = [];
    let size = open.length + close.length + 200;
    for (const c of s.changes) {
      const entry = changeDetails(c);
      if (size + entry.length > left) break;
      entries.push(entry);
      size += entry.length + 1;
    }
    if (entries.length === 0) {
      omitted += s.changes.length;
      continue;
    }
    const rest = s.changes.length - entries.length;
    const note = rest ? [`_… ${rest} more change(s) of this stack left out to fit a pull-request comment._\n`] : [];
    out.push(open, ...entries, ...note, close);
    left -= size;
  }
  if (omitted) {
    out.push(
      `_Details of ${omitted} more change(s) left out to fit a pull-request comment; run \`colossus diff --format json\` for everything._`,
      '',
    );
  }
  return out.join('\n');
}

function stackStatus(s: StackDiff): string {
  if (s.status === 'added') return ' (added)';
  if (s.status !== 'removed') return '';
  return s.counts.abandoned
    ? ` (no longer synthesized: ${s.counts.abandoned} objects stay live, unmanaged)`
    : ' (no longer synthesized)';
}

function more(total: number, what: string): string[] {
  return total > TABLE_ROWS
    ? ['', `_… and ${total - TABLE_ROWS} more ${what}: \`colossus diff --format json\` lists them all._`]
    : [];
}

function capacityRow(d: CapacityDelta): string {
  const what = d.item ? `${d.section} ${d.item}: ${d.metric}` : `${d.section}: ${d.metric}`;
  const value = (n?: number) => (n === undefined ? '—' : fmt(n));
  return `| ${cell(what)} | ${value(d.base)} | ${value(d.head)} | ${signed(d.delta)} |`;
}

function changeDetails(c: ObjectChange): string {
  const lines = [`**${SYMBOL[c.change]} ${c.change}** ${code(c.identity)} · ${VERDICT[c.risk]}`, ''];
  for (const r of c.risks) lines.push(`- ${r.level}: ${escapeText(r.reason)}`);
  if (c.change === 'replaced') lines.push(`- address: ${code(c.address.base ?? '')} → ${code(c.address.head ?? '')}`);
  lines.push('');
  if (c.fields.length) lines.push(...fieldTable(c.fields), '');
  return lines.join('\n');
}

function fieldTable(fields: readonly FieldChange[]): string[] {
  const rows = ['| field | base | head |', '|---|---|---|'];
  for (const f of fields.slice(0, FIELDS_PER_OBJECT)) {
    rows.push(`| ${code(f.path)} | ${value(f.old, 'old' in f)} | ${value(f.new, 'new' in f)} |`);
  }
  if (fields.length > FIELDS_PER_OBJECT) rows.push(`| … ${fields.length - FIELDS_PER_OBJECT} more | | |`);
  return rows;
}

function value(v: unknown, present: boolean): string {
  if (!present) return '—';
  const text = JSON.stringify(v) ?? String(v);
  return code(text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS - 1)}…` : text);
}

/** Inline code that survives a table cell: pipes escaped, fenced with enough backticks. */
function code(text: string): string {
  const escaped = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const fence = escaped.includes('`') ? '`` ' : '`';
  return `${fence}${escaped}${fence === '`` ' ? ' ``' : '`'}`;
}

function cell(text: string): string {
  return escapeText(text).replace(/\|/g, '\\|');
}

/** Keeps user-written names from turning into Markdown or HTML. */
function escapeText(text: string): string {
  return html(text)
    .replace(/([\\`*_[\]])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
