import { isPairKey, isUuid } from '@dbwe/platform';

/** A keyset cursor of [ISO instant, uuid]: what every community list sorts by. Anything else is refused before SQL sees it. */
export const isInstantIdKey = (value: unknown): value is [string, string] =>
  isPairKey(value) && !Number.isNaN(Date.parse(value[0])) && isUuid(value[1]);
