import { badInput, isUuid } from '@dbwe/platform';

/** A neighbourhood id from a mutation's input, lower-cased as the books store it. */
export function neighbourhoodIdOf(value: string): string {
  if (!isUuid(value)) throw badInput('neighbourhoodId is not an id this API handed out.', 'neighbourhoodId');
  return value.toLowerCase();
}
