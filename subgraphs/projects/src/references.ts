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

/** A project's link to one of its themes: the id it stores. */
export interface ThemeLink {
  themeId: string;
}
