import type { DataSource } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { defaultAccountId, openBooks } from '../accounts/default-chart';
import { ChainEntity } from '../entries/chain.entity';
import { appendEntry, type DraftLine } from '../entries/posting';

const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const project = (key: string) => stableId(`project:${key}`);
const member = (displayName: string) => stableId(`member:${displayName}`);

type DemoEntry = {
  date: string;
  description: string;
  project?: string;
  member?: string;
  evidence?: string;
  /** [account code, signed amount in minor units, counterparty member] */
  lines: [string, bigint, string?][];
};

/** A year of Spijkerkwartier books, in cents and hundredths of an hour. */
const spijkerkwartierBooks: DemoEntry[] = [
  { date: '2025-01-15', description: 'Wijkbudget 2025 ontvangen van de gemeente Arnhem', lines: [['1000', 2_500_000n], ['8000', -2_500_000n]] },
  { date: '2025-02-03', description: 'Bijdragen ondernemers Spijkerkwartier voor de buurtkeuken', project: 'neighbourhood-kitchen', lines: [['1000', 75_000n], ['8200', -75_000n]] },
  { date: '2025-02-20', description: 'Inkoop kookgerei buurtkeuken bij Bakkerij De Spijker', project: 'neighbourhood-kitchen', evidence: 'https://example.nl/bonnen/2025-0007.pdf', lines: [['4200', 48_650n, 'Bakkerij De Spijker'], ['1000', -48_650n]] },
  { date: '2025-03-10', description: 'Repair Café: gereedschap en onderdelen bij Fietsenmaker Okke', project: 'repair-cafe', evidence: 'https://example.nl/bonnen/2025-0012.pdf', lines: [['4000', 31_240n, 'Fietsenmaker Okke'], ['1000', -31_240n]] },
  { date: '2025-03-31', description: 'Vrijwilligersuren Repair Café, eerste kwartaal', project: 'repair-cafe', lines: [['9100', 9_600n], ['9800', -9_600n]] },
  { date: '2025-04-01', description: 'Budget Right to Challenge groenonderhoud Lindenplein, eerste halfjaar', project: 'park-greenery', lines: [['1000', 1_850_000n], ['8100', -1_850_000n]] },
  { date: '2025-04-14', description: 'Plantgoed en mulch voor het Lindenplein bij Hovenier Groen & Co', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0021.pdf', lines: [['4100', 412_500n, 'Hovenier Groen & Co'], ['1000', -412_500n]] },
  { date: '2025-04-15', description: 'Plantgoed Lindenplein (dubbel geboekt)', project: 'park-greenery', lines: [['4100', 412_500n], ['1000', -412_500n]] },
  { date: '2025-05-20', description: 'Huur aanhanger groenafval', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0030.pdf', lines: [['4100', 18_900n], ['1000', -18_900n]] },
  { date: '2025-06-30', description: 'Vrijwilligersuren groenonderhoud Lindenplein, tweede kwartaal', project: 'park-greenery', lines: [['9100', 32_450n], ['9800', -32_450n]] },
  { date: '2025-07-08', description: 'Zonnepanelen-informatieavond: zaalhuur Koffiebar Het Hoekje', project: 'solar-roofs', evidence: 'https://example.nl/bonnen/2025-0041.pdf', lines: [['4200', 17_500n, 'Koffiebar Het Hoekje'], ['1000', -17_500n]] },
  { date: '2025-09-01', description: 'Onderzoeksbegeleiding SROI door Hogeschool (in natura, uren)', project: 'park-greenery', member: 'Hogeschool Lector Lisa', lines: [['9100', 2_400n], ['9800', -2_400n]] },
  { date: '2025-10-01', description: 'Budget Right to Challenge groenonderhoud Lindenplein, tweede halfjaar', project: 'park-greenery', lines: [['1000', 1_850_000n], ['8100', -1_850_000n]] },
  { date: '2025-10-15', description: 'Maaiwerk en snoeiwerk najaar door Hovenier Groen & Co', project: 'park-greenery', evidence: 'https://example.nl/bonnen/2025-0058.pdf', lines: [['4100', 925_000n, 'Hovenier Groen & Co'], ['1000', -925_000n]] },
  { date: '2025-11-28', description: 'Buurtmaaltijden november: boodschappen', project: 'neighbourhood-kitchen', evidence: 'https://example.nl/bonnen/2025-0066.pdf', lines: [['4200', 26_480n], ['1000', -26_480n]] },
  { date: '2025-12-31', description: 'Vrijwilligersuren buurtkeuken 2025', project: 'neighbourhood-kitchen', lines: [['9100', 41_000n], ['9800', -41_000n]] },
];

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    const spijkerkwartier = nb('spijkerkwartier');
    const existing = await tx.getRepository(ChainEntity).findOneBy({ neighbourhoodId: spijkerkwartier });
    if (existing && existing.lastSequence > 0) return;
    const opened = new Date('2025-01-06T09:00:00Z');
    await openBooks(tx, spijkerkwartier, opened);
    await openBooks(tx, nb('klarendal'), opened);

    const account = (code: string) => defaultAccountId(spijkerkwartier, code);
    let duplicateId: string | null = null;
    for (const [index, e] of spijkerkwartierBooks.entries()) {
      const lines: DraftLine[] = e.lines.map(([code, minor, counterparty]) => ({
        accountId: account(code),
        unit: code.startsWith('9') ? 'HOUR' : 'EUR',
        minor,
        counterpartyMemberId: counterparty ? member(counterparty) : null,
      }));
      const entry = await appendEntry(tx, {
        neighbourhoodId: spijkerkwartier,
        bookingDate: e.date,
        description: e.description,
        lines,
        projectId: e.project ? project(e.project) : null,
        memberId: e.member ? member(e.member) : null,
        evidenceUrl: e.evidence ?? null,
        recordedBy: member('Penningmeester Pieter'),
        recordedAt: new Date(`${e.date}T16:00:00Z`),
        idempotencyKey: `demo-${index + 1}`,
      });
      if (e.description.includes('dubbel geboekt')) duplicateId = entry.id;
    }
    // The treasurer spotted the double booking and reversed it, as the books require.
    const duplicate = spijkerkwartierBooks.find((e) => e.description.includes('dubbel geboekt'))!;
    await appendEntry(tx, {
      neighbourhoodId: spijkerkwartier,
      bookingDate: '2025-04-22',
      description: 'Correctie: plantgoed Lindenplein was dubbel geboekt',
      lines: duplicate.lines.map(([code, minor]) => ({ accountId: account(code), unit: 'EUR', minor: -minor })),
      projectId: project('park-greenery'),
      reversesId: duplicateId,
      recordedBy: member('Penningmeester Pieter'),
      recordedAt: new Date('2025-04-22T10:00:00Z'),
      idempotencyKey: 'demo-reversal-1',
    });
  });
}
