import type { DataSource } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { AnalysisEntity } from '../analyses/analysis.entity';
import { OutcomeEntity } from '../analyses/outcome.entity';

const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const project = (key: string) => stableId(`project:${key}`);
export const demoAnalysisId = (key: string) => stableId(`sroi:${key}`);

type DemoOutcome = [stakeholder: string, description: string, quantity: string, proxy: string, years: number, dropOff: string, deadweight: string, displacement: string, attribution: string, negative?: boolean];

const analyses: {
  key: string;
  project: string;
  kind: 'FORECAST' | 'EVALUATIVE';
  title: string;
  period: [string, string];
  inKind: string;
  outcomes: DemoOutcome[];
}[] = [
  {
    key: 'park-greenery-forecast',
    project: 'park-greenery',
    kind: 'FORECAST',
    title: 'Prognose maatschappelijke waarde groenonderhoud Lindenplein',
    period: ['2025-04-01', '2027-03-31'],
    // 560 volunteer hours a year valued at €18.50 (the volunteer-hour rate used by Movisie's calculator).
    inKind: '10360.00',
    outcomes: [
      ['Omwonenden', 'Meer woongenot door een verzorgd plein', '180', '95.00', 3, '0.10', '0.20', '0.00', '0.15'],
      ['Vrijwilligers', 'Minder eenzaamheid en meer sociale contacten', '24', '650.00', 2, '0.25', '0.15', '0.00', '0.20'],
      ['Gemeente Arnhem', 'Lagere kosten van regulier groenonderhoud', '1', '14000.00', 2, '0.00', '0.00', '0.00', '0.00'],
      ['Lokale ondernemers', 'Omzet hovenier uit de wijk', '1', '6000.00', 2, '0.00', '0.30', '0.50', '0.00'],
      ['Omwonenden', 'Overlast door werkzaamheden en groenafval', '40', '25.00', 1, '0.00', '0.00', '0.00', '0.00', true],
    ],
  },
  {
    key: 'neighbourhood-kitchen-evaluation',
    project: 'neighbourhood-kitchen',
    kind: 'EVALUATIVE',
    title: 'Evaluatie Buurtkeuken 2025',
    period: ['2025-02-01', '2025-12-31'],
    inKind: '7585.00',
    outcomes: [
      ['Deelnemers buurtmaaltijd', 'Minder eenzaamheid', '35', '420.00', 2, '0.30', '0.20', '0.00', '0.10'],
      ['Deelnemers buurtmaaltijd', 'Gezondere voeding', '35', '120.00', 1, '0.00', '0.25', '0.00', '0.20'],
      ['Vrijwilligers', 'Werkervaring en zelfvertrouwen', '12', '900.00', 2, '0.20', '0.10', '0.00', '0.25'],
    ],
  },
];

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    if (await tx.getRepository(AnalysisEntity).existsBy({ id: demoAnalysisId('park-greenery-forecast') })) return;
    for (const a of analyses) {
      const id = demoAnalysisId(a.key);
      await tx.getRepository(AnalysisEntity).insert({
        id,
        projectId: project(a.project),
        neighbourhoodId: nb('spijkerkwartier'),
        kind: a.kind,
        status: 'PUBLISHED',
        title: a.title,
        periodStart: a.period[0],
        periodEnd: a.period[1],
        discountRate: '0.035',
        discountFirstYear: true,
        inKindInputs: a.inKind,
        publishedAt: new Date(`${a.period[0]}T12:00:00Z`),
        createdAt: new Date(`${a.period[0]}T12:00:00Z`),
      });
      await tx.getRepository(OutcomeEntity).insert(
        a.outcomes.map(([stakeholder, description, quantity, proxy, years, dropOff, deadweight, displacement, attribution, negative], position) => ({
          id: stableId(`outcome:${a.key}:${position}`),
          analysisId: id,
          position,
          stakeholder,
          description,
          quantity,
          financialProxy: proxy,
          durationYears: years,
          dropOff,
          deadweight,
          displacement,
          attribution,
          negative: negative ?? false,
        })),
      );
    }
  });
}
