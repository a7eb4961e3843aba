import ExcelJS from 'exceljs';
import { STATUS_LABEL, TYPE_LABEL, asNumber, statusText, verificationSteps, type AnnualAccountsDocument, type BudgetRow } from './annual-accounts';
import { neutraliseFormula } from './formats';

/*
 * The annual accounts as a workbook: the same sections as the PDF, one sheet each, amounts as numbers
 * (two decimals) with their unit in a column beside them, so a treasurer can add and filter without
 * retyping. Text a person wrote (account names, project titles) is neutralised against formulas as in
 * the table exports.
 */

type Cell = string | number | boolean | null;

const NUMBER_FORMAT = '#,##0.00';

function sheet(workbook: ExcelJS.Workbook, name: string, header: string[], rows: Cell[][], amountColumns: number[]): void {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = header.map((h, i) => ({ header: h, key: String(i), width: Math.max(12, Math.min(60, Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)) + 2)) }));
  ws.getRow(1).font = { bold: true };
  for (const row of rows) ws.addRow(row.map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell)));
  for (const column of amountColumns) ws.getColumn(column + 1).numFmt = NUMBER_FORMAT;
}

const budgetCells = (r: BudgetRow): Cell[] => [TYPE_LABEL[r.type], r.unit, asNumber(r.budget.amount), asNumber(r.actual.amount), asNumber(r.difference.amount)];

export async function annualAccountsXlsx(data: AnnualAccountsDocument, graphUrl: string): Promise<Buffer> {
  const { neighbourhood: n, accounts: a } = data;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'dBWE publieke graaf';
  workbook.title = `Jaarrekening ${a.year} ${n.name}`;
  // A fixed date, so that the same books give the same cells and properties.
  workbook.created = workbook.modified = new Date(a.yearEndCheckpoint?.signedAt ?? `${a.periodEnd}T23:59:59Z`);

  const c = a.yearEndCheckpoint;
  sheet(
    workbook,
    'overzicht',
    ['gegeven', 'waarde'],
    [
      ['wijk', n.name],
      ['gemeente', `${n.municipality.name} (${n.municipality.cbsCode})`],
      ['cbs_wijkcode', n.cbsWijkCode],
      ['boekjaar', a.year],
      ['periode', `${a.periodStart} t/m ${a.periodEnd}`],
      ['status', statusText(a.closed)],
      ['boekingen', a.entryCount],
      ['begroting_revisie', a.budgetVsActuals.budgetRevision],
      ['checkpoint_origin', c?.origin ?? null],
      ['checkpoint_omvang', c?.size ?? null],
      ['checkpoint_root_hash', c?.rootHash ?? null],
      ['checkpoint_ondertekend', c?.signedAt ?? null],
      ['checkpoint_note', c?.note ?? null],
      ...verificationSteps(data, graphUrl).map((step, i): Cell[] => [`controle_${i + 1}`, step]),
    ],
    [],
  );

  const statement = (section: string, lines: { account: { code: string; name: string }; amount: { amount: string; unit: string } }[]) =>
    lines.map((l): Cell[] => [section, l.account.code, l.account.name, l.amount.unit, asNumber(l.amount.amount)]);
  const balanceHeader = ['post', 'rekening', 'naam', 'eenheid', 'bedrag'];
  sheet(
    workbook,
    'balans',
    balanceHeader,
    [
      ...statement('activa', a.balanceSheet.assets),
      ...statement('schulden', a.balanceSheet.liabilities),
      ...statement('eigen vermogen', a.balanceSheet.equity),
      ...a.balanceSheet.totals.flatMap((t): Cell[][] => [
        ['totaal activa', null, null, t.unit, asNumber(t.assets.amount)],
        ['totaal schulden', null, null, t.unit, asNumber(t.liabilities.amount)],
        ['totaal eigen vermogen', null, null, t.unit, asNumber(t.equity.amount)],
        ['resultaat nog niet naar eigen vermogen', null, null, t.unit, asNumber(t.resultNotInEquity.amount)],
      ]),
    ],
    [4],
  );
  sheet(
    workbook,
    'baten en lasten',
    balanceHeader,
    [
      ...statement('baten', a.incomeStatement.income),
      ...statement('lasten', a.incomeStatement.expenses),
      ...a.incomeStatement.totals.flatMap((t): Cell[][] => [
        ['totaal baten', null, null, t.unit, asNumber(t.income.amount)],
        ['totaal lasten', null, null, t.unit, asNumber(t.expenses.amount)],
        ['resultaat', null, null, t.unit, asNumber(t.result.amount)],
      ]),
    ],
    [4],
  );
  sheet(
    workbook,
    'begroting per taakveld',
    ['taakveld', 'soort', 'eenheid', 'begroot', 'werkelijk', 'verschil'],
    [...a.budgetVsActuals.byTaakveld, ...a.budgetVsActuals.unmapped].map((r): Cell[] => [r.taakveld, ...budgetCells(r)]),
    [3, 4, 5],
  );
  sheet(
    workbook,
    'begroting per rekening',
    ['rekening', 'naam', 'taakveld', 'soort', 'eenheid', 'begroot', 'werkelijk', 'verschil'],
    a.budgetVsActuals.byAccount.map((r): Cell[] => [r.account.code, r.account.name, r.taakveld, ...budgetCells(r)]),
    [5, 6, 7],
  );
  sheet(
    workbook,
    'vrijwilligersuren',
    ['project_id', 'project', 'gegeven_uren', 'ontvangen_uren'],
    [
      ...a.volunteerHours.byProject.map((h): Cell[] => [h.project?.id ?? null, h.project?.title ?? 'zonder project', asNumber(h.given.amount), asNumber(h.received.amount)]),
      [null, 'totaal', asNumber(a.volunteerHours.given.amount), asNumber(a.volunteerHours.received.amount)],
    ],
    [2, 3],
  );
  sheet(
    workbook,
    'projecten',
    ['project_id', 'project', 'status', 'budget_eur', 'uitgegeven_eur', 'ontvangen_eur', 'uren', 'sroi_ratio'],
    a.projects.map((p): Cell[] => [
      p.project?.id ?? null,
      p.project?.title ?? null,
      p.project ? (STATUS_LABEL[p.project.status] ?? p.project.status) : null,
      p.budget ? asNumber(p.budget.amount) : null,
      asNumber(p.spent.amount),
      asNumber(p.received.amount),
      asNumber(p.hours.amount),
      p.project?.sroi?.ratio ? asNumber(p.project.sroi.ratio) : null,
    ]),
    [3, 4, 5, 6],
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
