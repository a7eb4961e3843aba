/*
 * The annual accounts as a treasurer's document (PDF) and a workbook (xlsx). The ledger computes every
 * figure; the gateway asks the graph for them, with the projects' titles, statuses and SROI ratios from
 * the subgraphs that own them, and only lays them out.
 */

export interface Amount {
  amount: string;
}

interface StatementLine {
  account: { code: string; name: string };
  amount: Amount & { unit: 'EUR' | 'HOUR' };
}

export interface BudgetRow {
  taakveld: string | null;
  type: 'INCOME' | 'EXPENSE';
  unit: 'EUR' | 'HOUR';
  budget: Amount;
  actual: Amount;
  difference: Amount;
}

export interface AnnualAccountsDocument {
  neighbourhood: {
    id: string;
    slug: string;
    name: string;
    cbsWijkCode: string | null;
    municipality: { name: string; cbsCode: string };
    transparencyLog: { origin: string; verifierKey: string } | null;
    budget: { revision: number; revisions: { revision: number; reason: string; recordedAt: string }[] } | null;
  };
  accounts: {
    year: number;
    periodStart: string;
    periodEnd: string;
    closed: boolean;
    entryCount: number;
    lastEntry: { sequence: number; leafIndex: number; bookingDate: string; hash: string } | null;
    balanceSheet: {
      asOf: string;
      assets: StatementLine[];
      liabilities: StatementLine[];
      equity: StatementLine[];
      totals: { unit: 'EUR' | 'HOUR'; assets: Amount; liabilities: Amount; equity: Amount; resultNotInEquity: Amount; balanced: boolean }[];
    };
    incomeStatement: {
      income: StatementLine[];
      expenses: StatementLine[];
      totals: { unit: 'EUR' | 'HOUR'; income: Amount; expenses: Amount; result: Amount }[];
    };
    budgetVsActuals: {
      budgetRevision: number | null;
      byTaakveld: BudgetRow[];
      unmapped: BudgetRow[];
      byAccount: (BudgetRow & { account: { code: string; name: string } })[];
    };
    volunteerHours: { given: Amount; received: Amount; byProject: { project: { id: string; title: string } | null; given: Amount; received: Amount }[] };
    projects: {
      project: { id: string; title: string; status: string; sroi: { ratio: string | null } | null } | null;
      budget: Amount | null;
      spent: Amount;
      received: Amount;
      hours: Amount;
    }[];
    yearEndCheckpoint: { origin: string; size: number; rootHash: string; note: string; signedAt: string } | null;
  };
}

const LINE = `account { code name } amount { amount unit }`;
const ROW = `taakveld type unit budget { amount } actual { amount } difference { amount }`;

/** What the documents show, in one query: everything the ledger computed and the names the other subgraphs own. */
export const ANNUAL_ACCOUNTS_QUERY = `query AnnualAccounts($id: ID!, $year: Int!) { neighbourhood(id: $id) {
  id slug name cbsWijkCode municipality { name cbsCode } transparencyLog { origin verifierKey }
  budget(year: $year) { revision revisions { revision reason recordedAt } }
  annualAccounts(year: $year) { year periodStart periodEnd closed entryCount lastEntry { sequence leafIndex bookingDate hash }
    balanceSheet { asOf assets { ${LINE} } liabilities { ${LINE} } equity { ${LINE} }
      totals { unit assets { amount } liabilities { amount } equity { amount } resultNotInEquity { amount } balanced } }
    incomeStatement { income { ${LINE} } expenses { ${LINE} } totals { unit income { amount } expenses { amount } result { amount } } }
    budgetVsActuals { budgetRevision byTaakveld { ${ROW} } unmapped { ${ROW} } byAccount { account { code name } ${ROW} } }
    volunteerHours { given { amount } received { amount } byProject { project { id title } given { amount } received { amount } } }
    projects { project { id title status sroi { ratio } } budget { amount } spent { amount } received { amount } hours { amount } }
    yearEndCheckpoint { origin size rootHash note signedAt } } } }`;

/** `€ 1.234,56` or `1.234,56 uur`: Dutch grouping and decimal comma, from the exact decimal string (never a float). */
export function dutch(amount: string, unit: 'EUR' | 'HOUR'): string {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const number = `${negative ? '-' : ''}${grouped}${fraction ? `,${fraction}` : ''}`;
  return unit === 'EUR' ? `€ ${number}` : `${number} uur`;
}

/** A decimal string as a spreadsheet number: amounts have two decimals and stay far below 2^53 hundredths. */
export const asNumber = (amount: string): number => Number(amount);

export const TYPE_LABEL: Record<'INCOME' | 'EXPENSE', string> = { INCOME: 'baten', EXPENSE: 'lasten' };

export const STATUS_LABEL: Record<string, string> = {
  PROPOSED: 'voorgesteld',
  ACTIVE: 'actief',
  COMPLETED: 'afgerond',
  CANCELLED: 'geannuleerd',
};

export const statusText = (closed: boolean) => (closed ? 'vastgesteld: het boekjaar is afgesloten' : 'concept: het boekjaar is nog niet afgesloten');

/** How anyone checks the document's figures against the books without trusting the platform. */
export function verificationSteps(doc: AnnualAccountsDocument, graphUrl: string): string[] {
  const c = doc.accounts.yearEndCheckpoint;
  return [
    'Bewaar de checkpoint hierboven (of download hem als checkpoint.txt?size=' + (c?.size ?? '…') + '): hij is ondertekend door het grootboek en legt alle boekingen tot en met deze jaarrekening vast.',
    `Controleer de boeken met de onafhankelijke verificatie (verifier/ in de repository): dbwe-verify check ${graphUrl} ${doc.neighbourhood.slug} --vkey "${doc.neighbourhood.transparencyLog?.verifierKey ?? '<verifier key>'}" --export ${graphUrl}`,
    'De verificatie rekent elke hash en de Merkle-boom na en laat zien dat de checkpoint van deze omvang een voorloper is van de nieuwste (consistency proof): geen boeking is achteraf gewijzigd of weggelaten.',
    `Elk totaal in dit document is een som van de boekingsregels in de export ledger_lines (met de boekdatum uit ledger_entries) van ${doc.accounts.periodStart} tot en met ${doc.accounts.periodEnd}.`,
  ];
}
