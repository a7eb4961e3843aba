/**
 * The tables of a neighbourhood export. Each is a GraphQL query against the
 * public graph, paged through a connection (or a list), so an export holds
 * exactly what the graph shows, under the same access rules. Columns are the
 * leaf fields the query selects under `node` (or under the list); their
 * descriptions and types come from the schema.
 */
export interface ExportTable {
  name: string;
  title: string;
  description: string;
  /**
   * Variables: $neighbourhood: ID!; connection tables $first: Int!, $after: String; index-paged ones
   * $fromIndex: Int!, $first: Int!; incremental ones $since: DateTime or $afterSequence: Int.
   */
  query: string;
  /** Path from `data` to the connection, or to the list. */
  connection: string[];
  /**
   * How the rows are read: a Relay connection page by page (the default); one plain list of nodes
   * (`list`); or a plain list of gapless positions read page by page (`index`: `$fromIndex`, then
   * `$fromIndex` plus the rows read, until a page comes back short).
   */
  paging?: 'connection' | 'list' | 'index';
  /**
   * A table of the books' transparency log: the export first has the ledger sign a fresh checkpoint and
   * writes only the nodes whose `leafIndex` (which the query must select on the node) is below its tree
   * size, so the file holds exactly the tree the checkpoint signs. Such a table is streamed, never held whole.
   */
  checkpointed?: boolean;
  /** Lists inside a node to expand into one row each, outermost first (dotted paths). */
  explode?: string[];
  /** How a nightly refresh asks for only what is new. */
  incremental?: { parameter: 'afterSequence' | 'since' };
  /** Columns that identify a row. */
  primaryKey: string[];
  /**
   * Foreign keys, column → `table.column`, declared in the data package. Only references the tenancy rules
   * guarantee: everything a write touches belongs to its neighbourhood, so each id resolves within the same
   * neighbourhood's export (cut at the same checkpoint, for the ledger tables). Who did something (actor,
   * recordedBy) is not among them: an admin of every neighbourhood is a member of only one.
   */
  references?: Record<string, string>;
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
    description: 'Shared challenges and wishes, with their public support (published from the minimum group size on).',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { wishes(first: $first, after: $after, filter: { updatedSince: $since }) {
      edges { node { id title description status supportCount supporters createdAt updatedAt author { authorId: id } } } pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'wishes'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
    references: { author_authorId: 'members.id' },
  },
  {
    name: 'poll_results',
    title: 'Poll results',
    description: 'Aggregated points per theme of every closed priority poll with enough participants (never who gave what); a poll whose totals are not published has no rows.',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $since: DateTime) { neighbourhood(id: $neighbourhood) { polls(first: $first, after: $after, updatedSince: $since) {
      edges { node { pollId: id title status pointsBudget participantCount resultsPublished updatedAt results { theme { themeId: id themeName: name } points } } }
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
        sroi { presentValue inputs ratio presentValueExact inputsExact ratioExact unit } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
    references: { coordinator_coordinatorId: 'members.id' },
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
    references: { projectId: 'projects.id' },
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
    references: { executingProject_executingProjectId: 'projects.id' },
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
    references: { bidId: 'bids.id' },
  },
  {
    name: 'accounts',
    title: 'Accounts',
    description:
      "The neighbourhood's chart of accounts with current balances, each account in its current version (its leaf in log_leaves holds the same fields).",
    query: `query ($neighbourhood: ID!, $since: DateTime) { neighbourhood(id: $neighbourhood) { accounts(updatedSince: $since) {
      id code name type unit taakveld noOverdraft createdAt updatedAt project { projectId: id } balance { amount minorUnits unit }
      neighbourhood { neighbourhoodId: id } version leafIndex versionRecordedAt versionRecordedBy { versionRecordedById: id } } } }`,
    connection: ['neighbourhood', 'accounts'],
    paging: 'list',
    incremental: { parameter: 'since' },
    primaryKey: ['id'],
    references: { project_projectId: 'projects.id' },
  },
  {
    name: 'ledger_entries',
    title: 'Ledger entries',
    description:
      "The neighbourhood's booked entries in chain order, with their hashes and leaf indexes: those in the tree of the checkpoint named by the Ledger-Checkpoint-Size header.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $afterSequence: Int) { neighbourhood(id: $neighbourhood) {
      ledgerEntries(first: $first, after: $after, afterSequence: $afterSequence) {
      edges { node { id sequence bookingDate recordedAt description evidenceUrl previousHash hash closesYear openingBalances
        project { projectId: id } member { memberId: id } recordedBy { recordedById: id } reverses { reversesId: id }
        neighbourhood { neighbourhoodId: id } leafIndex } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'ledgerEntries'],
    incremental: { parameter: 'afterSequence' },
    checkpointed: true,
    primaryKey: ['id'],
    references: { project_projectId: 'projects.id', member_memberId: 'members.id', reverses_reversesId: 'ledger_entries.id' },
  },
  {
    name: 'ledger_lines',
    title: 'Ledger lines',
    description:
      "The lines of every entry in the export's checkpoint: account, signed amount (debit positive, credit negative) and counterparty, with the entry's leaf index.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String, $afterSequence: Int) { neighbourhood(id: $neighbourhood) {
      ledgerEntries(first: $first, after: $after, afterSequence: $afterSequence) {
      edges { node { entryId: id sequence lines { position side account { accountId: id accountCode: code } amount { amount minorUnits unit }
        counterparty { member { id } domain name } } leafIndex } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'ledgerEntries'],
    explode: ['lines'],
    incremental: { parameter: 'afterSequence' },
    checkpointed: true,
    primaryKey: ['entryId', 'position'],
    references: { entryId: 'ledger_entries.id', account_accountId: 'accounts.id', counterparty_member_id: 'members.id' },
  },
  {
    name: 'log_leaves',
    title: 'Transparency log leaves',
    description:
      "Every leaf of the books' transparency log, in index order, up to the tree size of the checkpoint named by the Ledger-Checkpoint-Size header: entries, account versions and budget revisions, each with its data exactly as hashed.",
    query: `query ($neighbourhood: ID!, $fromIndex: Int!, $first: Int!) { neighbourhood(id: $neighbourhood) { transparencyLog {
      leaves(fromIndex: $fromIndex, first: $first) { leafIndex: index kind data leafHash: hash } } } }`,
    connection: ['neighbourhood', 'transparencyLog', 'leaves'],
    paging: 'index',
    checkpointed: true,
    primaryKey: ['leafIndex'],
  },
  {
    name: 'budget_revisions',
    title: 'Budget revisions',
    description: "Every revision of every project budget, oldest first per budget, with the revision's leaf index in the books' transparency log.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { neighbourhood(id: $neighbourhood) { projects(first: $first, after: $after) {
      edges { node { projectId: id finances { budgets { budgetId: id unit periodStart periodEnd
        revisions { revision amount { amount minorUnits } reason recordedAt recordedBy { recordedById: id } leafIndex } } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['finances.budgets', 'revisions'],
    primaryKey: ['budgetId', 'revision'],
    references: { projectId: 'projects.id' },
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
    references: { projectId: 'projects.id', budget_budgetId: 'budget_revisions.budgetId' },
  },
  {
    name: 'neighbourhood_budget_lines',
    title: 'Neighbourhood budget lines',
    description:
      "Every line of every revision of the neighbourhood's budget per calendar year (the begroting), per account or per Iv3 taakveld, oldest revision first; the current budget of a year is its highest revision. Each revision is a leaf of the books' transparency log (leafIndex).",
    query: `query ($neighbourhood: ID!) { neighbourhood(id: $neighbourhood) { budgets { budgetId: id year
      revisions { revision reason recordedAt recordedBy { recordedById: id } leafIndex
        lines { position account { accountId: id accountCode: code } taakveld type amount { amount minorUnits unit } } } } } }`,
    connection: ['neighbourhood', 'budgets'],
    paging: 'list',
    explode: ['revisions', 'lines'],
    primaryKey: ['budgetId', 'revision', 'position'],
    references: { account_accountId: 'accounts.id' },
  },
  {
    name: 'neighbourhood_budget_vs_actuals',
    title: 'Neighbourhood budget against actuals per taakveld',
    description:
      "For every year with a neighbourhood budget: the current budget against the lines booked in the year, per Iv3 taakveld, type (INCOME = baten, EXPENSE = lasten) and unit, with the neighbourhood's and municipality's CBS codes to join to the municipality's own Iv3 figures. Accounts mapped to no taakveld are not in it (the graph's BudgetVsActuals.unmapped has them).",
    query: `query ($neighbourhood: ID!) { neighbourhood(id: $neighbourhood) { budgets { budgetId: id
      vsActuals { budgetRevision byTaakveld { year taakveld type unit
        neighbourhood { neighbourhoodId: id cbsWijkCode municipality { cbsCode } }
        budget { amount minorUnits } actual { amount minorUnits } difference { amount minorUnits } } } } } }`,
    connection: ['neighbourhood', 'budgets'],
    paging: 'list',
    explode: ['vsActuals.byTaakveld'],
    primaryKey: ['year', 'taakveld', 'type', 'unit'],
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
          inputsUsed { basis monetaryExact spendingOutsidePeriodExact inKindExact } }
        # Columns added later come last, so a client that reads the CSV by position keeps reading the same ones.
        result { unit } publishedSnapshot { unit } } } }
      pageInfo { hasNextPage endCursor } } } }`,
    connection: ['neighbourhood', 'projects'],
    explode: ['sroiAnalyses'],
    incremental: { parameter: 'since' },
    primaryKey: ['analysisId'],
    references: { projectId: 'projects.id' },
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
    references: { analysisId: 'sroi_analyses.analysisId' },
  },
  {
    name: 'lessons',
    title: 'Lessons learned',
    description: "What the neighbourhood's projects learned: what worked, what did not and for whom, newest first.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { lessonsLearned(neighbourhoodId: $neighbourhood, first: $first, after: $after) {
      edges { node { id title whatWorked whatDidNotWork forWhom recordedAt updatedAt project { projectId: id } recordedBy { recordedById: id } } }
      pageInfo { hasNextPage endCursor } } }`,
    connection: ['lessonsLearned'],
    primaryKey: ['id'],
    references: { project_projectId: 'projects.id' },
  },
  {
    name: 'lesson_themes',
    title: 'Lesson themes',
    description: "The themes each lesson is about; the slug (e.g. groen) is shared across neighbourhoods, so it joins one neighbourhood's lessons to another's.",
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { lessonsLearned(neighbourhoodId: $neighbourhood, first: $first, after: $after) {
      edges { node { lessonId: id themes { themeId slug theme { themeName: name } } } }
      pageInfo { hasNextPage endCursor } } }`,
    connection: ['lessonsLearned'],
    explode: ['themes'],
    primaryKey: ['lessonId', 'themeId'],
    references: { lessonId: 'lessons.id' },
  },
  {
    name: 'lesson_media',
    title: 'Lesson media',
    description: 'Links from each lesson to films, recordings, documents, images and web pages about it (https only).',
    query: `query ($neighbourhood: ID!, $first: Int!, $after: String) { lessonsLearned(neighbourhoodId: $neighbourhood, first: $first, after: $after) {
      edges { node { lessonId: id media { position kind title url } } }
      pageInfo { hasNextPage endCursor } } }`,
    connection: ['lessonsLearned'],
    explode: ['media'],
    primaryKey: ['lessonId', 'position'],
    references: { lessonId: 'lessons.id' },
  },
];
