/**
 * A neighbourhood report from the dBWE public graph, the way a civic app
 * would write it: one typed query, no login needed.
 *
 *   GRAPH_URL=http://localhost:4000/ npm run report -- spijkerkwartier
 */
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { graphql } from './gql';

const NeighbourhoodReport = graphql(`
  query NeighbourhoodReport($slug: String!) {
    neighbourhood(slug: $slug) {
      name
      municipality { name }
      projects(first: 50) {
        edges {
          node {
            title
            status
            finances {
              spent { amount }
              budget { amount }
            }
            sroi { ratio }
          }
        }
      }
      wishes(first: 100) { edges { node { title supporters status } } }
      polls(first: 10) { edges { node { title status participantCount resultsHidden results { theme { name } points } } } }
    }
  }
`);

/** Posts a typed operation; the result type follows from the document. */
async function request<TResult, TVariables>(url: string, document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
  return body.data;
}

export async function report(url: string, slug: string): Promise<string> {
  const { neighbourhood } = await request(url, NeighbourhoodReport, { slug });
  if (!neighbourhood) return `No neighbourhood "${slug}".`;
  const lines = [`${neighbourhood.name} (${neighbourhood.municipality.name})`, '', 'Projects'];
  if (!neighbourhood.projects) lines.push('- (the projects service did not answer)');
  for (const { node: p } of neighbourhood.projects?.edges ?? []) {
    const budget = p.finances?.budget ? ` of ${p.finances.budget.amount} budgeted` : '';
    const spent = p.finances ? `€ ${p.finances.spent.amount} spent${budget}` : 'finances unavailable';
    const sroi = p.sroi?.ratio ? `, SROI 1 : ${p.sroi.ratio}` : '';
    lines.push(`- ${p.title} [${p.status}]: ${spent}${sroi}`);
  }
  lines.push('', 'Top wishes');
  // A wish's support is published only from a minimum number of supporters (privacy of small groups).
  const wishes = neighbourhood.wishes.edges.map((e) => e.node).sort((a, b) => (b.supporters ?? -1) - (a.supporters ?? -1) || a.title.localeCompare(b.title));
  for (const w of wishes.slice(0, 5)) lines.push(`- ${w.title} (${w.supporters === null ? 'too few supporters to publish' : `${w.supporters} supporters`}, ${w.status})`);
  for (const { node: poll } of neighbourhood.polls.edges) {
    lines.push('', `Poll: ${poll.title} [${poll.status}], ${poll.participantCount} participants`);
    if (poll.resultsHidden === 'POLL_OPEN') lines.push('- totals are published once the poll closes');
    if (poll.resultsHidden === 'TOO_FEW_PARTICIPANTS') lines.push('- too few took part to publish the totals');
    for (const r of [...poll.results].sort((a, b) => b.points - a.points)) lines.push(`- ${r.theme.name}: ${r.points} points`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  report(process.env.GRAPH_URL ?? 'http://localhost:4000/', process.argv[2] ?? 'spijkerkwartier').then(
    (text) => console.log(text),
    (error) => {
      console.error(`report: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
