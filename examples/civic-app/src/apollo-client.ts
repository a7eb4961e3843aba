/**
 * Apollo Client 4 on the dBWE graph, as a civic app sets it up: a normalised cache that knows the
 * schema's unions and interfaces (`possibleTypes`), and a mutation whose expected refusals are
 * members of its result union.
 *
 *   GRAPH_URL=http://localhost:4000/ DBWE_TOKEN=$(npm run --silent token -- --member "Muzikale Mo" --role resident --neighbourhood spijkerkwartier) \
 *     node --import tsx examples/civic-app/src/apollo-client.ts <wish id>
 *
 * Why possibleTypes: a result union's error members are selected through their interface
 * (`... on CommunityError { code message }`). Without the map the cache cannot know that
 * `AlreadySupported` is a `CommunityError`, so it drops those fields and the app gets
 * `{ __typename: "AlreadySupported" }` with no code and no message, silently.
 * The map is generated with the schema: schema/possible-types.json in the repository, and
 * /schema/possible-types.json on every gateway.
 */
import { ApolloClient, HttpLink, InMemoryCache, type PossibleTypesMap } from '@apollo/client';
import { graphql } from './gql';

/** The map the gateway publishes next to its schema: always the one of the schema it serves. */
export async function fetchPossibleTypes(graphUrl: string): Promise<PossibleTypesMap> {
  const response = await fetch(new URL('/schema/possible-types.json', graphUrl));
  if (!response.ok) throw new Error(`possible types: HTTP ${response.status}`);
  return (await response.json()) as PossibleTypesMap;
}

/** One client per signed-in user; without a token it reads as the anonymous public. */
export function createDbweClient(options: { graphUrl: string; possibleTypes: PossibleTypesMap; token?: string }): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({
      uri: options.graphUrl,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    }),
    cache: new InMemoryCache({ possibleTypes: options.possibleTypes }),
  });
}

export const SupportWish = graphql(`
  mutation SupportWish($wishId: ID!) {
    supportWish(wishId: $wishId) {
      __typename
      ... on SupportWishSuccess {
        wish { id title supporters }
      }
      ... on CommunityError {
        code
        message
      }
    }
  }
`);

/** What the app shows after the resident pressed "support": the new count, or why not. */
export async function supportWish(client: ApolloClient, wishId: string): Promise<string> {
  const { data, error } = await client.mutate({ mutation: SupportWish, variables: { wishId } });
  if (error) throw error;
  const result = data!.supportWish;
  switch (result.__typename) {
    case 'SupportWishSuccess':
      return `Supported "${result.wish.title}" (${result.wish.supporters ?? 'fewer than 5'} supporters)`;
    default:
      // Every other member of the union is a CommunityError: its code says which rule, for programs.
      return `Not supported: ${result.message} (${result.code})`;
  }
}

if (require.main === module) {
  const [wishId] = process.argv.slice(2);
  const graphUrl = process.env.GRAPH_URL ?? 'http://localhost:4000/';
  if (!wishId) {
    console.error('usage: apollo-client.ts <wish id> (with DBWE_TOKEN set to a resident token)');
    process.exit(2);
  }
  fetchPossibleTypes(graphUrl)
    .then((possibleTypes) => supportWish(createDbweClient({ graphUrl, possibleTypes, token: process.env.DBWE_TOKEN }), wishId))
    .then(
      (line) => console.log(line),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
}
