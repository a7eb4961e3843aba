import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { rowLoader } from '@dbwe/platform';
import { ProjectEntity } from './projects/project.entity';

export function createLoaders(db: DataSource) {
  return {
    project: rowLoader(
      (ids: readonly string[]) => db.getRepository(ProjectEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
  };
}
