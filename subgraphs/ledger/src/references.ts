/** Entities other subgraphs own; the ledger knows them only by id. */
export interface ProjectRef {
  id: string;
}

export interface NeighbourhoodRef {
  id: string;
}

export interface MemberRef {
  id: string;
}
