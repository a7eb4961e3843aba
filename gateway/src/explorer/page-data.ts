import type { ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../gateway';
import type { ExampleSetting } from './examples';

/** A neighbourhood as the landing page names it. Names and slugs are data people entered: escape them. */
export interface NeighbourhoodListing {
  id: string;
  slug: string;
  name: string;
  municipality: string;
}

export interface PageData {
  /** Null when the graph could not list them (a subgraph down): the pages still render, saying so. */
  neighbourhoods: NeighbourhoodListing[] | null;
  setting: ExampleSetting;
}

/** The slug the examples fall back on while the graph lists no neighbourhood: the demo's. */
const DEMO_SLUG = 'spijkerkwartier';

const PAGE_QUERY = `query ExplorerPages {
  neighbourhoods {
    id
    slug
    name
    municipality { name }
    wishes(first: 1, filter: { status: OPEN }) { edges { node { id } } }
    rightToChallengeBids(first: 1, status: IN_ASSESSMENT) { edges { node { id } } }
    accounts { id code type unit }
  }
}`;

interface Answer {
  neighbourhoods: {
    id: string;
    slug: string;
    name: string;
    municipality: { name: string };
    wishes: { edges: { node: { id: string } }[] } | null;
    rightToChallengeBids: { edges: { node: { id: string } }[] } | null;
    accounts: { id: string; code: string; type: string; unit: string }[] | null;
  }[];
}

/**
 * Reads what the landing page and the explorer's examples show, from the graph as the anonymous
 * public does (so the response cache may answer it). A partial answer still names what it has.
 * `preferredSlug` picks the neighbourhood the examples act in.
 */
export async function readPageData(apollo: ApolloServer<GatewayContext>, requestId: string, preferredSlug: string | null, now = new Date()): Promise<PageData> {
  const response = await apollo.executeOperation<Answer>({ query: PAGE_QUERY }, { contextValue: { viewer: { memberId: null, roles: [] }, requestId } });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const listed = response.body.singleResult.data?.neighbourhoods ?? null;
  // The examples act in the neighbourhood asked for (?neighbourhood=<slug>), else in the first with open books and an open wish.
  const first =
    listed?.find((n) => n.slug === preferredSlug) ?? listed?.find((n) => (n.accounts?.length ?? 0) > 0 && (n.wishes?.edges.length ?? 0) > 0) ?? listed?.[0];
  const euroAccount = (type: string) => first?.accounts?.filter((a) => a.type === type && a.unit === 'EUR').sort((a, b) => a.code.localeCompare(b.code))[0]?.id ?? null;
  return {
    neighbourhoods: listed?.map((n) => ({ id: n.id, slug: n.slug, name: n.name, municipality: n.municipality.name })) ?? null,
    setting: {
      slug: first?.slug ?? DEMO_SLUG,
      neighbourhoodId: first?.id ?? null,
      openWishId: first?.wishes?.edges[0]?.node.id ?? null,
      bidId: first?.rightToChallengeBids?.edges[0]?.node.id ?? null,
      debitAccountId: euroAccount('ASSET'),
      creditAccountId: euroAccount('INCOME'),
      today: now.toISOString().slice(0, 10),
    },
  };
}

/** The examples' setting while the graph tells nothing: the demo's slug, no ids. */
function noSetting(now: Date): ExampleSetting {
  return { slug: DEMO_SLUG, neighbourhoodId: null, openWishId: null, bidId: null, debitAccountId: null, creditAccountId: null, today: now.toISOString().slice(0, 10) };
}

/** What the pages show when the graph could not be read at all. */
export function unreadPageData(now = new Date()): PageData {
  return { neighbourhoods: null, setting: noSetting(now) };
}
