/**
 * A project as the gateway hands it to this subgraph: its id, plus the
 * ledger-owned spending that Project.sroi and Project.sroiAnalyses @require.
 */
export interface ProjectWithFinances {
  id: string;
  finances?: { spent?: { minorUnits?: string | null } | null } | null;
}

/**
 * A neighbourhood as the gateway hands it to this subgraph: its id, plus, for
 * Neighbourhood.impactSummary, its projects (projects subgraph) with their
 * spending (ledger subgraph).
 */
export interface NeighbourhoodWithProjects {
  id: string;
  projects?: { totalCount?: number | null; edges?: { node: ProjectWithFinances }[] | null } | null;
}

/** A Right to Challenge bid, known here only by its id (owned by the projects subgraph). */
export interface BidRef {
  id: string;
  /** Handed over for sroiForecast (@requires); null until the bid is honoured. */
  executingProject?: ProjectWithFinances | null;
}
