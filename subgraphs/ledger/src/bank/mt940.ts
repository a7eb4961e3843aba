import { StatementError, checkStatement, isoDate, signedCents, validIban, type ParseResult, type ParsedTransaction } from './statement';

/*
 * A small strict MT940 reader for the files Dutch banks export (ING, Rabobank,
 * ABN AMRO, Triodos): one statement per file, :25: the IBAN (optionally
 * followed by the currency), :60F:/:62F: balances, :61: lines with the bank
 * reference after "//", and :86: in the SEPA structured form
 * (/EREF/…/CNTP/IBAN/BIC/NAME/CITY/…/REMI/USTD//text/). Anything it does not
 * understand is refused with the line it is on, never guessed. See README,
 * "For treasurers", for why this is our own and not a registry package.
 */

const BALANCE = /^([CD])(\d{6})([A-Z]{3})([\d,]{1,18})$/;
// value date, optional entry date (MMDD), C/D/RC/RD, optional funds code, amount, transaction type, customer ref, //bank ref
const STATEMENT_LINE = /^(\d{6})(\d{4})?(R?[CD])([A-Z])?([\d,]{1,18})([NFS][A-Z0-9]{3})([^/]{1,16}?)(?:\/\/(.{1,16}))?$/;

export function parseMt940(content: string): ParseResult {
  try {
    const fields = readFields(content);
    const one = (tag: string) => {
      const found = fields.filter((f) => f.tag === tag);
      if (found.length !== 1) throw new StatementError(`the file has ${found.length} :${tag}: fields; import one statement at a time`);
      return found[0]!;
    };
    const account = one('25').value.trim();
    const iban = validIban(account.replace(/\s*(EUR)$/, ''), `:25: (line ${one('25').line})`);
    const opening = balance(one('60F'));
    const closing = balance(one('62F'));
    const transactions: ParsedTransaction[] = [];
    for (const [i, f] of fields.entries()) {
      if (f.tag !== '61') continue;
      const next = fields[i + 1];
      transactions.push(readLine(f, next?.tag === '86' ? next : null));
    }
    const reference = one('20').value.trim();
    const number = fields.find((f) => f.tag === '28C')?.value.trim() ?? null;
    return {
      ok: true,
      statement: checkStatement({ format: 'MT940', iban, statementId: number ? `${reference}/${number}` : reference, sequence: number, opening, closing, transactions }),
    };
  } catch (error) {
    if (error instanceof StatementError) return { ok: false, reason: error.message };
    throw error;
  }
}

interface Field {
  tag: string;
  value: string;
  line: number;
}

function readFields(content: string): Field[] {
  const fields: Field[] = [];
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (line === '' || line === '-' || line === '-}' || /^\{[1-4]:/.test(line) || /^:?940:?$/.test(line)) continue;
    const match = /^:(\d{2}[A-Z]?):(.*)$/.exec(line);
    if (match) fields.push({ tag: match[1]!, value: match[2]!, line: i + 1 });
    else if (fields.length > 0) fields[fields.length - 1]!.value += `\n${line}`;
    else throw new StatementError(`line ${i + 1} is not an MT940 field`);
  }
  if (fields.length === 0) throw new StatementError('the file holds no MT940 fields');
  return fields;
}

const yymmdd = (value: string, where: string) => isoDate(`20${value.slice(0, 2)}-${value.slice(2, 4)}-${value.slice(4, 6)}`, where);

function balance(field: Field): { minor: bigint; date: string } {
  const match = BALANCE.exec(field.value.trim());
  if (!match) throw new StatementError(`:${field.tag}: (line ${field.line}) is not a balance like C261201EUR1000,00`);
  if (match[3] !== 'EUR') throw new StatementError(`:${field.tag}: (line ${field.line}): currency ${match[3]} is not EUR`);
  return { date: yymmdd(match[2]!, `:${field.tag}:`), minor: signedCents(match[4]!, match[1] === 'C', `:${field.tag}: (line ${field.line})`) };
}

function readLine(field: Field, info: Field | null): ParsedTransaction {
  const where = `:61: (line ${field.line})`;
  const [first] = field.value.split('\n');
  const match = STATEMENT_LINE.exec((first ?? '').trim());
  if (!match) throw new StatementError(`${where} is not a statement line like 2612011201C25,00NTRFNONREF//BANKREF`);
  const mark = match[3]!;
  if (mark.startsWith('R')) throw new StatementError(`${where}: reversal marks (RC/RD) are not supported; import the bank's CAMT.053 file instead`);
  const valueDate = yymmdd(match[1]!, where);
  // The entry date has no year: the value date's, moved back a year when that would put it after a December value date in January.
  let bookingDate = valueDate;
  if (match[2]) {
    const year = Number(valueDate.slice(0, 4)) - (match[2].slice(0, 2) === '12' && valueDate.slice(5, 7) === '01' ? 1 : 0);
    bookingDate = isoDate(`${year}-${match[2].slice(0, 2)}-${match[2].slice(2, 4)}`, where);
  }
  const structured = info ? structuredInfo(info.value.replace(/\n/g, '')) : null;
  const customerRef = match[7]!.trim();
  return {
    bankRef: (match[8] ?? customerRef).trim(),
    endToEndId: structured?.EREF && structured.EREF !== 'NOTPROVIDED' ? structured.EREF : customerRef !== 'NONREF' && customerRef !== 'EREF' ? customerRef : null,
    bookingDate,
    valueDate,
    minor: signedCents(match[5]!, mark === 'C', where),
    counterpartyIban: structured?.IBAN ? validIban(structured.IBAN, `:86: (line ${info!.line})`) : null,
    counterpartyName: structured?.NAME?.slice(0, 140) ?? null,
    description: (structured ? structured.REMI ?? '' : (info?.value ?? '').replace(/\n/g, ' ')).trim().slice(0, 500),
  };
}

const KEYS = new Set(['EREF', 'CNTP', 'REMI', 'MARF', 'CSID', 'BUSP', 'PURP', 'RTRN', 'ATOS', 'ORDP', 'BENM', 'ULTC', 'ULTD', 'NAME', 'IBAN', 'TRCD']);

/** The SEPA structured :86: (ING's and Rabobank's layout): /KEY/value/… with CNTP = IBAN/BIC/NAME/CITY and REMI = USTD//text. */
function structuredInfo(value: string): { EREF?: string; IBAN?: string; NAME?: string; REMI?: string } | null {
  if (!value.startsWith('/')) return null;
  const tokens = value.slice(1).replace(/\/$/, '').split('/');
  const out: { EREF?: string; IBAN?: string; NAME?: string; REMI?: string } = {};
  let i = 0;
  const until = () => {
    const parts: string[] = [];
    while (i < tokens.length && !KEYS.has(tokens[i]!)) parts.push(tokens[i++]!);
    return parts;
  };
  while (i < tokens.length) {
    const key = tokens[i++]!;
    if (!KEYS.has(key)) throw new StatementError(`:86: has an unknown structured key ${JSON.stringify(key)}`);
    const parts = until();
    if (key === 'EREF') out.EREF = parts.join('/');
    else if (key === 'CNTP') {
      if (parts[0]) out.IBAN = parts[0];
      if (parts[2]) out.NAME = parts[2];
    } else if (key === 'IBAN' && parts[0]) out.IBAN = parts[0];
    else if (key === 'NAME' && parts.join('/')) out.NAME = parts.filter(Boolean).join('/');
    else if (key === 'REMI') out.REMI = (parts[0] === 'USTD' || parts[0] === 'STRD' ? parts.slice(1) : parts).filter(Boolean).join('/');
  }
  return out;
}
