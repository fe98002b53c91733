/**
 * The diff as a pull-request comment: the verdict and a table per stack first, then the risks
 * and the capacity changes, then every object change folded in <details>. GitHub rejects
 * comments over 65,536 characters, so details stop at a budget and say where the rest is.
 */
import { CapacityDelta, FieldChange, fmt, ObjectChange, PlanDiff, signed } from './diff';

/** Longest comment the renderer produces; GitHub's limit is 65,536. */
export const MARKDOWN_BUDGET_CHARS = 60_000;
/** Field rows shown per object; the JSON output has all. */
const FIELDS_PER_OBJECT = 40;
/** Longest value shown in a table cell. */
const CELL_CHARS = 120;

const VERDICT = { high: 'HIGH', medium: 'MEDIUM', low: 'low', none: 'none' } as const;
const SYMBOL = { added: '+', removed: '-', changed: '~', replaced: '±' } as const;

/** Renders the diff as GitHub-flavoured Markdown. */
export function formatDiffMarkdown(diff: PlanDiff): string {
  const head: string[] = [];
  const { totals } = diff;
  const cluster =
    diff.base.cluster === diff.head.cluster ? diff.head.cluster : `${diff.base.cluster} → ${diff.head.cluster}`;
  head.push(`## colossus diff: ${cluster}`, '');
  const changed = totals.added + totals.removed + totals.changed + totals.replaced;
  if (changed === 0 && diff.capacity.length === 0) {
    head.push('**No change.** Both outputs declare the same objects at the same Terraform addresses.', '');
    return head.join('\n');
  }
  head.push(
    `**Risk: ${VERDICT[diff.risk]}** · ${totals.high} high, ${totals.medium} medium, ${totals.low} low · ` +
      `${totals.added} added, ${totals.removed} removed, ${totals.changed} changed, ${totals.replaced} replaced`,
    '',
    '| stack | added | removed | changed | replaced | risk |',
    '|---|--:|--:|--:|--:|---|',
    ...diff.stacks
      .filter((s) => s.status !== 'unchanged')
      .map(
        (s) =>
          `| ${cell(s.stack)}${s.status === 'added' || s.status === 'removed' ? ` (${s.status})` : ''} | ${s.counts.added} | ` +
          `${s.counts.removed} | ${s.counts.changed} | ${s.counts.replaced} | ${VERDICT[s.risk]} |`,
      ),
    '',
  );
  const serious = diff.risks.filter((r) => r.level !== 'low');
  if (serious.length) {
    head.push('### Risks', '', '| risk | where | what | why |', '|---|---|---|---|');
    for (const r of serious)
      head.push(`| ${VERDICT[r.level]} | ${cell(r.scope)} | ${code(r.subject)} | ${cell(r.reason)} |`);
    head.push('');
  }
  if (diff.capacity.length) {
    head.push('### Capacity', '', '| what | base | head | change |', '|---|--:|--:|--:|');
    for (const d of diff.capacity) head.push(capacityRow(d));
    head.push('');
  }
  const details = diff.stacks.filter((s) => s.changes.length > 0).map((s) => stackDetails(s.stack, s.changes));
  const out = [...head];
  let size = out.join('\n').length;
  for (let i = 0; i < details.length; i++) {
    if (size + details[i].length > MARKDOWN_BUDGET_CHARS) {
      out.push(
        `_Details of ${details.length - i} more stack(s) left out to fit a pull-request comment; ` +
          'run `colossus diff --format json` for everything._',
        '',
      );
      break;
    }
    out.push(details[i]);
    size += details[i].length + 1;
  }
  return out.join('\n');
}

function capacityRow(d: CapacityDelta): string {
  const what = d.item ? `${d.section} ${d.item}: ${d.metric}` : `${d.section}: ${d.metric}`;
  const value = (n?: number) => (n === undefined ? '—' : fmt(n));
  return `| ${cell(what)} | ${value(d.base)} | ${value(d.head)} | ${signed(d.delta)} |`;
}

function stackDetails(stack: string, changes: readonly ObjectChange[]): string {
  const lines = [`<details><summary>${html(stack)}: ${changes.length} change(s)</summary>`, ''];
  for (const c of changes) {
    lines.push(`**${SYMBOL[c.change]} ${c.change}** ${code(c.identity)} · ${VERDICT[c.risk]}`, '');
    for (const r of c.risks) lines.push(`- ${r.level}: ${escapeText(r.reason)}`);
    if (c.change === 'replaced') lines.push(`- address: ${code(c.address.base ?? '')} → ${code(c.address.head ?? '')}`);
    lines.push('');
    if (c.fields.length) lines.push(...fieldTable(c.fields), '');
  }
  lines.push('</details>', '');
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
