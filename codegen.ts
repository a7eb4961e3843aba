import type { CodegenConfig } from '@graphql-codegen/cli';

/** Mappers per subgraph: GraphQL type -> the TypeScript value its resolvers receive. */
const mappers: Record<string, Record<string, string>> = {
  community: {
    Neighbourhood: '../neighbourhoods/neighbourhood.entity#NeighbourhoodEntity',
    Member: '../members/member.entity#MemberEntity',
    Theme: '../themes/theme.entity#ThemeEntity',
    Wish: '../wishes/wish.entity#WishEntity',
    Poll: '../polls/poll.entity#PollEntity',
    PollAllocation: '../polls/poll.rules#AllocationView',
    PollThemeResult: '../polls/poll.rules#ThemePointsValue',
    ThemePoints: '../polls/poll.rules#ThemePointsValue',
    MyDataExport: '../privacy/privacy.rules#MyDataExportValue',
    WebhookSubscription: '../webhooks/webhook.commands#WebhookSubscriptionRow',
    WebhookDelivery: '../webhooks/webhook.commands#WebhookDeliveryRow',
    NeighbourhoodEventPage: '../feed/event-feed#EventPage',
  },
  projects: {
    Project: '../projects/project.entity#ProjectEntity',
    ProjectParticipant: '../projects/participant.entity#ParticipantEntity',
    Milestone: '../projects/milestone.entity#MilestoneEntity',
    ProjectEvent: '../projects/project-event.entity#ProjectEventEntity',
    LessonLearned: '../lessons/lesson.entity#LessonEntity',
    RightToChallengeBid: '../bids/bid.entity#BidEntity',
    BidAssessment: '../bids/bid.entity#BidAssessmentEntity',
    BidDecision: '../bids/bid.entity#BidEntity',
    BidEvent: '../bids/bid.entity#BidEventEntity',
    Neighbourhood: '../references#NeighbourhoodRef',
    Member: '../references#MemberRef',
    Wish: '../references#WishRef',
    Theme: '../references#ThemeRef',
    MyDataExport: '@dbwe/platform#MyDataExportRef',
    ProjectTheme: '../references#ThemeLink',
    WishAdoption: '../projects/project.entity#ProjectWishEntity',
    BidChallenger: '../bids/bid.entity#BidChallengerEntity',
  },
  ledger: {
    MyDataExport: '@dbwe/platform#MyDataExportRef',
    Account: '../accounts/account.entity#AccountEntity',
    LedgerEntry: '../entries/entry.entity#EntryEntity',
    LedgerLine: '../entries/line.entity#LineEntity',
    Counterparty: '../entries/line.entity#LineEntity',
    LedgerEntryConnection: '../entries/entry-query#EntryConnectionValue',
    Money: '../money/money#MoneyValue',
    Project: '../references#ProjectRef',
    ProjectFinances: '../projects/project-finances#ProjectFinancesValue',
    ProjectBudget: '../budgets/budget.entity#BudgetView',
    BudgetRevision: '../budgets/budget.entity#BudgetRevisionView',
    Neighbourhood: '../references#NeighbourhoodRef',
    Member: '../references#MemberRef',
    TransparencyLog: '../log/log.resolvers#TransparencyLogValue',
    LogLeaf: '../log/log-store#LogLeafRow',
    Checkpoint: '../log/checkpoints#CheckpointRow',
    CheckpointConnection: '../log/checkpoints#CheckpointConnectionValue',
    Cosignature: '../log/witnesses#CosignatureRow',
    Witness: '../log/witnesses#WitnessRow',
    InclusionProof: '../log/log-store#InclusionProofValue',
    ConsistencyProof: '../log/log-store#ConsistencyProofValue',
    LedgerSigningKey: '../log/checkpoints#SigningKeyRow',
    DerivedTotalDifference: '../entries/chain-verification#DerivedTotalDifferenceValue',
    NeighbourhoodBudget: '../neighbourhood-budgets/neighbourhood-budget#NeighbourhoodBudgetView',
    NeighbourhoodBudgetRevision: '../neighbourhood-budgets/neighbourhood-budget#NeighbourhoodBudgetRevisionView',
    NeighbourhoodBudgetLine: '../neighbourhood-budgets/neighbourhood-budget#BudgetLineView',
    BudgetVsActuals: '../annual-accounts/statements#BudgetVsActualsValue',
    AccountBudgetVsActual: '../annual-accounts/statements#AccountBudgetVsActualValue',
    TaakveldBudgetVsActual: '../annual-accounts/statements#TaakveldRowValue',
    AnnualAccounts: '../annual-accounts/annual-accounts#AnnualAccountsValue',
    ProjectVolunteerHours: '../annual-accounts/annual-accounts#ProjectHoursValue',
    AnnualProjectNote: '../annual-accounts/annual-accounts#AnnualProjectNoteValue',
  },
  impact: {
    SroiAnalysis: '../analyses/analysis.view#AnalysisView',
    Outcome: '../analyses/outcome.entity#OutcomeEntity',
    Stakeholder: '../analyses/stakeholder.entity#StakeholderEntity',
    InKindInput: '../analyses/in-kind-input.entity#InKindInputEntity',
    Measurement: '../analyses/measurement.entity#MeasurementEntity',
    SroiResult: '../analyses/sroi-result#SroiResultValue',
    MyDataExport: '@dbwe/platform#MyDataExportRef',
    Project: '../references#ProjectWithFinances',
    Neighbourhood: '../references#NeighbourhoodWithProjects',
    RightToChallengeBid: '../references#BidRef',
    ImpactSummary: '../summary/impact-summary#ImpactSummaryValue',
  },
};

const scalars = {
  DateTime: { input: 'string', output: 'Date | string' },
  Date: { input: 'string', output: 'string' },
  Int64: { input: 'string', output: 'bigint | string' },
  Decimal: { input: 'string', output: 'string' },
};

/** The freshness test generates into a temporary folder and compares. */
const outDir = process.env.CODEGEN_OUT_DIR ?? '.';

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    Object.entries(mappers).map(([name, typeMappers]) => [
      `${outDir}/subgraphs/${name}/src/generated/graphql.ts`,
      {
        schema: `subgraphs/${name}/schema.graphql`,
        plugins: [{ add: { content: '/* Generated by graphql-codegen from schema.graphql: do not edit. Run npm run codegen. */' } }, 'typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useIndexSignature: true,
          contextType: '../context#Context',
          mappers: typeMappers,
          scalars,
          enumsAsTypes: true,
          avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
          maybeValue: 'T | null',
          inputMaybeValue: 'T | null | undefined',
          useTypeImports: true,
        },
      },
    ]),
  ),
};

export default config;
