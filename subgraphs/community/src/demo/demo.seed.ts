import type { DataSource } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { NeighbourhoodEntity } from '../neighbourhoods/neighbourhood.entity';
import { MemberEntity, type MemberDomain, type MemberKind } from '../members/member.entity';

/** Fictional people and organisations; any likeness to real ones is accidental. */
const neighbourhoods = [
  {
    slug: 'spijkerkwartier',
    name: 'Spijkerkwartier',
    description:
      'Negentiende-eeuwse wijk ten oosten van het centrum van Arnhem, waar bewoners met De BlauweWijkEconomie de waarde in de wijk zichtbaar maken.',
  },
  {
    slug: 'klarendal',
    name: 'Klarendal',
    description: 'Volkswijk met een sterke ondernemersgemeenschap en het Modekwartier.',
  },
];

type DemoMember = [slug: string, displayName: string, kind: MemberKind, domain: MemberDomain, fullName: string];

const members: DemoMember[] = [
  ['spijkerkwartier', 'Fietsende Fenna', 'PERSON', 'CITIZEN', 'Fenna de Wit'],
  ['spijkerkwartier', 'Buurtkok Bram', 'PERSON', 'CITIZEN', 'Bram Jansen'],
  ['spijkerkwartier', 'Groene Gerda', 'PERSON', 'CITIZEN', 'Gerda van Dijk'],
  ['spijkerkwartier', 'Tuinman Teun', 'PERSON', 'CITIZEN', 'Teun Bakker'],
  ['spijkerkwartier', 'Zonnige Sanne', 'PERSON', 'CITIZEN', 'Sanne Visser'],
  ['spijkerkwartier', 'Penningmeester Pieter', 'PERSON', 'CITIZEN', 'Pieter Smit'],
  ['spijkerkwartier', 'Oma Ria', 'PERSON', 'CITIZEN', 'Ria Mulder'],
  ['spijkerkwartier', 'Klusser Kees', 'PERSON', 'CITIZEN', 'Kees de Boer'],
  ['spijkerkwartier', 'Muzikale Mo', 'PERSON', 'CITIZEN', 'Mohamed El Amrani'],
  ['spijkerkwartier', 'Lezende Lotte', 'PERSON', 'CITIZEN', 'Lotte Hendriks'],
  ['spijkerkwartier', 'Spelende Sem', 'PERSON', 'CITIZEN', 'Sem Dekker'],
  ['spijkerkwartier', 'Yoga Yara', 'PERSON', 'CITIZEN', 'Yara Bos'],
  ['spijkerkwartier', 'Wijkregisseur Anouk', 'PERSON', 'GOVERNMENT', 'Anouk Peters'],
  ['spijkerkwartier', 'Gemeente Arnhem – Openbare Ruimte', 'ORGANISATION', 'GOVERNMENT', 'Gemeente Arnhem, afdeling Openbare Ruimte'],
  ['spijkerkwartier', 'Beleidsadviseur Joris', 'PERSON', 'GOVERNMENT', 'Joris Willems'],
  ['spijkerkwartier', 'Bakkerij De Spijker', 'ORGANISATION', 'ENTREPRENEUR', 'Bakkerij De Spijker v.o.f.'],
  ['spijkerkwartier', 'Fietsenmaker Okke', 'PERSON', 'ENTREPRENEUR', 'Okke Brouwer'],
  ['spijkerkwartier', 'Koffiebar Het Hoekje', 'ORGANISATION', 'ENTREPRENEUR', 'Het Hoekje B.V.'],
  ['spijkerkwartier', 'Hovenier Groen & Co', 'ORGANISATION', 'ENTREPRENEUR', 'Groen & Co Hoveniers B.V.'],
  ['spijkerkwartier', 'Zonnepanelen Zeeman', 'PERSON', 'ENTREPRENEUR', 'Hugo Zeeman'],
  ['spijkerkwartier', 'Hogeschool Lector Lisa', 'PERSON', 'EDUCATION_SCIENCE', 'Lisa van den Berg'],
  ['spijkerkwartier', 'Basisschool De Wijkwijzer', 'ORGANISATION', 'EDUCATION_SCIENCE', 'Stichting Basisschool De Wijkwijzer'],
  ['spijkerkwartier', 'Student Stijn', 'PERSON', 'EDUCATION_SCIENCE', 'Stijn Kok'],
  ['spijkerkwartier', 'Onderzoeker Iris', 'PERSON', 'EDUCATION_SCIENCE', 'Iris Meijer'],
  ['klarendal', 'Naaister Noor', 'PERSON', 'ENTREPRENEUR', 'Noor Yılmaz'],
  ['klarendal', 'Buurvrouw Bep', 'PERSON', 'CITIZEN', 'Bep Vos'],
  ['klarendal', 'Sportieve Sven', 'PERSON', 'CITIZEN', 'Sven Jacobs'],
  ['klarendal', 'Wijkagent Wim', 'PERSON', 'GOVERNMENT', 'Wim Schouten'],
  ['klarendal', 'ROC Stagebureau', 'ORGANISATION', 'EDUCATION_SCIENCE', 'ROC Rijn IJssel, stagebureau'],
  ['klarendal', 'Kringloop Klarendal', 'ORGANISATION', 'ENTREPRENEUR', 'Stichting Kringloop Klarendal'],
];

export const demoNeighbourhoodId = (slug: string) => stableId(`neighbourhood:${slug}`);
export const demoMemberId = (displayName: string) => stableId(`member:${displayName}`);

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    const already = await tx.getRepository(NeighbourhoodEntity).existsBy({ id: demoNeighbourhoodId('spijkerkwartier') });
    if (already) return;
    const created = new Date('2025-01-06T09:00:00Z');
    await tx.getRepository(NeighbourhoodEntity).insert(
      neighbourhoods.map((n) => ({
        id: demoNeighbourhoodId(n.slug),
        slug: n.slug,
        name: n.name,
        description: n.description,
        municipalityName: 'Arnhem',
        municipalityCode: 'GM0202',
        cbsWijkCode: null,
        cbsBuurtCodes: [],
        createdAt: created,
        updatedAt: created,
      })),
    );
    await tx.getRepository(MemberEntity).insert(
      members.map(([slug, displayName, kind, domain, fullName], index) => {
        const joinedAt = new Date(created.getTime() + index * 3 * 86_400_000);
        const local = fullName.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').trim().replace(/\s+/g, '.');
        return {
          id: demoMemberId(displayName),
          neighbourhoodId: demoNeighbourhoodId(slug),
          displayName,
          kind,
          domain,
          joinedAt,
          fullName,
          email: `${local}@example.nl`,
          phone: `06-${String(10_000_000 + index * 7_919).slice(0, 8)}`,
          address: `${slug === 'klarendal' ? 'Klarendalseweg' : 'Spijkerstraat'} ${index + 1}, Arnhem`,
          updatedAt: joinedAt,
        };
      }),
    );
  });
}
