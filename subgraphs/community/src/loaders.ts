import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { rowLoader } from '@dbwe/platform';
import { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import { MemberEntity } from './members/member.entity';

/** Loaders for one request; never shared between requests, so caches cannot leak across viewers. */
export function createLoaders(db: DataSource) {
  return {
    neighbourhood: rowLoader(
      (ids: readonly string[]) => db.getRepository(NeighbourhoodEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    member: rowLoader(
      (ids: readonly string[]) => db.getRepository(MemberEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
  };
}
