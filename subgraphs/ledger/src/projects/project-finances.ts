/** A project's figures as derived from the books. */
export interface ProjectFinancesValue {
  projectId: string;
  spentMinor: bigint;
}
