import type { DataSource } from 'typeorm';
import { In, Not, IsNull } from 'typeorm';
import { listLoader, rowLoader } from '@dbwe/platform';
import { AnalysisEntity } from './analyses/analysis.entity';
import { OutcomeEntity } from './analyses/outcome.entity';

export function createLoaders(db: DataSource) {
  return {
    analysis: rowLoader(
      (ids: readonly string[]) => db.getRepository(AnalysisEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    outcome: rowLoader(
      (ids: readonly string[]) => db.getRepository(OutcomeEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    outcomesByAnalysis: listLoader(
      (ids: readonly string[]) => db.getRepository(OutcomeEntity).find({ where: { analysisId: In([...ids]) }, order: { position: 'ASC' } }),
      (row) => row.analysisId,
    ),
    /** Published analyses per project, newest first. */
    publishedByProject: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(AnalysisEntity).find({
          where: { projectId: In([...ids]), publishedAt: Not(IsNull()) },
          order: { publishedAt: 'DESC' },
        }),
      (row) => row.projectId,
    ),
  };
}
