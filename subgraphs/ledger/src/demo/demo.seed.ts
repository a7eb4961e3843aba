import type { DataSource, EntityManager } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { defaultAccountId, openBooks } from '../accounts/default-chart';
import { BudgetEntity, BudgetRevisionEntity } from '../budgets/budget.entity';
import { ChainEntity } from '../entries/chain.entity';
import type { MemberDomain } from '../entries/line.entity';
import { appendEntry, lockChain, type DraftLine } from '../entries/posting';
import { insertRevision } from '../neighbourhood-budgets/neighbourhood-budget';
import type { BudgetLine } from '../neighbourhood-budgets/budget-lines';

const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const project = (key: string) => stableId(`project:${key}`);
const member = (displayName: string) => stableId(`member:${displayName}`);

/** Counterparties that are members of the Spijkerkwartier, with their domain (as in the community demo data). */
const memberDomains: Record<string, MemberDomain> = {
  'Bakkerij De Spijker': 'ENTREPRENEUR',
  'Fietsenmaker Okke': 'ENTREPRENEUR',
  'Hovenier Groen & Co': 'ENTREPRENEUR',
  'Koffiebar Het Hoekje': 'ENTREPRENEUR',
  'Muzikale Mo': 'CITIZEN',
  'Basisschool De Wijkwijzer': 'EDUCATION_SCIENCE',
  'Gemeente Arnhem – Openbare Ruimte': 'GOVERNMENT',
};

type DemoEntry = {
  date: string;
  description: string;
  project?: string;
  member?: string;
  evidence?: string;
  /** The description of the entry this one reverses. */
  reverses?: string;
  /** When it was recorded, if not at four in the afternoon of the booking date. */
  recordedAt?: string;
  /** [account code, signed amount in minor units, counterparty: a member's display name or an outside party's name] */
  lines: [string, bigint, string?][];
};

/**
 * A year of Spijkerkwartier books, in cents and hundredths of an hour, in the
 * order the treasurer recorded them: the municipal neighbourhood budget,
 * project spending mostly at local entrepreneurs, the Right to Challenge
 * budget for the Lindenplein greenery, volunteer hours, and one double
 * booking corrected by a reversal.
 */
const spijkerkwartierBooks: DemoEntry[] = [
  { date: '2025-01-15', description: 'Wijkbudget 2025 ontvangen van de gemeente Arnhem', lines: [['1000', 2_500_000n], ['8000', -2_500_000n]] },
  { date: '2025-02-03', description: 'Bijdragen ondernemers Spijkerkwartier voor de buurtkeuken', project: 'neighbourhood-kitchen', lines: [['1000', 75_000n], ['8200', -75_000n]] },
  { date: '2025-02-20', description: 'Inkoop kookgerei buurtkeuken bij Bakkerij De Spijker', project: 'neighbourhood-kitchen', evidence: 'https://example.nl/bonnen/2025-0007.pdf', lines: [['4200', 48_650n, 'Bakkerij De Spijker'], ['1000', -48_650n]] },
  { date: '2025-03-10', description: 'Repair Café: gereedschap en onderdelen bij Fietsenmaker Okke', project: 'repair-cafe', evidence: 'https://example.nl/bonnen/2025-0012.pdf', lines: [['4000', 31_240n, 'Fietsenmaker Okke'], ['1000', -31_240n]] },
  { date: '2025-03-31', description: 'Bankkosten eerste kwartaal', lines: [['4900', 3_750n, 'Triodos Bank'], ['1000', -3_750n]] },
  { date: '2025-03-31', description: 'Vrijwilligersuren Repair Café, eerste kwartaal', project: 'repair-cafe', member: 'Klusser Kees', lines: [['9100', 9_600n], ['9800', -9_600n]] },
  { date: '2025-04-01', description: 'Budget Right to Challenge groenonderhoud Lindenplein, eerste halfjaar', project: 'park-greenery', lines: [['1000', 1_850_000n], ['8100', -1_850_000n]] },
  { date: '2025-04-14', description: 'Plantgoed en mulch voor het Lindenplein bij Hovenier Groen & Co', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0021.pdf', lines: [['4100', 412_500n, 'Hovenier Groen & Co'], ['1000', -412_500n]] },
  { date: '2025-04-15', description: 'Plantgoed Lindenplein (dubbel geboekt)', project: 'park-greenery', lines: [['4100', 412_500n], ['1000', -412_500n]] },
  // The treasurer spotted the double booking a week later and reversed it, as the books require.
  { date: '2025-04-22', description: 'Correctie: plantgoed Lindenplein was dubbel geboekt', project: 'park-greenery', reverses: 'Plantgoed Lindenplein (dubbel geboekt)', recordedAt: '2025-04-22T10:00:00Z', lines: [['4100', -412_500n], ['1000', 412_500n]] },
  { date: '2025-05-20', description: 'Huur aanhanger groenafval', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0030.pdf', lines: [['4100', 18_900n, 'Aanhangerverhuur Veluwe'], ['1000', -18_900n]] },
  { date: '2025-06-12', description: 'Bijdragen bewoners voor het zomerfeest', lines: [['1000', 32_000n], ['8200', -32_000n]] },
  { date: '2025-06-21', description: 'Zomerfeest: muziek door Muzikale Mo', lines: [['4200', 15_000n, 'Muzikale Mo'], ['1000', -15_000n]] },
  { date: '2025-06-21', description: 'Zomerfeest: zaalhuur buurthuis van de gemeente', lines: [['4200', 6_000n, 'Gemeente Arnhem – Openbare Ruimte'], ['1000', -6_000n]] },
  { date: '2025-06-30', description: 'Vrijwilligersuren groenonderhoud Lindenplein, tweede kwartaal', project: 'park-greenery', member: 'Tuinman Teun', lines: [['9100', 32_450n], ['9800', -32_450n]] },
  { date: '2025-07-08', description: 'Zonnepanelen-informatieavond: zaalhuur Koffiebar Het Hoekje', project: 'solar-roofs', evidence: 'https://example.nl/bonnen/2025-0041.pdf', lines: [['4200', 17_500n, 'Koffiebar Het Hoekje'], ['1000', -17_500n]] },
  { date: '2025-09-01', description: 'Onderzoeksbegeleiding SROI door Hogeschool (in natura, uren)', project: 'park-greenery', member: 'Hogeschool Lector Lisa', lines: [['9100', 2_400n], ['9800', -2_400n]] },
  { date: '2025-09-15', description: 'Lesmateriaal voor de wijkgeschiedenis-workshop van Basisschool De Wijkwijzer', lines: [['4200', 8_500n, 'Basisschool De Wijkwijzer'], ['1000', -8_500n]] },
  { date: '2025-09-30', description: 'Vrijwilligersuren groenonderhoud Lindenplein, derde kwartaal', project: 'park-greenery', member: 'Groene Gerda', lines: [['9100', 2_850n], ['9800', -2_850n]] },
  { date: '2025-10-01', description: 'Budget Right to Challenge groenonderhoud Lindenplein, tweede halfjaar', project: 'park-greenery', lines: [['1000', 1_850_000n], ['8100', -1_850_000n]] },
  { date: '2025-10-15', description: 'Maaiwerk en snoeiwerk najaar door Hovenier Groen & Co', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0058.pdf', lines: [['4100', 925_000n, 'Hovenier Groen & Co'], ['1000', -925_000n]] },
  { date: '2025-11-28', description: 'Buurtmaaltijden november: boodschappen', project: 'neighbourhood-kitchen', evidence: 'https://example.nl/bonnen/2025-0066.pdf', lines: [['4200', 26_480n, 'Supermarkt buiten de wijk'], ['1000', -26_480n]] },
  { date: '2025-12-15', description: 'Verzekering vrijwilligers 2025', lines: [['4900', 24_000n, 'Verzekeraar Gelderland'], ['1000', -24_000n]] },
  { date: '2025-12-31', description: 'Vrijwilligersuren buurtkeuken 2025', project: 'neighbourhood-kitchen', member: 'Buurtkok Bram', lines: [['9100', 41_000n], ['9800', -41_000n]] },
];

type DemoBudget = [project: string, unit: 'EUR' | 'HOUR', start: string, end: string, revisions: [minor: bigint, reason: string, recordedAt: string][]];

const spijkerkwartierBudgets: DemoBudget[] = [
  ['park-greenery', 'EUR', '2025-04-01', '2026-03-31', [
    [3_500_000n, 'Begroting uitdaagrecht groenonderhoud Lindenplein, eerste contractjaar', '2025-03-20T19:30:00Z'],
    [3_700_000n, 'Gemeente kent 18 500 euro per halfjaar toe; begroting bijgesteld', '2025-09-25T19:30:00Z'],
  ]],
  ['park-greenery', 'HOUR', '2025-04-01', '2026-03-31', [[60_000n, 'Toegezegde vrijwilligersuren groenploeg', '2025-03-20T19:30:00Z']]],
  ['neighbourhood-kitchen', 'EUR', '2025-02-01', '2025-12-31', [[100_000n, 'Begroting buurtkeuken 2025', '2025-01-25T19:30:00Z']]],
  ['repair-cafe', 'EUR', '2025-03-01', '2025-12-31', [[50_000n, 'Begroting Repair Café 2025', '2025-02-20T19:30:00Z']]],
  ['solar-roofs', 'EUR', '2026-03-01', '2026-12-31', [[200_000n, 'Voorlopige begroting collectieve inkoop', '2025-06-20T19:30:00Z']]],
];

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    const spijkerkwartier = nb('spijkerkwartier');
    const existing = await tx.getRepository(ChainEntity).findOneBy({ neighbourhoodId: spijkerkwartier });
    if (existing && existing.lastSequence > 0) return;
    const opened = new Date('2025-01-06T09:00:00Z');
    const openedBy = member('Penningmeester Pieter');
    await openBooks(tx, spijkerkwartier, { origin: null, openedBy, at: opened });
    await openBooks(tx, nb('klarendal'), { origin: null, openedBy, at: opened });
    await bookYear(tx, spijkerkwartier);
    await setBudgets(tx, spijkerkwartier);
    await setNeighbourhoodBudget(tx, spijkerkwartier);
  });
}

async function bookYear(tx: EntityManager, neighbourhoodId: string): Promise<void> {
  const chain = await lockChain(tx, neighbourhoodId);
  if (!chain) throw new Error('the demo books were just opened, so their chain exists');
  const idOf = new Map<string, string>();
  for (const [index, e] of spijkerkwartierBooks.entries()) {
    const lines: DraftLine[] = e.lines.map(([code, minor, counterparty]) => {
      const domain = counterparty ? memberDomains[counterparty] : undefined;
      return {
        accountId: defaultAccountId(neighbourhoodId, code),
        unit: code.startsWith('9') ? 'HOUR' : 'EUR',
        minor,
        counterpartyMemberId: domain ? member(counterparty!) : null,
        counterpartyDomain: domain ?? null,
        counterpartyName: counterparty && !domain ? counterparty : null,
      };
    });
    const entry = await appendEntry(tx, chain, {
      neighbourhoodId,
      bookingDate: e.date,
      description: e.description,
      lines,
      projectId: e.project ? project(e.project) : null,
      memberId: e.member ? member(e.member) : null,
      evidenceUrl: e.evidence ?? null,
      reversesId: e.reverses ? idOf.get(e.reverses) : null,
      recordedBy: member('Penningmeester Pieter'),
      recordedAt: new Date(e.recordedAt ?? `${e.date}T16:00:00Z`),
      idempotencyKey: `demo-${index + 1}`,
    });
    idOf.set(e.description, entry.id);
  }
}

async function setBudgets(tx: EntityManager, neighbourhoodId: string): Promise<void> {
  for (const [key, unit, start, end, revisions] of spijkerkwartierBudgets) {
    const budgetId = stableId(`budget:${key}:${unit}:${start}`);
    await tx.getRepository(BudgetEntity).insert({
      id: budgetId,
      neighbourhoodId,
      projectId: project(key),
      unit,
      periodStart: start,
      periodEnd: end,
      createdAt: new Date(revisions[0][2]),
    });
    for (const [index, [minor, reason, at]] of revisions.entries()) {
      await tx.getRepository(BudgetRevisionEntity).insert({
        budgetId,
        revision: index + 1,
        amountMinor: minor.toString(),
        reason,
        recordedBy: member('Penningmeester Pieter'),
        recordedAt: new Date(at),
      });
    }
  }
}

/** [account code or taakveld, type, unit, amount in minor units] */
type DemoBudgetLine = [target: string, type: 'INCOME' | 'EXPENSE', unit: 'EUR' | 'HOUR', minor: bigint];

/**
 * The Spijkerkwartier's 2025 budget as submitted with the subsidy request, and
 * revised when the municipality raised the Right to Challenge budget; one
 * line (7.1, the neighbourhood meals) is budgeted per taakveld only.
 */
const spijkerkwartierBudget2025: [reason: string, recordedAt: string, lines: DemoBudgetLine[]][] = [
  ['Begroting 2025 zoals ingediend bij de subsidieaanvraag', '2025-01-10T19:30:00Z', [
    ['8000', 'INCOME', 'EUR', 2_500_000n], ['8100', 'INCOME', 'EUR', 3_500_000n], ['8200', 'INCOME', 'EUR', 100_000n],
    ['4100', 'EXPENSE', 'EUR', 1_200_000n], ['4200', 'EXPENSE', 'EUR', 150_000n], ['4900', 'EXPENSE', 'EUR', 25_000n],
    ['7.1', 'EXPENSE', 'EUR', 50_000n], ['9100', 'EXPENSE', 'HOUR', 80_000n],
  ]],
  ['Gemeente kent 18 500 euro per halfjaar toe; groenonderhoud bijgesteld', '2025-09-25T19:30:00Z', [
    ['8000', 'INCOME', 'EUR', 2_500_000n], ['8100', 'INCOME', 'EUR', 3_700_000n], ['8200', 'INCOME', 'EUR', 100_000n],
    ['4100', 'EXPENSE', 'EUR', 1_400_000n], ['4200', 'EXPENSE', 'EUR', 150_000n], ['4900', 'EXPENSE', 'EUR', 25_000n],
    ['7.1', 'EXPENSE', 'EUR', 50_000n], ['9100', 'EXPENSE', 'HOUR', 80_000n],
  ]],
];

async function setNeighbourhoodBudget(tx: EntityManager, neighbourhoodId: string): Promise<void> {
  const budgetId = stableId(`neighbourhood-budget:spijkerkwartier:2025`);
  await tx.query(`INSERT INTO ledger.neighbourhood_budget (id, neighbourhood_id, year, created_at) VALUES ($1, $2, 2025, $3)`, [
    budgetId,
    neighbourhoodId,
    new Date(spijkerkwartierBudget2025[0][1]),
  ]);
  for (const [index, [reason, at, lines]] of spijkerkwartierBudget2025.entries()) {
    const read: BudgetLine[] = lines.map(([target, type, unit, minor]) =>
      target.includes('.')
        ? { accountId: null, taakveld: target, type, unit, minor }
        : { accountId: defaultAccountId(neighbourhoodId, target), taakveld: null, type, unit, minor },
    );
    await insertRevision(tx, budgetId, index + 1, read, reason, `demo-budget-2025-${index + 1}`, member('Penningmeester Pieter'), new Date(at));
  }
}
