/**
 * A project as the gateway hands it to this subgraph: its id, plus the
 * ledger-owned spending that Project.sroi @requires.
 */
export interface ProjectWithFinances {
  id: string;
  finances?: { spent?: { minorUnits?: string | null } | null } | null;
}
