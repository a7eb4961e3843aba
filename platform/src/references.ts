import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { serviceUnavailable } from './errors';
import { GraphUnavailable, type GraphClient } from './graph-client';

/**
 * References that hold (DOMAIN.md, "Neighbourhoods are tenants"): a subgraph
 * that stores another subgraph's id checks, when it writes it, that the
 * entity exists, belongs to the neighbourhood of the write and is not erased.
 * It asks the public graph, as any client could, never the other subgraph's
 * tables. Each subgraph puts its checks behind a small interface of its own
 * (`references.member(id)`, …) built from the parts here, so that a replica
 * fed by domain events can later answer instead without touching the callers.
 */

/** How one kind of entity is read by id from the public graph. */
export interface ReferenceKind<T> {
  /** A root Query field that takes `id: ID` and answers null for an id it does not know, e.g. `member`. */
  field: string;
  /** What to select of it, e.g. `id erased domain neighbourhood { id }`. */
  selection: string;
  /** The facts the caller needs, from the (non-null) answer. */
  read(answer: Record<string, unknown>): T;
}

/** A member as every subgraph sees it in the public graph: where they belong, their domain, whether they were erased. */
export interface MemberFacts {
  id: string;
  neighbourhoodId: string;
  /** One of the four domains (CITIZEN, GOVERNMENT, ENTREPRENEUR, EDUCATION_SCIENCE). */
  domain: string;
  erased: boolean;
}

export const memberReference: ReferenceKind<MemberFacts> = {
  field: 'member',
  selection: 'id erased domain neighbourhood { id }',
  read: (answer) => {
    const member = answer as { id: string; erased: boolean; domain: string; neighbourhood: { id: string } };
    return { id: member.id, neighbourhoodId: member.neighbourhood.id, domain: member.domain, erased: member.erased };
  },
};

/** A project as the public graph shows it to those who refer to it: the neighbourhood it belongs to. */
export interface ProjectFacts {
  id: string;
  neighbourhoodId: string;
}

export const projectReference: ReferenceKind<ProjectFacts> = {
  field: 'project',
  selection: 'id neighbourhood { id }',
  read: (answer) => {
    const project = answer as { id: string; neighbourhood: { id: string } | null };
    if (!project.neighbourhood) throw new Error(`the graph shows project ${project.id} without a neighbourhood`);
    return { id: project.id, neighbourhoodId: project.neighbourhood.id };
  },
};

/** Why a referenced entity may not be used by a write in a neighbourhood. */
export type ReferenceProblem = 'UNKNOWN' | 'IN_OTHER_NEIGHBOURHOOD' | 'ERASED';

/** The tenancy rule: the entity exists, is the write's neighbourhood's, and (for members) is not erased. */
export function referenceProblem(facts: { neighbourhoodId: string; erased?: boolean } | null, neighbourhoodId: string): ReferenceProblem | null {
  if (!facts) return 'UNKNOWN';
  if (facts.neighbourhoodId.toLowerCase() !== neighbourhoodId.toLowerCase()) return 'IN_OTHER_NEIGHBOURHOOD';
  if (facts.erased) return 'ERASED';
  return null;
}

/** The gateway refuses queries with more than 20 aliases (gateway/src/armor.ts); one batch stays below that. */
const LOOKUPS_PER_QUERY = 16;

interface Lookup {
  kind: ReferenceKind<unknown>;
  id: string;
}

/**
 * Looks entities up by id through the public graph. Lookups made in the same
 * tick, by one write or by several at once, go out as one query with an alias
 * per id, so a posting with five counterparties costs one round trip. A graph
 * that cannot be read fails every lookup of the batch (GraphUnavailable): the
 * caller refuses its write.
 */
export class GraphLookup {
  private readonly loader: DataLoader<Lookup, unknown>;

  constructor(private readonly graph: GraphClient) {
    this.loader = new DataLoader<Lookup, unknown>((lookups) => this.fetch(lookups), { cache: false, maxBatchSize: LOOKUPS_PER_QUERY });
  }

  load<T>(kind: ReferenceKind<T>, id: string): Promise<T | null> {
    return this.loader.load({ kind, id }) as Promise<T | null>;
  }

  private async fetch(lookups: readonly Lookup[]): Promise<unknown[]> {
    const variables: Record<string, string> = {};
    const fields = lookups.map(({ kind, id }, i) => {
      variables[`r${i}`] = id;
      return `r${i}: ${kind.field}(id: $r${i}) { ${kind.selection} }`;
    });
    const declarations = lookups.map((_, i) => `$r${i}: ID!`).join(', ');
    const data = await this.graph.query<Record<string, Record<string, unknown> | null>>(`query References(${declarations}) { ${fields.join(' ')} }`, variables);
    return lookups.map(({ kind }, i) => {
      const answer = data[`r${i}`];
      return answer == null ? null : kind.read(answer);
    });
  }
}

/**
 * Facts about other subgraphs' entities kept in memory where a write path is
 * hot (the ledger's postings): each fact for as long as `ttlMs` says (Infinity
 * for facts that never change, such as the neighbourhood a project belongs
 * to), the least recently used dropped beyond `maxEntries`. Unknown ids are
 * never kept, so a member who registers a moment later is found at once.
 * Concurrent loads of one key share one lookup.
 */
export class FactCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly pending = new Map<string, Promise<V | null>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<V | null>, ttlMs: (value: V) => number): Promise<V | null> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > this.now()) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    const running = this.pending.get(key);
    if (running) return running;
    const loading = load().then(
      (value) => {
        this.pending.delete(key);
        if (value !== null) this.remember(key, value, ttlMs(value));
        return value;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, loading);
    return loading;
  }

  private remember(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * The thrown error for a write whose references could not be checked: the
 * graph did not answer. Nothing is written; the client may try again.
 */
export function referencesUnavailable(what: string, cause: GraphUnavailable): GraphQLError {
  return serviceUnavailable(`${what} could not be checked in the graph (${cause.message}); nothing was written. Try again.`);
}

/** Runs the lookups of a write, turning a graph that cannot be read into the thrown refusal above. */
export async function checkingReferences<T>(what: string, lookups: () => Promise<T>): Promise<T> {
  try {
    return await lookups();
  } catch (error) {
    if (error instanceof GraphUnavailable) throw referencesUnavailable(what, error);
    throw error;
  }
}
