/** CSV export: RFC 4180 quoting, numbers printed in full precision, empty cells for missing values. */

export type Cell = string | number | boolean | null | undefined;

function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV document: a header row, then the rows; lines end in CRLF as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A matrix with row and column labels (heatmaps): the first column holds the row label. */
export function matrixCsv(
  corner: string,
  rowLabels: readonly string[],
  colLabels: readonly string[],
  values: readonly (readonly (number | null)[])[],
): string {
  return toCsv(
    [corner, ...colLabels],
    rowLabels.map((r, i) => [r, ...(values[i] ?? [])]),
  );
}
