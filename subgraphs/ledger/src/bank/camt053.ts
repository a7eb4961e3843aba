import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { StatementError, checkStatement, isoDate, signedCents, validIban, type ParseResult, type ParsedStatement, type ParsedTransaction } from './statement';

/** The camt.053 versions Dutch banks send; the elements read here are the same in all three. */
const NAMESPACES = ['urn:iso:std:iso:20022:tech:xsd:camt.053.001.02', 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.04', 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'];

type Node = Record<string, unknown>;

/*
 * fast-xml-parser never fetches external entities; on top of that any DOCTYPE
 * is refused before parsing (a bank file has none, and DTDs are where XXE and
 * billion-laughs live), so the only entities left to expand are XML's five
 * predefined ones (&amp; in a description); depth and size are bounded.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  trimValues: true,
  isArray: (name) => ['Stmt', 'Bal', 'Ntry', 'TxDtls', 'Ustrd'].includes(name),
});

const MAX_DEPTH = 40;

export function parseCamt053(xml: string): ParseResult {
  try {
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new StatementError('the file declares a DOCTYPE or entities, which a bank statement never does');
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new StatementError(`the file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    if (depthOf(xml) > MAX_DEPTH) throw new StatementError(`the XML is nested deeper than ${MAX_DEPTH} levels`);
    const doc = parseXml(xml);
    const root = doc.Document as Node | undefined;
    // removeNSPrefix drops the xmlns attributes too: the namespace is read from the root element as written.
    const namespace = /<(?:[A-Za-z_][\w.-]*:)?Document\b[^>]*?\sxmlns(?::[A-Za-z_][\w.-]*)?="([^"]*)"/.exec(xml)?.[1] ?? '';
    if (!root || !NAMESPACES.includes(namespace)) throw new StatementError(`not a camt.053 document (namespace ${JSON.stringify(namespace)}; expected camt.053.001.02, .04 or .08)`);
    const statements = ((root.BkToCstmrStmt as Node | undefined)?.Stmt as Node[] | undefined) ?? [];
    if (statements.length !== 1) throw new StatementError(`the file holds ${statements.length} statements; import one statement (one Stmt) at a time`);
    return { ok: true, statement: checkStatement(readStatement(statements[0]!)) };
  } catch (error) {
    if (error instanceof StatementError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * The parser's own refusals (a nesting deeper than its limit, which the count
 * below misses when an attribute value holds "/>"; an element named
 * __proto__ or constructor) are the file's fault, not the server's.
 */
function parseXml(xml: string): Node {
  try {
    return parser.parse(xml) as Node;
  } catch (error) {
    throw new StatementError(`the XML could not be read: ${(error as Error).message.slice(0, 200)}`);
  }
}

/** The deepest element nesting, counted without building anything. */
function depthOf(xml: string): number {
  let depth = 0;
  let max = 0;
  for (const match of xml.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (match[1]) depth--;
    else if (!match[2]) max = Math.max(max, ++depth);
  }
  return max;
}

const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Node)['#text'] === 'string') return (value as Node)['#text'] as string;
  return null;
};
const required = (value: unknown, where: string): string => {
  const found = text(value);
  if (!found) throw new StatementError(`${where} is missing`);
  return found;
};
const node = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});

function amountOf(parent: Node, where: string): bigint {
  const amt = parent.Amt;
  const currency = node(amt)['@Ccy'];
  if (currency !== 'EUR') throw new StatementError(`${where}: currency ${JSON.stringify(currency ?? null)} is not EUR; the books keep euros`);
  const indicator = required(parent.CdtDbtInd, `${where}/CdtDbtInd`);
  if (indicator !== 'CRDT' && indicator !== 'DBIT') throw new StatementError(`${where}/CdtDbtInd must be CRDT or DBIT, not ${JSON.stringify(indicator)}`);
  return signedCents(required(amt, `${where}/Amt`), indicator === 'CRDT', `${where}/Amt`);
}

function dateOf(value: unknown, where: string): string {
  const n = node(value);
  return isoDate(required(n.Dt ?? n.DtTm, where), where);
}

function readStatement(stmt: Node): ParsedStatement {
  const iban = validIban(required(node(node(stmt.Acct).Id).IBAN, 'Stmt/Acct/Id/IBAN'), 'Stmt/Acct/Id/IBAN');
  const currency = node(stmt.Acct).Ccy;
  if (currency !== undefined && currency !== 'EUR') throw new StatementError(`the account's currency is ${JSON.stringify(currency)}, not EUR`);
  const balances = (stmt.Bal as Node[] | undefined) ?? [];
  const balance = (code: string) => {
    const found = balances.find((b) => text(node(node(b.Tp).CdOrPrtry).Cd) === code);
    if (!found) throw new StatementError(`the statement has no ${code} balance (Bal/Tp/CdOrPrtry/Cd)`);
    return { minor: amountOf(found, `Bal ${code}`), date: dateOf(found.Dt, `Bal ${code}/Dt`) };
  };
  const entries = ((stmt.Ntry as Node[] | undefined) ?? []).map((ntry, i) => readEntry(ntry, i + 1));
  return {
    format: 'CAMT053',
    iban,
    statementId: required(stmt.Id, 'Stmt/Id'),
    sequence: text(stmt.ElctrncSeqNb),
    opening: balance('OPBD'),
    closing: balance('CLBD'),
    transactions: entries,
  };
}

function readEntry(ntry: Node, n: number): ParsedTransaction {
  const where = `Ntry ${n}`;
  const status = text(node(ntry.Sts).Cd) ?? text(ntry.Sts);
  if (status !== null && status !== 'BOOK') throw new StatementError(`${where}: status ${status} is not BOOK; import booked statements only`);
  const minor = amountOf(ntry, where);
  const tx = node(((node(ntry.NtryDtls).TxDtls as Node[] | undefined) ?? [])[0]);
  const credit = minor > 0n;
  const parties = node(tx.RltdPties);
  // The other party: who paid us on a credit, whom we paid on a debit.
  const other = node(credit ? parties.Dbtr : parties.Cdtr);
  const otherAccount = node(node(credit ? parties.DbtrAcct : parties.CdtrAcct).Id).IBAN;
  const refs = node(tx.Refs);
  const endToEnd = text(refs.EndToEndId);
  const ustrd = ((node(tx.RmtInf).Ustrd as unknown[] | undefined) ?? []).map(text).filter((s): s is string => !!s);
  const bankRef = text(ntry.AcctSvcrRef) ?? text(refs.AcctSvcrRef) ?? text(ntry.NtryRef);
  return {
    bankRef: (bankRef ?? '').slice(0, 140),
    endToEndId: endToEnd && endToEnd !== 'NOTPROVIDED' ? endToEnd.slice(0, 140) : null,
    bookingDate: dateOf(ntry.BookgDt, `${where}/BookgDt`),
    valueDate: ntry.ValDt === undefined ? null : dateOf(ntry.ValDt, `${where}/ValDt`),
    minor,
    counterpartyIban: otherAccount === undefined ? null : validIban(required(otherAccount, `${where} counterparty IBAN`), `${where} counterparty IBAN`),
    counterpartyName: text(other.Nm ?? node(other.Pty).Nm)?.slice(0, 140) ?? null,
    description: (ustrd.join(' ') || text(ntry.AddtlNtryInf) || '').slice(0, 500),
  };
}
