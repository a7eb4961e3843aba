import { badInput } from '@dbwe/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id in the graph is a UUID; anything else cannot name a row. */
export const isUuid = (value: string) => UUID.test(value);

/** A neighbourhood id from a mutation's input, lower-cased as the books store it. */
export function neighbourhoodIdOf(value: string): string {
  if (!isUuid(value)) throw badInput('neighbourhoodId is not an id this API handed out.', 'neighbourhoodId');
  return value.toLowerCase();
}
