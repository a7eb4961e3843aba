/** A project's expenses per booking date, as the ledger gives them (ProjectFinances.expensesByBookingDate): three lists of one length. */
export interface ExpenseColumnsRef {
  bookingDates: string[];
  spentMinorUnits: string[];
  volunteerHoursMinorUnits: string[];
}

/**
 * A project as the gateway hands it to this subgraph: its id, plus the
 * ledger-owned expenses per booking date that Project.sroi and
 * Project.sroiAnalyses @require (the ledger's own answer at publication has
 * the same shape).
 */
export interface ProjectWithFinances {
  id: string;
  finances?: { expensesByBookingDate?: ExpenseColumnsRef | null } | null;
}

/**
 * A neighbourhood as the gateway hands it to this subgraph: its id, plus, for
 * Neighbourhood.impactSummary, its projects (projects subgraph) with their
 * expenses (ledger subgraph).
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
