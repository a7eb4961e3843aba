import type { DataSource, EntityManager } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { ProjectEntity, ProjectWishEntity, type ProjectStatus } from '../projects/project.entity';
import { ParticipantEntity, type ParticipantRole } from '../projects/participant.entity';
import { MilestoneEntity } from '../projects/milestone.entity';
import { ProjectEventEntity } from '../projects/project-event.entity';
import { LessonEntity, LessonMediaEntity, LessonThemeEntity, type MediaKind } from '../lessons/lesson.entity';
import { BidAssessmentEntity, BidChallengerEntity, BidEntity, BidEventEntity, type BidEventAction } from '../bids/bid.entity';
import { ASSESSMENT_CRITERIA, type AssessmentCriterion, type BidStatus } from '../bids/bid-lifecycle';

// Ids are derived from names so the other subgraphs' demo data (community wishes and themes,
// ledger accounts, impact analyses) refer to the same things without sharing tables.
const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const member = (displayName: string) => stableId(`member:${displayName}`);
const theme = (slug: string) => stableId(`theme:spijkerkwartier:${slug}`);
const wish = (key: string) => stableId(`wish:${key}`);
export const demoProjectId = (key: string) => stableId(`project:${key}`);
export const demoBidId = (key: string) => stableId(`bid:${key}`);
const at = (iso: string) => new Date(iso);

interface DemoProject {
  key: string;
  title: string;
  summary: string;
  status: ProjectStatus;
  coordinator: string;
  start: string;
  end: string | null;
  created: string;
  themes: string[];
  wishes: string[];
  participants: [string, ParticipantRole][];
  /** Status changes after the proposal: [to, when, who, why]. */
  history: [ProjectStatus, string, string, string][];
  /** [title, planned, reached on, note]. */
  milestones: [string, string, string | null, string | null][];
}

const projects: DemoProject[] = [
  {
    key: 'park-greenery',
    title: 'Groenonderhoud Lindenplein',
    summary: 'Bewoners nemen via het uitdaagrecht het groenonderhoud van het Lindenplein over van de gemeente, samen met een lokale hovenier.',
    status: 'ACTIVE',
    coordinator: 'Tuinman Teun',
    start: '2025-04-01',
    end: '2027-03-31',
    created: '2024-11-12T10:00:00Z',
    themes: ['groen', 'ontmoeting'],
    wishes: ['groen-lindenplein'],
    participants: [['Groene Gerda', 'VOLUNTEER'], ['Oma Ria', 'VOLUNTEER'], ['Hovenier Groen & Co', 'SUPPLIER'], ['Gemeente Arnhem – Openbare Ruimte', 'PARTNER']],
    history: [['ACTIVE', '2025-04-01T08:00:00Z', 'Tuinman Teun', 'De uitdaagrecht-overeenkomst met de gemeente is getekend; het onderhoud gaat per 1 april over.']],
    milestones: [
      ['Overeenkomst met de gemeente getekend', '2025-03-15', '2025-03-14', 'Getekend in het buurthuis, met de wijkregisseur.'],
      ['Eerste maaironde door bewoners en hovenier', '2025-05-01', '2025-04-28', 'Twaalf bewoners deden mee.'],
      ['Nieuwe vaste planten in de borders', '2025-10-15', '2025-10-18', 'Drie dagen later door de regen.'],
      ['Evaluatie eerste jaar met de gemeente', '2026-04-15', null, null],
    ],
  },
  {
    key: 'repair-cafe',
    title: 'Repair Café Spijkerkwartier',
    summary: 'Elke eerste zaterdag van de maand repareren buurtbewoners samen fietsen, kleding en apparaten.',
    status: 'ACTIVE',
    coordinator: 'Klusser Kees',
    start: '2025-03-01',
    end: null,
    created: '2025-01-20T10:00:00Z',
    themes: ['economie', 'ontmoeting'],
    wishes: ['repair-cafe'],
    participants: [['Fietsenmaker Okke', 'VOLUNTEER'], ['Student Stijn', 'VOLUNTEER'], ['Koffiebar Het Hoekje', 'PARTNER']],
    history: [['ACTIVE', '2025-03-01T09:00:00Z', 'Klusser Kees', 'Ruimte gevonden bij Koffiebar Het Hoekje; de eerste editie is op 1 maart.']],
    milestones: [
      ['Eerste Repair Café', '2025-03-01', '2025-03-01', '23 reparaties, 19 gelukt.'],
      ['Honderdste reparatie', '2025-09-01', '2025-07-05', null],
    ],
  },
  {
    key: 'neighbourhood-kitchen',
    title: 'Buurtkeuken',
    summary: 'Wekelijkse buurtmaaltijd voor en door bewoners, met ingrediënten van lokale ondernemers.',
    status: 'COMPLETED',
    coordinator: 'Buurtkok Bram',
    start: '2025-02-01',
    end: '2025-12-31',
    created: '2025-01-22T10:00:00Z',
    themes: ['zorg', 'ontmoeting'],
    wishes: ['buurtmaaltijd'],
    participants: [['Oma Ria', 'VOLUNTEER'], ['Bakkerij De Spijker', 'SUPPLIER'], ['Yoga Yara', 'VOLUNTEER']],
    history: [
      ['ACTIVE', '2025-02-01T17:00:00Z', 'Buurtkok Bram', 'De keuken van het buurthuis is beschikbaar op dinsdagavond.'],
      ['COMPLETED', '2025-12-31T12:00:00Z', 'Buurtkok Bram', 'Het proefjaar is rond; de maaltijd gaat door als vaste activiteit van het buurthuis.'],
    ],
    milestones: [
      ['Eerste buurtmaaltijd', '2025-02-04', '2025-02-04', '31 gasten.'],
      ['Vaste kookploeg van zes bewoners', '2025-06-01', '2025-05-20', null],
    ],
  },
  {
    key: 'solar-roofs',
    title: 'Zon op Spijkerdaken',
    summary: 'Collectieve inkoop van zonnepanelen voor de monumentale daken in de wijk, met advies van een lokale installateur.',
    status: 'PROPOSED',
    coordinator: 'Zonnige Sanne',
    start: '2026-03-01',
    end: '2026-12-31',
    created: '2025-06-15T10:00:00Z',
    themes: ['energie'],
    wishes: ['zonnedaken'],
    participants: [['Zonnepanelen Zeeman', 'ADVISOR'], ['Onderzoeker Iris', 'ADVISOR']],
    history: [],
    milestones: [
      ['Vergunningsvrije oplossing voor monumentale daken uitgezocht', '2026-02-01', null, null],
      ['Collectieve inkoop rond', '2026-05-01', null, null],
    ],
  },
  {
    key: 'play-street',
    title: 'Speelstraat Spijkerstraat',
    summary: 'Op zondagmiddag een autovrije speelstraat; gestopt omdat de vergunning niet rond kwam.',
    status: 'CANCELLED',
    coordinator: 'Spelende Sem',
    start: '2025-05-01',
    end: '2025-09-30',
    created: '2025-03-02T10:00:00Z',
    themes: ['veiligheid', 'ontmoeting'],
    wishes: [],
    participants: [['Basisschool De Wijkwijzer', 'PARTNER']],
    history: [['CANCELLED', '2025-04-20T10:00:00Z', 'Spelende Sem', 'De ontheffing voor het afsluiten van de straat werd niet op tijd verleend.']],
    milestones: [['Ontheffing verleend', '2025-04-15', null, null]],
  },
];

const lessons: [project: string, by: string, when: string, title: string, worked: string, didNot: string, forWhom: string][] = [
  [
    'park-greenery',
    'Tuinman Teun',
    '2025-11-01T10:00:00Z',
    'Groenonderhoud overnemen lukt met een vaste hovenier als ruggengraat',
    'Bewoners doen het lichte werk (maaien, schoffelen, planten); een lokale hovenier doet snoeiwerk en is aanspreekpunt voor de gemeente. Een vaste maandelijkse werkochtend houdt de groep bij elkaar.',
    'Het zware snoeiwerk in eigen beheer doen: te weinig gereedschap en te veel risico voor vrijwilligers.',
    'Buurten die het onderhoud van een plein of park via het uitdaagrecht willen overnemen.',
  ],
  [
    'neighbourhood-kitchen',
    'Buurtkok Bram',
    '2026-01-10T10:00:00Z',
    'Een buurtmaaltijd draait op een vaste kookploeg, niet op losse vrijwilligers',
    'Een ploeg van zes vaste koks met een rooster; ingrediënten rechtstreeks van de bakker en de groenteboer in de wijk.',
    'Aanmelden via een app: ouderen belden liever, dus een telefoonnummer werkte beter.',
    'Wijken met veel alleenwonende ouderen.',
  ],
  [
    'play-street',
    'Spelende Sem',
    '2025-04-21T10:00:00Z',
    'Vraag de ontheffing voor een speelstraat een half jaar vooraf aan',
    'De school en de ouders waren snel enthousiast; de buren tekenden massaal.',
    'De aanvraag twee maanden vooraf indienen: de gemeente had meer tijd nodig voor het verkeersbesluit.',
    'Straten met doorgaand verkeer die een speelstraat willen.',
  ],
];

/** The demo lessons' themes (slugs of Spijkerkwartier's themes) and media, by project key. */
const lessonLinks: Record<string, { themes: string[]; media: [kind: MediaKind, url: string, title: string][] }> = {
  'park-greenery': {
    themes: ['groen', 'ontmoeting'],
    media: [
      ['VIDEO', 'https://example.org/films/werkprincipes/groenonderhoud-overnemen', 'Film: zo namen bewoners het groen van het Lindenplein over'],
      ['DOCUMENT', 'https://example.org/handleidingen/uitdaagrecht-groen.pdf', 'Handleiding uitdaagrecht voor openbaar groen'],
    ],
  },
  'neighbourhood-kitchen': { themes: ['zorg', 'ontmoeting'], media: [] },
  'play-street': { themes: ['veiligheid', 'ontmoeting'], media: [] },
};
const lessonId = (key: string, title: string) => stableId(`lesson:${key}:${title}`);

export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await tx.getRepository(BidEntity).existsBy({ id: demoBidId('lindenplein-greenery') }))) await seedProjectsAndBids(tx);
    // Themes and media came after the first demo lessons: lessons seeded before get them too.
    await seedLessonLinks(tx);
  });
}

async function seedLessonLinks(tx: EntityManager): Promise<void> {
  for (const [key, , , title] of lessons) {
    const id = lessonId(key, title);
    const links = lessonLinks[key];
    if (!links || !(await tx.getRepository(LessonEntity).existsBy({ id }))) continue;
    const themes = links.themes.map((slug, position) => ({ lessonId: id, themeId: theme(slug), neighbourhoodId: nb('spijkerkwartier'), slug, position }));
    const media = links.media.map(([kind, url, mediaTitle], position) => ({ id: stableId(`lesson-media:${key}:${position}`), lessonId: id, position, url, kind, title: mediaTitle }));
    if (themes.length > 0) await tx.createQueryBuilder().insert().into(LessonThemeEntity).values(themes).orIgnore().execute();
    if (media.length > 0) await tx.createQueryBuilder().insert().into(LessonMediaEntity).values(media).orIgnore().execute();
  }
}

async function seedProjectsAndBids(tx: EntityManager): Promise<void> {
  // The first demo data had projects only; complete them if they are there, create them if not.
  const existing = new Set((await tx.getRepository(ProjectEntity).find({ select: { id: true } })).map((p) => p.id));
  for (const p of projects) await seedProject(tx, p, existing.has(demoProjectId(p.key)));
  for (const [key, by, when, title, whatWorked, whatDidNotWork, forWhom] of lessons) {
    await tx.getRepository(LessonEntity).insert({
      id: lessonId(key, title),
      projectId: demoProjectId(key),
      neighbourhoodId: nb('spijkerkwartier'),
      title,
      whatWorked,
      whatDidNotWork,
      forWhom,
      recordedBy: member(by),
      recordedAt: at(when),
      updatedAt: at(when),
    });
  }
  await seedBids(tx);
}

async function seedProject(tx: EntityManager, p: DemoProject, exists: boolean): Promise<void> {
  const id = demoProjectId(p.key);
  const created = at(p.created);
  const updated = at(p.history.at(-1)?.[1] ?? p.created);
  const row = {
    id,
    neighbourhoodId: nb('spijkerkwartier'),
    title: p.title,
    summary: p.summary,
    themeIds: p.themes.map(theme),
    status: p.status,
    coordinatorId: member(p.coordinator),
    plannedStart: p.start,
    plannedEnd: p.end,
    createdAt: created,
    updatedAt: updated,
  };
  // A project keeps its id, neighbourhood and creation time (the service may not change them).
  const { id: _id, neighbourhoodId: _neighbourhood, createdAt: _created, ...changes } = row;
  if (exists) await tx.getRepository(ProjectEntity).update({ id }, changes);
  else await tx.getRepository(ProjectEntity).insert(row);

  await tx.getRepository(ParticipantEntity).insert([
    { projectId: id, memberId: member(p.coordinator), role: 'COORDINATOR', joinedAt: created },
    ...p.participants.map(([who, role], i) => ({ projectId: id, memberId: member(who), role, joinedAt: new Date(created.getTime() + (i + 1) * 86_400_000) })),
  ]);
  const events: Partial<ProjectEventEntity>[] = [{ kind: 'PROPOSED', toStatus: 'PROPOSED', actorId: member(p.coordinator), at: created }];
  if (p.wishes.length > 0) {
    await tx.getRepository(ProjectWishEntity).insert(
      p.wishes.map((key) => ({ projectId: id, wishId: wish(key), wishNeighbourhoodId: nb('spijkerkwartier'), adoptedBy: member(p.coordinator), adoptedAt: created })),
    );
    events.push(...p.wishes.map((key) => ({ kind: 'WISH_ADOPTED' as const, wishId: wish(key), actorId: member(p.coordinator), at: created })));
  }
  let from: ProjectStatus = 'PROPOSED';
  for (const [to, when, who, why] of p.history) {
    events.push({ kind: 'STATUS_CHANGED', fromStatus: from, toStatus: to, actorId: member(who), at: at(when), reason: why });
    from = to;
  }
  for (const [title, plannedOn, reachedOn, note] of p.milestones) {
    const milestoneId = stableId(`milestone:${p.key}:${title}`);
    const reachedAt = reachedOn ? at(`${reachedOn}T18:00:00Z`) : created;
    await tx.getRepository(MilestoneEntity).insert({ id: milestoneId, projectId: id, title, plannedOn, reachedOn, reachedNote: note, createdAt: created, updatedAt: reachedAt });
    if (reachedOn) events.push({ kind: 'MILESTONE_REACHED', milestoneId, actorId: member(p.coordinator), at: reachedAt, reason: note });
  }
  await tx.getRepository(ProjectEventEntity).insert(
    events.map((e, i) => ({ fromStatus: null, toStatus: null, reason: null, milestoneId: null, wishId: null, ...e, id: stableId(`project-event:${p.key}:${i}`), projectId: id })),
  );
}

type DemoStep = [action: BidEventAction, to: BidStatus, when: string, who: string, why: string | null, criterion?: AssessmentCriterion];

async function seedBids(tx: EntityManager): Promise<void> {
  const scores: Record<AssessmentCriterion, [number, string]> = {
    SOCIAL_ADDED_VALUE: [5, 'Bewoners ontmoeten elkaar bij het werk; het plein wordt van de buurt.'],
    SUPPORT: [4, '212 handtekeningen en een volle bewonersavond; aanwonenden van de oostzijde minder betrokken.'],
    COST_NOT_ABOVE_CURRENT: [5, 'Ruim 15% goedkoper dan het huidige bestek.'],
    EQUAL_OR_BETTER_QUALITY: [4, 'Beeldkwaliteit B blijft gegarandeerd via de hovenier; vaker onderhoud.'],
    FEASIBILITY: [3, 'Haalbaar met de hovenier als vaste partner; afhankelijk van een kleine kern.'],
    NO_PROFIT_MOTIVE: [5, 'Stichting zonder winstoogmerk; overschot gaat terug in het plein.'],
    CONTINUITY: [3, 'Tweede coördinator nodig; opgenomen als voorwaarde.'],
  };
  const anouk = 'Wijkregisseur Anouk';
  const assessedAt = (i: number) => `2025-02-10T10:0${i}:00Z`;
  const greeneryAssessed = ASSESSMENT_CRITERIA.map((c, i): DemoStep => ['ASSESS_CRITERION', 'IN_ASSESSMENT', assessedAt(i), anouk, `${scores[c][0]}/5: ${scores[c][1]}`, c]);
  await seedBid(tx, {
    key: 'lindenplein-greenery',
    drafter: 'Tuinman Teun',
    coChallengers: ['Groene Gerda', 'Oma Ria'],
    collectiveName: 'Stichting Groen Lindenplein',
    task: 'Groenonderhoud van het Lindenplein',
    taskDescription:
      'De gemeente laat het plein nu zes keer per jaar maaien en twee keer snoeien door een aannemer. Bewoners nemen het onderhoud over, met een lokale hovenier voor het snoeiwerk, en planten de borders opnieuw in.',
    mode: 'TAKE_OVER',
    currentCents: 4_825_000n,
    budgetLine: 'Beheer openbaar groen – wijk Oost',
    taakveld: '5.7',
    proposedCents: 4_100_000n,
    commitments: ['Beeldkwaliteit B of beter, gemeten door de gemeente', 'Maandelijkse werkochtend voor bewoners', 'Kwartaalrapportage aan de wijkregisseur'],
    socialAddedValue: 'Bewoners ontmoeten elkaar tijdens het werk, kinderen van De Wijkwijzer leren over biodiversiteit, en het plein wordt van de buurt.',
    supporters: 212,
    evidence: 'Handtekeningenlijst (212 bewoners) en verslag van de bewonersavond van 14 november 2024.',
    created: '2024-11-20T10:00:00Z',
    steps: [
      ['SUBMIT', 'SUBMITTED', '2024-12-02T09:00:00Z', 'Tuinman Teun', 'Ingediend na de bewonersavond.'],
      ['START_ASSESSMENT', 'IN_ASSESSMENT', '2025-01-06T09:00:00Z', anouk, null],
      ...greeneryAssessed,
      ['HONOUR_WITH_CONDITIONS', 'HONOURED_WITH_CONDITIONS', '2025-02-20T14:00:00Z', anouk, 'Het bod is goedkoper dan nu, met minstens gelijke kwaliteit en brede steun in de buurt.'],
      ['SIGN_AGREEMENT', 'AGREEMENT_SIGNED', '2025-03-14T15:00:00Z', anouk, 'Overeenkomst voor twee jaar, ingaand 1 april 2025.'],
      ['START_EXECUTION', 'IN_EXECUTION', '2025-04-01T08:00:00Z', 'Tuinman Teun', 'Het project Groenonderhoud Lindenplein voert het bod uit.'],
    ],
    assessments: ASSESSMENT_CRITERIA.map((c, i) => [c, ...scores[c], anouk, assessedAt(i)]),
    decision: {
      outcome: 'HONOURED_WITH_CONDITIONS',
      rationale: 'Het bod is goedkoper dan nu, met minstens gelijke kwaliteit en brede steun in de buurt.',
      conditions: 'Een tweede coördinator vóór 1 juli 2025; kwartaalrapportage over beeldkwaliteit aan de wijkregisseur.',
      by: anouk,
      at: '2025-02-20T14:00:00Z',
    },
    executingProject: demoProjectId('park-greenery'),
  });

  await seedBid(tx, {
    key: 'community-centre',
    drafter: 'Buurtkok Bram',
    coChallengers: ['Muzikale Mo', 'Yoga Yara'],
    collectiveName: 'Bewonersvereniging Spijkerkwartier',
    task: 'Beheer van buurthuis De Spijker',
    taskDescription:
      'Het buurthuis wordt nu beheerd door een welzijnsorganisatie in opdracht van de gemeente. Bewoners willen het beheer samen met de gemeente sturen: programmering, verhuur en openingstijden.',
    mode: 'CO_STEER',
    currentCents: 9_600_000n,
    budgetLine: 'Wijkaccommodaties',
    taakveld: '6.1',
    proposedCents: 9_150_000n,
    commitments: ['Minstens 50 openingsuren per week', 'Vrije verhuur voor bewonersinitiatieven'],
    socialAddedValue: 'Een buurthuis dat bewoners zelf programmeren trekt meer en andere bezoekers, ook ouderen die nu thuis blijven.',
    supporters: 148,
    evidence: 'Enquête onder 300 huishoudens, 148 steunbetuigingen.',
    created: '2025-09-01T10:00:00Z',
    steps: [
      ['SUBMIT', 'SUBMITTED', '2025-10-01T09:00:00Z', 'Buurtkok Bram', null],
      ['START_ASSESSMENT', 'IN_ASSESSMENT', '2025-10-20T09:00:00Z', 'Beleidsadviseur Joris', 'Beoordeling door het team Maatschappelijke Ontwikkeling.'],
      ['ASSESS_CRITERION', 'IN_ASSESSMENT', '2025-11-03T10:00:00Z', 'Beleidsadviseur Joris', '4/5: Duidelijke meerwaarde voor ontmoeting.', 'SOCIAL_ADDED_VALUE'],
      ['ASSESS_CRITERION', 'IN_ASSESSMENT', '2025-11-03T10:05:00Z', 'Beleidsadviseur Joris', '4/5: Goede enquête; steun van ondernemers nog beperkt.', 'SUPPORT'],
    ],
    assessments: [
      ['SOCIAL_ADDED_VALUE', 4, 'Duidelijke meerwaarde voor ontmoeting.', 'Beleidsadviseur Joris', '2025-11-03T10:00:00Z'],
      ['SUPPORT', 4, 'Goede enquête; steun van ondernemers nog beperkt.', 'Beleidsadviseur Joris', '2025-11-03T10:05:00Z'],
    ],
    decision: null,
    executingProject: null,
  });
}

interface DemoBid {
  key: string;
  drafter: string;
  coChallengers: string[];
  collectiveName: string;
  task: string;
  taskDescription: string;
  mode: 'TAKE_OVER' | 'CO_STEER';
  currentCents: bigint;
  budgetLine: string;
  taakveld: string;
  proposedCents: bigint;
  commitments: string[];
  socialAddedValue: string;
  supporters: number;
  evidence: string;
  created: string;
  steps: DemoStep[];
  assessments: [AssessmentCriterion, number, string, string, string][];
  decision: { outcome: 'HONOURED' | 'HONOURED_WITH_CONDITIONS' | 'REJECTED'; rationale: string; conditions: string | null; by: string; at: string } | null;
  executingProject: string | null;
}

async function seedBid(tx: EntityManager, b: DemoBid): Promise<void> {
  const id = demoBidId(b.key);
  const last = b.steps.at(-1)!;
  await tx.getRepository(BidEntity).insert({
    id,
    neighbourhoodId: nb('spijkerkwartier'),
    collectiveName: b.collectiveName,
    task: b.task,
    taskDescription: b.taskDescription,
    mode: b.mode,
    currentAnnualCostCents: b.currentCents,
    budgetLine: b.budgetLine,
    taakveld: b.taakveld,
    proposedAnnualBudgetCents: b.proposedCents,
    qualityCommitments: b.commitments,
    socialAddedValue: b.socialAddedValue,
    supporterCount: b.supporters,
    supportEvidence: b.evidence,
    status: last[1],
    decisionOutcome: b.decision?.outcome ?? null,
    decisionRationale: b.decision?.rationale ?? null,
    decisionConditions: b.decision?.conditions ?? null,
    decidedBy: b.decision ? member(b.decision.by) : null,
    decidedAt: b.decision ? at(b.decision.at) : null,
    executingProjectId: b.executingProject,
    submittedAt: at(b.steps.find((s) => s[0] === 'SUBMIT')![2]),
    createdBy: member(b.drafter),
    createdAt: at(b.created),
    updatedAt: at(last[2]),
  });
  await tx.getRepository(BidChallengerEntity).insert([b.drafter, ...b.coChallengers].map((who, position) => ({ bidId: id, memberId: member(who), position })));
  await tx.getRepository(BidAssessmentEntity).insert(
    b.assessments.map(([criterion, score, reason, by, when]) => ({ bidId: id, criterion, score, reason, assessedBy: member(by), assessedAt: at(when) })),
  );
  let from: BidStatus = 'DRAFT';
  const events = [{ action: 'DRAFT' as BidEventAction, fromStatus: null as BidStatus | null, toStatus: 'DRAFT' as BidStatus, actorId: member(b.drafter), at: at(b.created), rationale: null as string | null, criterion: null as AssessmentCriterion | null }];
  for (const [action, to, when, who, why, criterion] of b.steps) {
    events.push({ action, fromStatus: from, toStatus: to, actorId: member(who), at: at(when), rationale: why, criterion: criterion ?? null });
    from = to;
  }
  await tx.getRepository(BidEventEntity).insert(events.map((e, i) => ({ ...e, id: stableId(`bid-event:${b.key}:${i}`), bidId: id })));
}
