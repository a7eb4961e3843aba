import { stableId } from '@dbwe/platform';

/**
 * The shape of the benchmark city, shared by the four generators so that
 * they agree on ids without reading each other's tables (as the subgraphs
 * do): ids are stableId('<kind>:<key>'), keys are derived from positions.
 *
 * One neighbourhood (the first) carries the long history: with the full
 * city its chain is 901,000 entries long, so the benchmark can read deep in
 * history and balances with a million entries behind them; the other 99
 * have a thousand entries each, the "fresh" neighbourhoods to compare with.
 */
export interface CityPlan {
  scale: number;
  neighbourhoods: NeighbourhoodPlan[];
}

export interface NeighbourhoodPlan {
  index: number;
  slug: string;
  id: string;
  name: string;
  members: number;
  projects: number;
  wishes: number;
  bids: number;
  entries: number;
}

export interface CityShape {
  neighbourhoods: number;
  members: number;
  projects: number;
  entries: number;
  /** Entries of every neighbourhood but the first. */
  freshEntries: number;
  wishesPerNeighbourhood: number;
  bidsPerNeighbourhood: number;
}

export const CITY: CityShape = {
  neighbourhoods: 100,
  members: 100_000,
  projects: 10_000,
  entries: 1_000_000,
  /** Entries of every neighbourhood but the first. */
  freshEntries: 1_000,
  wishesPerNeighbourhood: 30,
  bidsPerNeighbourhood: 25,
};

/** The city at a scale; tests pass a smaller shape. */
export function cityPlan(scale = 1, shape: CityShape = CITY): CityPlan {
  const n = shape.neighbourhoods;
  const at = (count: number, minimum = 1) => Math.max(minimum, Math.round(count * scale));
  const fresh = at(shape.freshEntries, 2);
  const deep = Math.max(fresh, at(shape.entries) - fresh * (n - 1));
  const neighbourhoods = Array.from({ length: n }, (_, index): NeighbourhoodPlan => {
    const slug = `wijk-${String(index + 1).padStart(3, '0')}`;
    return {
      index,
      slug,
      id: neighbourhoodId(slug),
      name: `Wijk ${index + 1}`,
      members: at(shape.members / n, 10),
      projects: at(shape.projects / n, 2),
      wishes: at(shape.wishesPerNeighbourhood, 3),
      bids: at(shape.bidsPerNeighbourhood, 2),
      entries: index === 0 ? deep : fresh,
    };
  });
  return { scale, neighbourhoods };
}

export const neighbourhoodId = (slug: string) => stableId(`neighbourhood:${slug}`);
export const memberId = (nb: NeighbourhoodPlan, j: number) => stableId(`member:${nb.slug}:${j}`);
export const themeId = (nb: NeighbourhoodPlan, t: number) => stableId(`theme:${nb.slug}:${THEMES[t][0]}`);
export const wishId = (nb: NeighbourhoodPlan, w: number) => stableId(`wish:${nb.slug}:${w}`);
export const pollId = (nb: NeighbourhoodPlan) => stableId(`poll:${nb.slug}`);
export const projectId = (nb: NeighbourhoodPlan, k: number) => stableId(`project:${nb.slug}:${k}`);
export const bidId = (nb: NeighbourhoodPlan, b: number) => stableId(`bid:${nb.slug}:${b}`);
export const analysisId = (nb: NeighbourhoodPlan, k: number) => stableId(`sroi:${nb.slug}:${k}`);

export const DOMAINS = ['CITIZEN', 'GOVERNMENT', 'ENTREPRENEUR', 'EDUCATION_SCIENCE'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Member 0 of every neighbourhood is its steward (treasurer), member 1 an official. */
export const STEWARD = 0;
export const OFFICIAL = 1;

/** Mostly citizens; every tenth member an entrepreneur, a few from government and education. */
export function memberDomain(j: number): Domain {
  if (j === OFFICIAL || j % 50 === 7) return 'GOVERNMENT';
  if (j % 10 === 3) return 'ENTREPRENEUR';
  if (j % 25 === 11) return 'EDUCATION_SCIENCE';
  return 'CITIZEN';
}

export const THEMES: [slug: string, name: string][] = [
  ['groen', 'Groen'],
  ['energie', 'Energie'],
  ['zorg', 'Zorg'],
  ['economie', 'Economie'],
  ['veiligheid', 'Veiligheid'],
  ['ontmoeting', 'Ontmoeting'],
];

/** What the generators know about a project besides its id. */
export function projectStatus(k: number): 'PROPOSED' | 'ACTIVE' | 'COMPLETED' | 'CANCELLED' {
  const r = k % 20;
  if (r < 4) return 'PROPOSED';
  if (r < 15) return 'ACTIVE';
  if (r < 19) return 'COMPLETED';
  return 'CANCELLED';
}

/** The index of the b-th ACTIVE project (statuses repeat every 20 projects, 11 of them active). */
const activeProject = (b: number) => 20 * Math.floor(b / 11) + 4 + (b % 11);

/** Bids being carried out: the first 40 % of a neighbourhood's bids, each by an active project. */
export function executingProject(nb: NeighbourhoodPlan, b: number): number | null {
  const k = activeProject(b);
  return b < Math.floor(nb.bids * 0.4) && k < nb.projects ? k : null;
}

/** The first day of the city's books. */
export const CITY_EPOCH = Date.UTC(2019, 0, 1);
export const DAY_MS = 86_400_000;
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The ledger's signing key in the benchmark (base64 of SHA-256 of "dbwe bench ledger key"): the seed
 * signs the city's checkpoints with it and the benchmark's ledger runs with it. Public, so never for real books.
 */
export const BENCH_LEDGER_SIGNING_KEY = 'mTfFSoSsCZGm/JlwNFfSvX8Mxa2/oB/qMgPjtENHdDU=';
/** The prefix of the city's log origins. */
export const BENCH_LOG_ORIGIN = 'dbwe.bench/books';
