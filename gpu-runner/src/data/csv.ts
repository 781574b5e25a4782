import { readFile } from 'node:fs/promises';

/** A parsed CSV file: its header and data rows (row 1 is the first line after the header). */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reads a CSV file with a header line; throws naming the file when it is missing or empty. */
export async function readCsv(file: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CSV ${file}: ${(err as Error).message}`, { cause: err });
  }
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) throw new Error(`CSV ${file} is empty (expected a header line)`);
  return { file, header: header.map((h) => h.trim()), rows };
}

/** Column index of each required name; throws naming every missing column and the file. */
export function requireColumns<K extends string>(table: CsvTable, names: readonly K[]): Record<K, number> {
  const missing = names.filter((n) => !table.header.includes(n));
  if (missing.length > 0)
    throw new Error(
      `CSV ${table.file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (has: ${table.header.join(', ')})`,
    );
  return Object.fromEntries(names.map((n) => [n, table.header.indexOf(n)])) as Record<K, number>;
}
