import PDFDocument from 'pdfkit';
import { STATUS_LABEL, TYPE_LABEL, dutch, statusText, verificationSteps, type AnnualAccountsDocument, type BudgetRow } from './annual-accounts';

/*
 * The annual accounts as a PDF, drawn with pdfkit: a maintained, dependency-light library that writes PDF
 * itself (pdfmake builds on it and adds a document model we do not need), with the standard Helvetica and
 * Courier fonts, so no font file ships with the gateway. Tables are drawn here: a header row, right-aligned
 * amounts, a new page (with the header again) where a table runs past the margin.
 */

const MARGIN = 56;
const PAGE = { width: 595.28, height: 841.89 };
const WIDTH = PAGE.width - 2 * MARGIN;
const BOTTOM = PAGE.height - MARGIN - 20;
const INK = '#1f2933';
const MUTED = '#52606d';
const RULE = '#9aa5b1';
const ACCENT = '#1d4e89';

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

type Doc = InstanceType<typeof PDFDocument>;

function heading(doc: Doc, text: string): void {
  if (doc.y > BOTTOM - 80) doc.addPage();
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(14).fillColor(ACCENT).text(text, MARGIN, doc.y, { width: WIDTH });
  doc.moveDown(0.3).fillColor(INK);
}

function paragraph(doc: Doc, text: string, options: { size?: number; color?: string } = {}): void {
  doc.font('Helvetica').fontSize(options.size ?? 9.5).fillColor(options.color ?? INK).text(text, MARGIN, doc.y, { width: WIDTH });
}

/** A table whose rows are arrays of cell texts; a total row is bold, under a rule. */
function table(doc: Doc, columns: Column[], rows: { cells: string[]; total?: boolean }[]): void {
  const widths = columns.map((c) => c.width * WIDTH);
  const drawRow = (cells: string[], font: string, options: { rule?: boolean; topRule?: boolean } = {}) => {
    doc.font(font).fontSize(9);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 6 }))) + 5;
    if (doc.y + height > BOTTOM) {
      doc.addPage();
      drawRow(columns.map((c) => c.header), 'Helvetica-Bold', { rule: true });
      doc.font(font).fontSize(9);
    }
    const top = doc.y;
    if (options.topRule) doc.moveTo(MARGIN, top).lineTo(MARGIN + WIDTH, top).lineWidth(0.7).strokeColor(INK).stroke();
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.fillColor(INK).text(cell, x + 3, top + 3, { width: widths[i] - 6, align: columns[i].align ?? 'left' });
      x += widths[i];
    });
    const bottom = top + height;
    if (options.rule) doc.moveTo(MARGIN, bottom).lineTo(MARGIN + WIDTH, bottom).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.x = MARGIN;
    doc.y = bottom;
  };
  drawRow(columns.map((c) => c.header), 'Helvetica-Bold', { rule: true });
  for (const row of rows) drawRow(row.cells, row.total ? 'Helvetica-Bold' : 'Helvetica', { topRule: row.total });
  doc.moveDown(0.5);
}

const unitLabel = (unit: 'EUR' | 'HOUR') => (unit === 'EUR' ? 'euro' : 'vrijwilligersuren');

function budgetRows(rows: BudgetRow[], label: (r: BudgetRow) => string) {
  return rows.map((r) => ({ cells: [label(r), TYPE_LABEL[r.type], dutch(r.budget.amount, r.unit), dutch(r.actual.amount, r.unit), dutch(r.difference.amount, r.unit)] }));
}

const AMOUNT = (header: string, width: number): Column => ({ header, width, align: 'right' });

/** Renders the annual accounts; `graphUrl` is where readers find the graph to verify against. */
export function annualAccountsPdf(data: AnnualAccountsDocument, graphUrl: string): Promise<Buffer> {
  const { neighbourhood: n, accounts: a } = data;
  // PDF's standard fonts write WinAnsi: text with characters outside it (a minus sign, say) prints garbled, so labels use ASCII.
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `Jaarrekening ${a.year} ${n.name}`,
      Author: `${n.name} (${n.municipality.name})`,
      Subject: `Jaarrekening ${a.year}: balans, staat van baten en lasten, begroting en realisatie, vrijwilligersuren`,
      Creator: 'dBWE publieke graaf',
      // A fixed date, so that the same books give the same document.
      CreationDate: new Date(a.yearEndCheckpoint?.signedAt ?? `${a.periodEnd}T23:59:59Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Title page.
  doc.fillColor(ACCENT).rect(0, 0, PAGE.width, 12).fill();
  doc.y = 190;
  doc.font('Helvetica').fontSize(13).fillColor(MUTED).text('Wijkeconomie', MARGIN, doc.y, { width: WIDTH });
  doc.font('Helvetica-Bold').fontSize(30).fillColor(INK).text(`Jaarrekening ${a.year}`, { width: WIDTH });
  doc.moveDown(0.2).font('Helvetica-Bold').fontSize(18).fillColor(ACCENT).text(n.name, { width: WIDTH });
  doc.moveDown(1.5);
  const facts: [string, string][] = [
    ['Gemeente', `${n.municipality.name} (${n.municipality.cbsCode})`],
    ['CBS-wijkcode', n.cbsWijkCode ?? 'onbekend'],
    ['Boekjaar', `${a.periodStart} tot en met ${a.periodEnd}`],
    ['Status', statusText(a.closed)],
    ['Boekingen in het jaar', String(a.entryCount)],
    ['Begroting', data.neighbourhood.budget ? `revisie ${data.neighbourhood.budget.revision}` : 'geen begroting vastgelegd'],
    ['Checkpoint', a.yearEndCheckpoint ? `omvang ${a.yearEndCheckpoint.size}, ondertekend ${a.yearEndCheckpoint.signedAt}` : 'geen'],
  ];
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font('Helvetica').fontSize(10.5).fillColor(MUTED).text(label, MARGIN, y, { width: 150 });
    doc.font('Helvetica').fontSize(10.5).fillColor(INK).text(value, MARGIN + 150, y, { width: WIDTH - 150 });
    doc.moveDown(0.35);
  }
  doc.moveDown(2);
  paragraph(doc, 'Inhoud: 1. Balans per 31 december · 2. Staat van baten en lasten · 3. Begroting en realisatie per taakveld en per rekening · 4. Vrijwilligersuren · 5. Toelichting per project · 6. Controleerbaarheid', { color: MUTED });
  doc.moveDown(0.6);
  paragraph(
    doc,
    'Alle bedragen zijn exacte sommen van de boekingen in het grootboek van de wijk, op boekdatum. Euro en vrijwilligersuren staan naast elkaar; uren zijn geen geld en worden nooit bij euro opgeteld.',
    { color: MUTED },
  );

  // 1. Balance sheet.
  doc.addPage();
  heading(doc, `1. Balans per ${a.balanceSheet.asOf}`);
  for (const total of a.balanceSheet.totals) {
    const inUnit = (lines: typeof a.balanceSheet.assets) => lines.filter((l) => l.amount.unit === total.unit);
    doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text(`In ${unitLabel(total.unit)}`, MARGIN, doc.y);
    doc.moveDown(0.2);
    const rows: { cells: string[]; total?: boolean }[] = [];
    for (const [label, lines] of [['Activa', inUnit(a.balanceSheet.assets)], ['Schulden', inUnit(a.balanceSheet.liabilities)], ['Eigen vermogen', inUnit(a.balanceSheet.equity)]] as const) {
      for (const l of lines) rows.push({ cells: [label, `${l.account.code} ${l.account.name}`, dutch(l.amount.amount, total.unit)] });
    }
    rows.push({ cells: ['Totaal activa', '', dutch(total.assets.amount, total.unit)], total: true });
    rows.push({ cells: ['Schulden', '', dutch(total.liabilities.amount, total.unit)] });
    rows.push({ cells: ['Eigen vermogen', '', dutch(total.equity.amount, total.unit)] });
    rows.push({ cells: ['Resultaat nog niet naar eigen vermogen', '', dutch(total.resultNotInEquity.amount, total.unit)] });
    rows.push({ cells: ['Totaal passiva', total.balanced ? 'in evenwicht met de activa' : 'NIET in evenwicht', dutch(total.assets.amount, total.unit)], total: true });
    table(doc, [{ header: 'Post', width: 0.36 }, { header: 'Rekening', width: 0.39 }, AMOUNT('Bedrag', 0.25)], rows);
  }

  // 2. Income statement.
  heading(doc, `2. Staat van baten en lasten ${a.year}`);
  for (const total of a.incomeStatement.totals) {
    const inUnit = (lines: typeof a.incomeStatement.income) => lines.filter((l) => l.amount.unit === total.unit);
    doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text(`In ${unitLabel(total.unit)}`, MARGIN, doc.y);
    doc.moveDown(0.2);
    table(doc, [{ header: 'Rekening', width: 0.75 }, AMOUNT('Bedrag', 0.25)], [
      ...inUnit(a.incomeStatement.income).map((l) => ({ cells: [`Baten: ${l.account.code} ${l.account.name}`, dutch(l.amount.amount, total.unit)] })),
      { cells: ['Totaal baten', dutch(total.income.amount, total.unit)], total: true },
      ...inUnit(a.incomeStatement.expenses).map((l) => ({ cells: [`Lasten: ${l.account.code} ${l.account.name}`, dutch(l.amount.amount, total.unit)] })),
      { cells: ['Totaal lasten', dutch(total.expenses.amount, total.unit)], total: true },
      { cells: ['Resultaat (baten - lasten)', dutch(total.result.amount, total.unit)], total: true },
    ]);
  }

  // 3. Budget against actuals.
  doc.addPage();
  heading(doc, `3. Begroting en realisatie ${a.year}`);
  const bva = a.budgetVsActuals;
  paragraph(
    doc,
    bva.budgetRevision === null
      ? 'Voor dit jaar is geen begroting vastgelegd; alle begrote bedragen zijn nul.'
      : `Begroting revisie ${bva.budgetRevision}. Verschil = begroot - werkelijk: bij lasten wat over is, bij baten (negatief) hoeveel meer er binnenkwam dan begroot.`,
    { color: MUTED },
  );
  doc.moveDown(0.4);
  const bvaColumns = [{ header: 'Taakveld (Iv3)', width: 0.28 }, { header: 'Soort', width: 0.12 }, AMOUNT('Begroot', 0.2), AMOUNT('Werkelijk', 0.2), AMOUNT('Verschil', 0.2)];
  table(doc, bvaColumns, [...budgetRows(bva.byTaakveld, (r) => r.taakveld!), ...budgetRows(bva.unmapped, () => 'zonder taakveld')]);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text('Per rekening', MARGIN, doc.y);
  doc.moveDown(0.2);
  table(
    doc,
    [{ header: 'Rekening', width: 0.33 }, { header: 'Taakveld', width: 0.13 }, AMOUNT('Begroot', 0.18), AMOUNT('Werkelijk', 0.18), AMOUNT('Verschil', 0.18)],
    bva.byAccount.map((r) => ({ cells: [`${r.account.code} ${r.account.name}`, r.taakveld ?? '–', dutch(r.budget.amount, r.unit), dutch(r.actual.amount, r.unit), dutch(r.difference.amount, r.unit)] })),
  );

  // 4. Volunteer hours.
  heading(doc, `4. Vrijwilligersuren ${a.year}`);
  paragraph(doc, 'Gegeven: uren die vrijwilligers inbrachten (baten in uren). Ontvangen: uren die in een project zijn ingezet (lasten in uren).', { color: MUTED });
  doc.moveDown(0.4);
  table(doc, [{ header: 'Project', width: 0.5 }, AMOUNT('Gegeven', 0.25), AMOUNT('Ontvangen', 0.25)], [
    ...a.volunteerHours.byProject.map((h) => ({ cells: [h.project?.title ?? 'zonder project', dutch(h.given.amount, 'HOUR'), dutch(h.received.amount, 'HOUR')] })),
    { cells: ['Totaal', dutch(a.volunteerHours.given.amount, 'HOUR'), dutch(a.volunteerHours.received.amount, 'HOUR')], total: true },
  ]);

  // 5. Project notes.
  heading(doc, '5. Toelichting per project');
  table(
    doc,
    [{ header: 'Project', width: 0.25 }, { header: 'Status', width: 0.11 }, AMOUNT('Budget', 0.15), AMOUNT('Uitgegeven', 0.14), AMOUNT('Ontvangen', 0.14), AMOUNT('Uren', 0.11), AMOUNT('SROI', 0.1)],
    a.projects.map((p) => ({
      cells: [
        p.project?.title ?? 'onbekend project',
        p.project ? (STATUS_LABEL[p.project.status] ?? p.project.status.toLowerCase()) : '–',
        p.budget ? dutch(p.budget.amount, 'EUR') : '–',
        dutch(p.spent.amount, 'EUR'),
        dutch(p.received.amount, 'EUR'),
        dutch(p.hours.amount, 'HOUR').replace(' uur', ''),
        p.project?.sroi?.ratio ? `1 : ${p.project.sroi.ratio.replace('.', ',')}` : '–',
      ],
    })),
  );
  paragraph(doc, 'Budget: de lopende projectbegrotingen in euro waarvan de periode het jaar raakt. SROI: de maatschappelijke waarde per euro volgens de laatst gepubliceerde SROI-analyse van het project.', { color: MUTED, size: 8.5 });

  // 6. Verification.
  doc.addPage();
  heading(doc, '6. Controleerbaarheid');
  const c = a.yearEndCheckpoint;
  if (c) {
    const facts6: [string, string][] = [
      ['Origin', c.origin],
      ['Omvang (tree size)', String(c.size)],
      ['Root hash', c.rootHash],
      ['Ondertekend', c.signedAt],
      ['Laatste boeking van het jaar', a.lastEntry ? `nr. ${a.lastEntry.sequence} (${a.lastEntry.bookingDate}), blad ${a.lastEntry.leafIndex}` : '–'],
      ['Verifier key', n.transparencyLog?.verifierKey ?? '–'],
    ];
    for (const [label, value] of facts6) {
      const y = doc.y;
      doc.font('Helvetica').fontSize(9.5).fillColor(MUTED).text(label, MARGIN, y, { width: 140 });
      doc.font(label === 'Root hash' || label === 'Verifier key' ? 'Courier' : 'Helvetica').fontSize(9.5).fillColor(INK).text(value, MARGIN + 140, y, { width: WIDTH - 140 });
      doc.moveDown(0.3);
    }
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text('De ondertekende checkpoint (C2SP tlog-checkpoint)', MARGIN, doc.y);
    doc.moveDown(0.3);
    // A note is copied line by line (C2SP signed-note): each line, the long signature line too, must stay one line, so the
    // size is the largest at which the longest fits (Courier's glyphs are 0.6 em wide).
    const note = c.note.trimEnd();
    const longest = Math.max(...note.split('\n').map((line) => line.length));
    doc.font('Courier').fontSize(Math.min(7.5, Math.floor((WIDTH / (0.6 * longest)) * 10) / 10)).fillColor(INK).text(note, MARGIN, doc.y, { width: WIDTH });
  } else {
    paragraph(doc, 'Er zijn in dit jaar geen boekingen; er is geen checkpoint om vast te leggen.');
  }
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text('Zo controleert u deze jaarrekening', MARGIN, doc.y);
  doc.moveDown(0.3);
  verificationSteps(data, graphUrl).forEach((step, i) => {
    paragraph(doc, `${i + 1}. ${step}`);
    doc.moveDown(0.2);
  });

  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin; without lifting the margin pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    doc.text(`${n.name} · Jaarrekening ${a.year} · ${a.closed ? 'vastgesteld' : 'concept'} · pagina ${i + 1} van ${range.count}`, MARGIN, PAGE.height - MARGIN + 10, {
      width: WIDTH,
      align: 'center',
      lineBreak: false,
    });
  }
  doc.end();
  return done;
}
