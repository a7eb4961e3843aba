import type { GraphQLFieldResolver } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { setting } from './config';
import { ErrorCode, graphQLError, serviceUnavailable } from './errors';
import { GraphClient, GraphUnavailable, type OwnService } from './graph-client';
import type { Viewer } from './identity';

/**
 * Erasure (AVG/GDPR) is recorded by the community subgraph, but an erased
 * member's tokens still verify: every subgraph has to refuse their writes
 * itself. This is the one place that does it, for every mutation of every
 * subgraph, before the mutation's own resolver runs.
 */

/** Where a subgraph learns whether a member was erased. */
export interface ErasedMemberSource {
  /** True when the member was erased; a member the source does not know (never registered) is not. */
  isErased(memberId: string, requestId: string): Promise<boolean>;
}

/** What a subgraph module says about erased members (SubgraphModule.erasure). */
export interface ErasurePolicy {
  /**
   * The subgraph that records erasure reads its own tables; every other one
   * asks the public graph (the default).
   */
  localSource?: (db: DataSource) => ErasedMemberSource;
  /** Mutations an erased member may still call (exporting or erasing again, which hold nothing to refuse). */
  writableAfterErasure?: readonly string[];
}

export const erasureSettings = {
  /** Where the public graph (the gateway) is: the member's standing is read there. */
  GRAPH_URL: setting.url('http://127.0.0.1:4000/'),
  /**
   * `graph`: refuse writes by erased members, asking the graph. `off`: no
   * check, for a subgraph run alone without a graph (the ledger's reliability
   * tests); never in a deployment.
   */
  ERASED_MEMBER_CHECK: setting.oneOf(['graph', 'off'] as const, 'graph'),
};

const STANDING_QUERY = `query MemberStanding($id: ID!) { member(id: $id) { id erased } }`;

/**
 * Reads `member(id) { erased }` through the gateway, as our own service: the
 * gateway answers such reads fresh (never from its response cache) and does
 * not count them against the anonymous rate limit (gateway.ts).
 */
export function graphErasedMemberSource(graph: GraphClient): ErasedMemberSource {
  return {
    async isErased(memberId, requestId) {
      const answer = await graph.query<{ member: { erased: boolean } | null }>(STANDING_QUERY, { id: memberId }, requestId);
      return answer.member?.erased === true;
    },
  };
}

export const memberErased = (action = 'do this') =>
  graphQLError(ErrorCode.FORBIDDEN, `This member was erased (AVG/GDPR) and can no longer ${action}; their token still verifies, but nothing is written for it.`, {
    reason: 'MEMBER_ERASED',
  });

/**
 * Whether a viewer may still write. Erasure is irreversible, so a member once
 * found erased is remembered for as long as the process runs and never asked
 * about again; everyone else is asked about on every write, so an erasure
 * takes effect with the next write in every subgraph. Writes of one member
 * that arrive while a question about them is open share its answer rather
 * than each ask again (16 writers of one steward ask once): the answer may be
 * from a few milliseconds before the write arrived, which is no weaker than
 * an erasure committed just after any check.
 */
export class MemberStanding {
  private readonly erased = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly source: ErasedMemberSource,
    private readonly logger: Logger,
  ) {}

  async requireActive(viewer: Viewer, requestId: string, action?: string): Promise<void> {
    const memberId = viewer.memberId;
    if (memberId === null) return;
    if (this.erased.has(memberId)) throw memberErased(action);
    let erased: boolean;
    try {
      erased = await this.ask(memberId, requestId);
    } catch (error) {
      if (!(error instanceof GraphUnavailable)) throw error;
      this.logger.warn({ err: error, requestId }, 'member standing could not be read; write refused');
      // Refused rather than let a possibly erased member act (GraphClient: never act on half an answer).
      throw serviceUnavailable('Whether you may still write (your membership was not erased) could not be checked just now; nothing was written. Try again.', {
        serviceName: 'community',
      });
    }
    if (erased) {
      this.erased.add(memberId);
      throw memberErased(action);
    }
  }

  private ask(memberId: string, requestId: string): Promise<boolean> {
    const open = this.asking.get(memberId);
    if (open) return open;
    const question = this.source.isErased(memberId, requestId).finally(() => this.asking.delete(memberId));
    this.asking.set(memberId, question);
    return question;
  }
}

type Resolver = GraphQLFieldResolver<unknown, { viewer: Viewer; requestId: string }>;

/**
 * The Mutation resolvers with the standing check in front of each one but
 * those the policy lets an erased member call. A mutation added later is
 * guarded without anyone remembering to.
 */
export function guardMutations<T extends Record<string, unknown>>(mutations: T, standing: MemberStanding, policy: ErasurePolicy = {}): T {
  const allowed = new Set(policy.writableAfterErasure ?? []);
  const guarded: Record<string, unknown> = {};
  for (const [field, resolver] of Object.entries(mutations)) {
    if (allowed.has(field) || typeof resolver !== 'function') {
      guarded[field] = resolver;
      continue;
    }
    const resolve = resolver as Resolver;
    guarded[field] = async (parent: unknown, args: Record<string, unknown>, context: { viewer: Viewer; requestId: string }, info: Parameters<Resolver>[3]) => {
      await standing.requireActive(context.viewer, context.requestId, `use ${field}`);
      return resolve(parent, args, context, info);
    };
  }
  return guarded as T;
}

/**
 * The standing check a subgraph runs with, from its settings: its own
 * tables for the subgraph that records erasure, else the public graph; none
 * when the check is off.
 */
export function createMemberStanding(
  policy: ErasurePolicy | undefined,
  db: DataSource,
  settings: { GRAPH_URL: string; ERASED_MEMBER_CHECK: 'graph' | 'off' },
  ownService: OwnService | undefined,
  logger: Logger,
): MemberStanding | null {
  if (policy?.localSource) return new MemberStanding(policy.localSource(db), logger);
  if (settings.ERASED_MEMBER_CHECK === 'off') return null;
  return new MemberStanding(graphErasedMemberSource(new GraphClient(settings.GRAPH_URL, 10_000, ownService)), logger);
}
