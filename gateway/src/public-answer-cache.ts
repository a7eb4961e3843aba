import type { ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

/** Whether the root selection calls the field, directly or through fragments. */
function callsRootField(selectionSet: SelectionSetNode, document: DocumentNode, field: string, seen = new Set<string>()): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === field;
    if (selection.kind === Kind.INLINE_FRAGMENT) return callsRootField(selection.selectionSet, document, field, seen);
    if (seen.has(selection.name.value)) return false;
    seen.add(selection.name.value);
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && callsRootField(fragment.selectionSet, document, field, seen);
  });
}

/**
 * The store behind the response cache, which drops every answer it holds
 * when a member is erased. An erased member's pseudonym may sit in any
 * anonymous answer (a member list, a wish's author, a project's timeline) and
 * nothing cheaper tells which, while erasures are rare: dropping all of them
 * costs one round of uncached reads.
 *
 * A read that began before the erasure may finish after the drop with the old
 * pseudonym in its answer; such an answer is not kept (`mayKeep`).
 */
export class PublicAnswerCache {
  readonly store: InMemoryLRUCache;
  private generation = 0;

  constructor(maxBytes: number) {
    this.store = new InMemoryLRUCache({ maxSize: maxBytes });
  }

  /** Taken when a request starts; an answer is kept only if nothing was dropped since. */
  get currentGeneration(): number {
    return this.generation;
  }

  mayKeep(generationAtStart: number): boolean {
    return generationAtStart === this.generation;
  }

  dropAll(): void {
    this.generation++;
    this.store.clear();
  }

  /**
   * Drops everything after any operation that calls `eraseMe`, whatever its
   * outcome: a timed-out erasure may still have committed, and a needless drop
   * only costs uncached reads.
   */
  plugin<TContext extends object>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ operation, document }) => {
          if (operation?.operation === 'mutation' && document && callsRootField(operation.selectionSet, document, 'eraseMe')) this.dropAll();
        },
      }),
    };
  }
}
