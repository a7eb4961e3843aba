/** Entities the community subgraph owns; projects knows them only by id. */
export interface NeighbourhoodRef {
  id: string;
}

export interface MemberRef {
  id: string;
}

export interface WishRef {
  id: string;
}

export interface ThemeRef {
  id: string;
}
