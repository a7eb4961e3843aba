import { randomUUID } from 'node:crypto';
import type { Role } from '@dbwe/platform';

/**
 * What the examples are filled in with: this installation's first neighbourhood and a few of its ids,
 * read from the graph when the page is rendered (page-data.ts), so every example runs as it stands.
 */
export interface ExampleSetting {
  slug: string;
  neighbourhoodId: string | null;
  openWishId: string | null;
  bidId: string | null;
  /** The entry the treasurer's example books: from an asset account to an income account, in euros. */
  debitAccountId: string | null;
  creditAccountId: string | null;
  /** The booking date of that entry (the page's day, UTC). */
  today: string;
}

/** An operation of an example that writes, and who may run it. */
export interface ExampleWrite {
  operationName: string;
  role: Role;
  /** A demo member (`npm start`'s data) with that role, for the token command shown in the example. */
  demoMember: string;
}

export interface Example {
  /** The user group, as the tab's first comment line names it. */
  group: string;
  /** What the example shows, a comment line or two above the document. */
  purpose: string[];
  document: string;
  variables(setting: ExampleSetting): Record<string, unknown>;
  writes?: ExampleWrite;
}

/** One example per user group of the graph (docs/DOMAIN: residents, civic developers, the municipality, treasurers). */
export const EXAMPLES: Example[] = [
  {
    group: 'A resident',
    purpose: ["What is going on in my neighbourhood: open wishes, active projects, the polls' published results.", 'Then support a wish (SupportWish) with a resident\'s token.'],
    document: `query MyNeighbourhood($slug: String!) {
  neighbourhood(slug: $slug) {
    name
    wishes(first: 5, filter: { status: OPEN }) {
      edges { node { id title supporters themes { name } } }
    }
    projects(first: 5, status: ACTIVE) {
      edges {
        node {
          title
          summary
          coordinator { displayName }
          milestones { title plannedOn reached }
        }
      }
    }
    polls(first: 3) {
      edges { node { title status resultsPublished results { theme { name } points } } }
    }
  }
}

mutation SupportWish($wishId: ID!) {
  supportWish(wishId: $wishId) {
    __typename
    ... on SupportWishSuccess { wish { title supporters supportedByMe } }
    ... on CommunityError { code message }
  }
}`,
    variables: (s) => ({ slug: s.slug, wishId: s.openWishId }),
    writes: { operationName: 'SupportWish', role: 'resident', demoMember: 'Spelende Sem' },
  },
  {
    group: 'A civic developer',
    purpose: ['The neighbourhoods this installation serves, then one page of projects as a Relay connection:', 'pass pageInfo.endCursor as $after for the next page (first is at most 100).'],
    document: `query Neighbourhoods {
  neighbourhoods {
    id
    slug
    name
    municipality { name cbsCode }
  }
}

query ProjectsPage($slug: String!, $after: String) {
  neighbourhood(slug: $slug) {
    projects(first: 3, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          title
          status
          finances { spent { amount unit } }
          sroi { ratio }
        }
      }
    }
  }
}`,
    variables: (s) => ({ slug: s.slug, after: null }),
  },
  {
    group: 'A municipal analyst or official',
    purpose: ['Right to Challenge bids against what the task costs now, the SROI of the neighbourhood and its trial balance.', 'Officials assess a bid in assessment criterion by criterion (AssessCriterion) with an official\'s token.'],
    document: `query BidsAndImpact($slug: String!) {
  neighbourhood(slug: $slug) {
    name
    municipality { name cbsCode }
    rightToChallengeBids(first: 10) {
      edges {
        node {
          id
          task
          status
          mode
          taakveld
          currentAnnualCost { amount unit }
          proposedAnnualBudget { amount unit }
          expectedAnnualSavings { amount unit }
          assessments { criterion score reason }
          decision { outcome rationale decidedAt }
        }
      }
    }
    impactSummary { projectsCounted inputs presentValue ratio }
    trialBalance { balanced totals { unit debit { amount } credit { amount } } }
  }
}

mutation AssessCriterion($bidId: ID!) {
  assessBidCriterion(input: { bidId: $bidId, criterion: FEASIBILITY, score: 4, reason: "The collective has run the task for a season." }) {
    __typename
    ... on BidPayload { bid { status assessments { criterion score } } }
    ... on ProjectsError { code message }
  }
}`,
    variables: (s) => ({ slug: s.slug, bidId: s.bidId }),
    writes: { operationName: 'AssessCriterion', role: 'official', demoMember: 'Wijkregisseur Anouk' },
  },
  {
    group: 'A treasurer or steward',
    purpose: ['The books: accounts and balances, the newest entries, and a check of the hash chain.', 'Then book an entry (PostEntry) with a steward\'s token; a retry with the same idempotencyKey returns the same entry.'],
    document: `query Books($slug: String!) {
  neighbourhood(slug: $slug) {
    accounts { code name type unit balance { amount unit } }
    ledgerEntries(first: 5) {
      edges {
        node {
          sequence
          bookingDate
          description
          hash
          lines { side amount { amount unit } account { code } }
        }
      }
    }
    chainVerification { valid entriesChecked headSequence }
  }
}

mutation PostEntry($entry: PostEntryInput!) {
  postEntry(input: $entry) {
    __typename
    ... on PostEntrySuccess { replayed entry { sequence hash } }
    ... on LedgerError { code message field }
  }
}`,
    variables: (s) => ({
      slug: s.slug,
      entry: {
        neighbourhoodId: s.neighbourhoodId,
        idempotencyKey: randomUUID(),
        bookingDate: s.today,
        description: 'Contribution from residents for the street party',
        lines: [
          { accountId: s.debitAccountId, side: 'DEBIT', amount: '25.00', unit: 'EUR' },
          { accountId: s.creditAccountId, side: 'CREDIT', amount: '25.00', unit: 'EUR' },
        ],
      },
    }),
    writes: { operationName: 'PostEntry', role: 'steward', demoMember: 'Penningmeester Pieter' },
  },
];

/** A GraphiQL tab: the example's document under comments saying who it is for and how to sign in. */
export function exampleTab(example: Example, setting: ExampleSetting): { query: string; variables: string; headers: string } {
  const comments = [`# ${example.group}.`, ...example.purpose.map((line) => `# ${line}`)];
  if (example.writes) {
    comments.push(
      `# ${example.writes.operationName} needs a token: put "Bearer <token>" as Authorization under Headers below. Locally:`,
      `#   npm run token -- --member "${example.writes.demoMember}" --role ${example.writes.role} --neighbourhood ${setting.slug}`,
    );
  } else {
    comments.push('# Reading needs no token.');
  }
  return {
    query: `${comments.join('\n')}\n\n${example.document}\n`,
    variables: JSON.stringify(example.variables(setting), null, 2),
    headers: JSON.stringify({ Authorization: '' }, null, 2),
  };
}
