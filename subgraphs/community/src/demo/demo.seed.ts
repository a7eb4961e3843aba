import type { DataSource, EntityManager } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { NeighbourhoodEntity } from '../neighbourhoods/neighbourhood.entity';
import { MemberEntity, type MemberDomain, type MemberKind, type MemberRole } from '../members/member.entity';
import { ThemeEntity } from '../themes/theme.entity';
import { WishEntity } from '../wishes/wish.entity';
import { PollEntity } from '../polls/poll.entity';
import { CARRY_OVER_DIRECTORY_ROLES } from '../migrations/1770200000000-role-grants';

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

/** Roles beyond RESIDENT, which every member holds. */
const extraRoles: Record<string, MemberRole[]> = {
  'Penningmeester Pieter': ['STEWARD'],
  'Tuinman Teun': ['STEWARD'],
  'Wijkregisseur Anouk': ['OFFICIAL'],
  'Beleidsadviseur Joris': ['OFFICIAL'],
  'Buurvrouw Bep': ['STEWARD'],
};

const themes: [slug: string, name: string, description: string][] = [
  ['groen', 'Groen', 'Bomen, geveltuinen, parken en biodiversiteit.'],
  ['energie', 'Energie', 'Zonnepanelen, isolatie en samen minder verbruiken.'],
  ['zorg', 'Zorg', 'Naar elkaar omkijken, mantelzorg en eenzaamheid.'],
  ['economie', 'Economie', 'Lokale ondernemers, werk en leerplekken.'],
  ['veiligheid', 'Veiligheid', 'Verkeer, verlichting en een veilige straat.'],
  ['ontmoeting', 'Ontmoeting', 'Plekken en activiteiten om elkaar te treffen.'],
];

type DemoWish = {
  key: string;
  slug: string;
  author: string;
  title: string;
  description: string;
  themes: string[];
  supporters: string[];
  archived?: boolean;
};

const wishes: DemoWish[] = [
  {
    key: 'groen-lindenplein',
    slug: 'spijkerkwartier',
    author: 'Groene Gerda',
    title: 'Het Lindenplein groener en beter onderhouden',
    description: 'Bewoners willen het groen op het Lindenplein zelf onderhouden, met meer bloeiende planten voor bijen.',
    themes: ['groen', 'ontmoeting'],
    supporters: ['Tuinman Teun', 'Oma Ria', 'Fietsende Fenna', 'Hovenier Groen & Co', 'Lezende Lotte', 'Yoga Yara', 'Wijkregisseur Anouk'],
  },
  {
    key: 'repair-cafe',
    slug: 'spijkerkwartier',
    author: 'Klusser Kees',
    title: 'Een maandelijks Repair Café',
    description: 'Samen spullen repareren in plaats van weggooien, met vrijwilligers uit de wijk.',
    themes: ['economie', 'ontmoeting'],
    supporters: ['Fietsenmaker Okke', 'Buurtkok Bram', 'Student Stijn', 'Oma Ria'],
  },
  {
    key: 'zonnedaken',
    slug: 'spijkerkwartier',
    author: 'Zonnige Sanne',
    title: 'Zonnepanelen op de daken van de Spijkerstraat',
    description: 'Een collectieve inkoop van zonnepanelen voor huurders en eigenaren, met uitleg op school.',
    themes: ['energie'],
    supporters: ['Zonnepanelen Zeeman', 'Basisschool De Wijkwijzer', 'Penningmeester Pieter', 'Onderzoeker Iris', 'Groene Gerda'],
  },
  {
    key: 'buurtmaaltijd',
    slug: 'spijkerkwartier',
    author: 'Buurtkok Bram',
    title: 'Wekelijkse buurtmaaltijd voor ouderen',
    description: 'Een warme maaltijd en een praatje voor wie alleen woont.',
    themes: ['zorg', 'ontmoeting'],
    supporters: ['Oma Ria', 'Koffiebar Het Hoekje', 'Muzikale Mo'],
  },
  {
    key: 'veilige-schoolroute',
    slug: 'spijkerkwartier',
    author: 'Spelende Sem',
    title: 'Veilige fietsroute naar De Wijkwijzer',
    description: 'Betere verlichting en een drempel op de Spijkerlaan bij de school.',
    themes: ['veiligheid'],
    supporters: ['Basisschool De Wijkwijzer', 'Fietsende Fenna'],
  },
  {
    key: 'straatfeest-2024',
    slug: 'spijkerkwartier',
    author: 'Muzikale Mo',
    title: 'Straatfeest met muziek uit de wijk',
    description: 'Eenmalig straatfeest; inmiddels gehouden.',
    themes: ['ontmoeting'],
    supporters: ['Yoga Yara'],
    archived: true,
  },
  {
    key: 'kringloop-leerplekken',
    slug: 'klarendal',
    author: 'Kringloop Klarendal',
    title: 'Leerwerkplekken in de kringloopwinkel',
    description: 'Stageplekken voor ROC-studenten in reparatie en verkoop.',
    themes: ['economie'],
    supporters: ['ROC Stagebureau', 'Naaister Noor', 'Buurvrouw Bep'],
  },
  {
    key: 'sportveld-klarendal',
    slug: 'klarendal',
    author: 'Sportieve Sven',
    title: 'Een open sportveldje bij de Klarendalseweg',
    description: 'Een veilige plek om te sporten voor jongeren.',
    themes: ['ontmoeting', 'veiligheid'],
    supporters: ['Wijkagent Wim'],
  },
];

/** The Spijkerpeil: residents divide 100 points over five themes. */
const pollThemes = ['groen', 'energie', 'zorg', 'veiligheid', 'ontmoeting'];
const ballots: [member: string, points: number[]][] = [
  ['Fietsende Fenna', [40, 20, 10, 20, 10]],
  ['Buurtkok Bram', [10, 10, 40, 0, 40]],
  ['Groene Gerda', [60, 30, 0, 0, 10]],
  ['Tuinman Teun', [50, 10, 10, 10, 20]],
  ['Zonnige Sanne', [20, 60, 10, 0, 10]],
  ['Oma Ria', [10, 0, 50, 20, 20]],
  ['Klusser Kees', [20, 20, 20, 20, 20]],
  ['Muzikale Mo', [10, 10, 20, 10, 50]],
  ['Lezende Lotte', [30, 20, 20, 10, 20]],
  ['Spelende Sem', [10, 10, 10, 60, 10]],
  ['Yoga Yara', [30, 10, 30, 0, 20]],
  ['Student Stijn', [25, 25, 0, 25, 25]],
];

export const demoNeighbourhoodId = (slug: string) => stableId(`neighbourhood:${slug}`);
export const demoMemberId = (displayName: string) => stableId(`member:${displayName}`);
export const demoThemeId = (neighbourhoodSlug: string, themeSlug: string) => stableId(`theme:${neighbourhoodSlug}:${themeSlug}`);
export const demoWishId = (key: string) => stableId(`wish:${key}`);
export const demoPollId = (key: string) => stableId(`poll:${key}`);

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    const already = await tx.getRepository(NeighbourhoodEntity).existsBy({ id: demoNeighbourhoodId('spijkerkwartier') });
    if (already) return;
    const created = new Date('2025-01-06T09:00:00Z');
    await tx.query(`INSERT INTO community.municipality (code, name, created_at) VALUES ('GM0202', 'Arnhem', $1) ON CONFLICT DO NOTHING`, [created]);
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
          // The demo's organisations are who they say: their domains count as confirmed, as the migration has existing members'.
          claimedDomain: null,
          domainConfirmedAt: joinedAt,
          domainConfirmedBy: null,
          joinedAt,
          roles: ['RESIDENT' as const, ...(extraRoles[displayName] ?? [])],
          erasedAt: null,
          fullName,
          email: `${local}@example.nl`,
          phone: `06-${String(10_000_000 + index * 7_919).slice(0, 8)}`,
          address: `${slug === 'klarendal' ? 'Klarendalseweg' : 'Spijkerstraat'} ${index + 1}, Arnhem`,
          updatedAt: joinedAt,
        };
      }),
    );
    // The demo's offices, as grants the platform holds (the directory's roles carried over, as the migration does).
    await tx.query(CARRY_OVER_DIRECTORY_ROLES);
    await seedWishesAndPolls(tx);
  });
}

async function seedWishesAndPolls(tx: EntityManager): Promise<void> {
  const created = new Date('2025-03-03T10:00:00Z');
  await tx.getRepository(ThemeEntity).insert(
    neighbourhoods.flatMap((n) =>
      themes.map(([slug, name, description]) => ({
        id: demoThemeId(n.slug, slug),
        neighbourhoodId: demoNeighbourhoodId(n.slug),
        slug,
        name,
        description,
        createdAt: created,
        updatedAt: created,
      })),
    ),
  );

  for (const [index, wish] of wishes.entries()) {
    const at = new Date(created.getTime() + (index + 1) * 5 * 86_400_000);
    await tx.getRepository(WishEntity).insert({
      id: demoWishId(wish.key),
      neighbourhoodId: demoNeighbourhoodId(wish.slug),
      authorId: demoMemberId(wish.author),
      title: wish.title,
      description: wish.description,
      archivedAt: wish.archived ? new Date(at.getTime() + 60 * 86_400_000) : null,
      createdAt: at,
      updatedAt: at,
    });
    await tx.query(`INSERT INTO community.wish_theme (neighbourhood_id, wish_id, theme_id) SELECT $1, $2, unnest($3::uuid[])`, [
      demoNeighbourhoodId(wish.slug),
      demoWishId(wish.key),
      wish.themes.map((t) => demoThemeId(wish.slug, t)),
    ]);
    await tx.query(`INSERT INTO community.wish_support (wish_id, member_id, created_at) SELECT $1, unnest($2::uuid[]), $3`, [
      demoWishId(wish.key),
      wish.supporters.map(demoMemberId),
      new Date(at.getTime() + 86_400_000),
    ]);
  }

  const pollId = demoPollId('spijkerpeil-2025');
  const opened = new Date('2025-09-01T08:00:00Z');
  await tx.getRepository(PollEntity).insert({
    id: pollId,
    neighbourhoodId: demoNeighbourhoodId('spijkerkwartier'),
    title: 'Spijkerpeil 2025: waar gaat onze energie naartoe?',
    description: 'Verdeel 100 punten over de thema\'s die jij het belangrijkst vindt voor de wijk.',
    pointsBudget: 100,
    openedAt: opened,
    closedAt: null,
    updatedAt: opened,
  });
  await tx.query(
    `INSERT INTO community.poll_theme (neighbourhood_id, poll_id, theme_id, position)
     SELECT $1, $2, theme_id, position FROM unnest($3::uuid[]) WITH ORDINALITY AS t(theme_id, position)`,
    [demoNeighbourhoodId('spijkerkwartier'), pollId, pollThemes.map((t) => demoThemeId('spijkerkwartier', t))],
  );
  for (const [index, [member, points]] of ballots.entries()) {
    const [ballot]: { id: string }[] = await tx.query(
      `INSERT INTO community.poll_ballot (poll_id, member_id, updated_at) VALUES ($1, $2, $3) RETURNING id`,
      [pollId, demoMemberId(member), new Date(opened.getTime() + (index + 1) * 86_400_000)],
    );
    // Like allocatePoints, only themes that got points are stored.
    const given = pollThemes.map((t, i) => [demoThemeId('spijkerkwartier', t), points[i]] as const).filter(([, p]) => p > 0);
    await tx.query(
      `INSERT INTO community.poll_allocation (ballot_id, poll_id, theme_id, points)
       SELECT $1, $2, unnest($3::uuid[]), unnest($4::int[])`,
      [ballot.id, pollId, given.map(([id]) => id), given.map(([, p]) => p)],
    );
  }
  // Closed only now: the database refuses points for a closed poll.
  const closed = new Date('2025-10-01T20:00:00Z');
  await tx.getRepository(PollEntity).update({ id: pollId }, { closedAt: closed, updatedAt: closed });
}
