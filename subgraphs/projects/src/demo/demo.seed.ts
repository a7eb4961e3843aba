import type { DataSource } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { ProjectEntity, type ProjectStatus } from '../projects/project.entity';

const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const member = (displayName: string) => stableId(`member:${displayName}`);
export const demoProjectId = (key: string) => stableId(`project:${key}`);

type DemoProject = [key: string, title: string, summary: string, status: ProjectStatus, coordinator: string, start: string, end: string | null, created: string];

const projects: DemoProject[] = [
  ['park-greenery', 'Groenonderhoud Lindenplein', 'Bewoners nemen via het uitdaagrecht het groenonderhoud van het Lindenplein over van de gemeente, samen met een lokale hovenier.', 'ACTIVE', 'Tuinman Teun', '2025-04-01', '2027-03-31', '2024-11-12T10:00:00Z'],
  ['repair-cafe', 'Repair Café Spijkerkwartier', 'Elke eerste zaterdag van de maand repareren buurtbewoners samen fietsen, kleding en apparaten.', 'ACTIVE', 'Klusser Kees', '2025-03-01', null, '2025-01-20T10:00:00Z'],
  ['neighbourhood-kitchen', 'Buurtkeuken', 'Wekelijkse buurtmaaltijd voor en door bewoners, met ingrediënten van lokale ondernemers.', 'COMPLETED', 'Buurtkok Bram', '2025-02-01', '2025-12-31', '2025-01-22T10:00:00Z'],
  ['solar-roofs', 'Zon op Spijkerdaken', 'Collectieve inkoop van zonnepanelen voor de monumentale daken in de wijk, met advies van een lokale installateur.', 'PROPOSED', 'Zonnige Sanne', '2026-03-01', '2026-12-31', '2025-06-15T10:00:00Z'],
  ['play-street', 'Speelstraat Spijkerstraat', 'Op zondagmiddag een autovrije speelstraat; gestopt omdat de vergunning niet rond kwam.', 'CANCELLED', 'Spelende Sem', '2025-05-01', '2025-09-30', '2025-03-02T10:00:00Z'],
];

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    if (await tx.getRepository(ProjectEntity).existsBy({ id: demoProjectId('park-greenery') })) return;
    await tx.getRepository(ProjectEntity).insert(
      projects.map(([key, title, summary, status, coordinator, start, end, created]) => ({
        id: demoProjectId(key),
        neighbourhoodId: nb('spijkerkwartier'),
        title,
        summary,
        status,
        coordinatorId: member(coordinator),
        plannedStart: start,
        plannedEnd: end,
        createdAt: new Date(created),
        updatedAt: new Date(created),
      })),
    );
  });
}
