/** A cell: text from the media or the model, or a number or flag code wrote. */
export type CsvValue = string | number | boolean | undefined;

/**
 * Characters that make a spreadsheet read a cell as a formula (=, +, -, @) or that some
 * read past to one (tab, carriage return): OWASP's CSV injection list. Leading spaces too:
 * some spreadsheets trim them and then evaluate what follows.
 */
const FORMULA_START = /^\s*[=+\-@]|^[\t\r]/;

/**
 * A CSV document by RFC 4180: CRLF after every record, a field quoted when it holds a comma,
 * a double quote, CR or LF, and double quotes inside doubled. Text cells that would start a
 * formula get a leading apostrophe, which spreadsheets show as text and do not evaluate;
 * numbers and flags come from code and are written as they are.
 */
export function writeCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

/** One field, guarded and quoted as needed. */
export function cell(value: CsvValue): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
