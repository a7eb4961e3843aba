/**
 * The tables of a neighbourhood export. Each is a GraphQL query against the
 * public graph, paged through a connection (or one list), so an export holds
 * exactly what the graph shows, under the same access rules. Columns are the
 * leaf fields the query selects under `node`; their descriptions and types
 * come from the schema.
 */
export interface ExportTable {
  name: string;
  title: string;
  description: string;
  /** Variables: $neighbourhood: ID!; paged tables $first: Int!, $after: String; incremental ones $since: DateTime or $afterSequence: Int. */
  query: string;
  /** Path from `data` to the connection (paged) or to the list (unpaged). */
  connection: string[];
  /** Unpaged: the path is a plain list, each element a node. */
  list?: boolean;
  /** Lists inside a node to expand into one row each, outermost first (dotted paths). */
  explode?: string[];
  /** How a nightly refresh asks for only what is new. */
  incremental?: { parameter: 'afterSequence' | 'since' };
  /** Columns that identify a row. */
  primaryKey: string[];
}

const money = (field: string) => `${field} { amount unit }`;

export const EXPORT_TABLES: ExportTable[] = [
  {
    name: 'members',
    title: 'Members',
    description: 'Members of the neighbourhood: public fields only (pseudonym, domain, join date).',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { members(first: $first, after: $after, updatedSince: $since) {
      edges { node { id displayName kind domain joinedAt erased updatedAt } } pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'members'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
  },
  {
    name: 'wishes',
    title: 'Wishes',
    description: 'Shared challenges and wishes, with their public support.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { wishes(first: $first, after: $after, filter: { updatedSince: $since }) {
      edges { node { id title description status supportCount createdAt updatedAt author { authorId: id } } } pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'wishes'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
  },
  {
    name: 'poll_results',
    title: 'Poll results',
    description: 'Aggregated points per theme of every priority poll (never who gave what).',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { polls(first: $first, after: $after, updatedSince: $since) {
      edges { node { pollId: id title status pointsBudget participantCount updatedAt results { theme { themeId: id themeName: name } points } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'polls'],
    explode: ['results'],
    incremental: { parameter: 'since' },
    primaryKey: ['pollId', 'theme_themeId'],
  },
  {
    name: 'projects',
    title: 'Projects',
    description: 'Projects with their finances from the books and their current SROI ratio.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after, updatedSince: $since) {
      edges { node { id title status plannedStart plannedEnd createdAt updatedAt coordinator { coordinatorId: id }
        finances { ${money('spent')} ${money('received')} ${money('balance')} }
        sroi { presentValue inputs ratio } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
  },
  {
    name: 'project_timeline',
    title: 'Project timelines',
    description: 'Every status change and milestone of every project: who, when and why.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after) {
      edges { node { projectId: id timeline { eventId: id kind fromStatus toStatus at reason actor { actorId: id } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['timeline'],
    primaryKey: ['eventId'],
  },
  {
    name: 'bids',
    title: 'Right to Challenge bids',
    description: 'Right to Challenge bids: the task, the budgets and where each bid stands.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { rightToChallengeBids(first: $first, after: $after, updatedSince: $since) {
      edges { node { id task mode status budgetLine taakveld collectiveName supporterCount submittedAt createdAt updatedAt
        ${money('currentAnnualCost')} ${money('proposedAnnualBudget')} ${money('expectedAnnualSavings')}
        executingProject { executingProjectId: id } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'rightToChallengeBids'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
  },
  {
    name: 'bid_events',
    title: 'Right to Challenge bid events',
    description: 'Every transition and assessment of every bid, with actor, time and rationale.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { neighbourhood(id: $neighbourhood) { rightToChallengeBids(first: $first, after: $after) {
      edges { node { bidId: id timeline { eventId: id action fromStatus toStatus criterion at rationale actor { actorId: id } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'rightToChallengeBids'],
    explode: ['timeline'],
    primaryKey: ['eventId'],
  },
  {
    name: 'accounts',
    title: 'Accounts',
    description: "The neighbourhood's chart of accounts with current balances.",
    query: `query ($neighbourhood: ID!, $since: DateTime) { neighbourhood(id: $neighbourhood) { accounts(updatedSince: $since) {
      id code name type unit taakveld noOverdraft createdAt updatedAt project { projectId: id } balance { amount minorUnits unit } } } }`,
    connection: ['neighbourhood', 'accounts'],
    list: true,
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
  },
  {
    name: 'ledger_entries',
    title: 'Ledger entries',
    description: "The neighbourhood's booked entries in chain order, with their hashes.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $afterSequence: Int) { neighbourhood(id: $neighbourhood) {
      ledgerEntries(first: $first, after: $after, afterSequence: $afterSequence) {
      edges { node { id sequence bookingDate recordedAt description evidenceUrl previousHash hash
        project { projectId: id } member { memberId: id } recordedBy { recordedById: id } reverses { reversesId: id } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'ledgerEntries'],
    incremental: { parameter: 'afterSequence' },
    primaryKey: ['id'],
  },
  {
    name: 'ledger_lines',
    title: 'Ledger lines',
    description: 'The lines of every entry: account and signed amount (debit positive, credit negative).',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $afterSequence: Int) { neighbourhood(id: $neighbourhood) {
      ledgerEntries(first: $first, after: $after, afterSequence: $afterSequence) {
      edges { node { entryId: id sequence lines { position side account { accountId: id accountCode: code } amount { amount minorUnits unit } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'ledgerEntries'],
    explode: ['lines'],
    incremental: { parameter: 'afterSequence' },
    primaryKey: ['entryId', 'position'],
  },
  {
    name: 'budgets_vs_actuals',
    title: 'Budgets against actuals',
    description: "Each project's budget per period against what the books show was spent.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after) {
      edges { node { projectId: id finances { budgetAgainstActuals { budget { budgetId: id periodStart periodEnd }
        ${money('budgeted')} ${money('actual')} ${money('remaining')} overBudget } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['finances.budgetAgainstActuals'],
    primaryKey: ['budget_budgetId'],
  },
  {
    name: 'sroi_analyses',
    title: 'SROI analyses',
    description:
      'Published SROI analyses of the projects, with their results: live (result_…, from the books as they are at the export) and as published (publishedSnapshot_…, kept from publication; empty for analyses published before snapshots were kept). …Exact columns give the exact figures, the others are rounded for display.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after) {
      edges { node { projectId: id sroiAnalyses(updatedSince: $since) { analysisId: id title kind status periodStart periodEnd discountRate discountFirstYear publishedAt updatedAt
        result { presentValue inputs netPresentValue ratio netRatio paybackMonths
          presentValueExact inputsExact netPresentValueExact ratioExact netRatioExact paybackMonthsExact
          inputsUsed { basis monetaryExact spendingOutsidePeriodExact inKindExact } }
        publishedSnapshot { asOf presentValueExact inputsExact netPresentValueExact ratioExact netRatioExact paybackMonthsExact
          inputsUsed { basis monetaryExact spendingOutsidePeriodExact inKindExact } } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['sroiAnalyses'],
    incremental: { parameter: 'since' },
    primaryKey: ['analysisId'],
  },
  {
    name: 'sroi_outcomes',
    title: 'SROI outcomes',
    description: 'The outcomes of every published SROI analysis: the impact map, every number exactly as accepted.',
    // A published analysis never changes, so its outcomes change only with it: "since" filters by the analysis.
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after) {
      edges { node { sroiAnalyses(updatedSince: $since) { analysisId: id outcomes { outcomeId: id stakeholder description indicator quantity durationYears negative updatedAt
        financialProxy { value source } dropOff { value } deadweight { value } displacement { value } attribution { value } } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['sroiAnalyses', 'outcomes'],
    incremental: { parameter: 'since' },
    primaryKey: ['outcomeId'],
  },
];
