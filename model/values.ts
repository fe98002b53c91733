/** Small helpers on plain values, shared by the spec, emitters, reports and review tools. */

/** Whether `value` is a mapping (a non-null object that is not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `12,345`, `8.786`: thousands separated, at most three decimals, as `toLocaleString('en-US')`
 * writes them but without a locale lookup (the first one costs about 10 ms).
 */
export function formatNumber(n: number): string {
  const rounded = Number(n.toFixed(3));
  const [int, frac] = String(Math.abs(rounded)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** Text escaped for XML and HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
