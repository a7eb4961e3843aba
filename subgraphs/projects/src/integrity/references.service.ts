import {
  GraphClient,
  GraphLookup,
  graphSettings,
  memberReference,
  TEST_GRAPH_URL,
  type MemberFacts,
  type ReferenceKind,
  type SubgraphServices,
} from '@dbwe/platform';

/** A wish as the public graph shows it: the neighbourhood it belongs to. */
export interface WishFacts {
  id: string;
  neighbourhoodId: string;
}

/** A theme as the public graph shows it: its slug is the word neighbourhoods share (`groen`). */
export interface ThemeFacts {
  id: string;
  slug: string;
}

/** A neighbourhood as the public graph shows it: its themes. */
export interface NeighbourhoodFacts {
  id: string;
  themes: ThemeFacts[];
}

/**
 * What projects needs to know about the community's members, wishes and
 * neighbourhoods before it stores their ids. Answered through the public
 * graph today; a replica fed by the community's domain events can answer
 * instead without touching the callers. Each answers null for an id the
 * community does not know.
 */
export interface ProjectsReferences {
  member(id: string): Promise<MemberFacts | null>;
  wish(id: string): Promise<WishFacts | null>;
  neighbourhood(id: string): Promise<NeighbourhoodFacts | null>;
}

const wishReference: ReferenceKind<WishFacts> = {
  field: 'wish',
  selection: 'id neighbourhood { id }',
  read: (answer) => {
    const wish = answer as { id: string; neighbourhood: { id: string } };
    return { id: wish.id, neighbourhoodId: wish.neighbourhood.id };
  },
};

const neighbourhoodReference: ReferenceKind<NeighbourhoodFacts> = {
  field: 'neighbourhood',
  selection: 'id themes { id slug }',
  read: (answer) => {
    const neighbourhood = answer as { id: string; themes: ThemeFacts[] };
    return { id: neighbourhood.id, themes: neighbourhood.themes.map((t) => ({ id: t.id, slug: t.slug })) };
  },
};

/** The references read from the public graph, every lookup of a write in one query. */
export function graphReferences(lookup: GraphLookup): ProjectsReferences {
  return {
    member: (id) => lookup.load(memberReference, id),
    wish: (id) => lookup.load(wishReference, id),
    neighbourhood: (id) => lookup.load(neighbourhoodReference, id),
  };
}

/** What projects keeps while it runs: the way to the public graph, where it checks the ids it is given. */
export interface ProjectsServices {
  references: ProjectsReferences;
}

export const projectsServices: SubgraphServices<ProjectsServices> = {
  settings: graphSettings,
  testEnv: { GRAPH_URL: TEST_GRAPH_URL },
  async start(_db, config) {
    return { services: { references: graphReferences(new GraphLookup(new GraphClient(config.GRAPH_URL as string))) }, stop: async () => undefined };
  },
};
