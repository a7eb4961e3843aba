import type { DataSource } from 'typeorm';
import { In, MoreThan } from 'typeorm';
import { changedSinceLoader, listLoader, rowLoader } from '@dbwe/platform';
import { AnalysisEntity } from './analyses/analysis.entity';
import { OutcomeEntity } from './analyses/outcome.entity';
import { StakeholderEntity } from './analyses/stakeholder.entity';
import { InKindInputEntity } from './analyses/in-kind-input.entity';
import { MeasurementEntity } from './analyses/measurement.entity';
import { BidForecastEntity } from './bids/bid-forecast.entity';
import { PublishedSnapshotEntity } from './analyses/published-snapshot.entity';

/** Per-request loaders: every list is fetched for all keys of a request in one query. */
export function createLoaders(db: DataSource) {
  return {
    analysis: rowLoader(
      (ids: readonly string[]) => db.getRepository(AnalysisEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    /** The revision of each analysis (at most one, by a unique constraint). */
    revisionOf: rowLoader(
      (ids: readonly string[]) => db.getRepository(AnalysisEntity).findBy({ supersedesId: In([...ids]) }),
      (row) => row.supersedesId!,
    ),
    /** Every analysis of each project, newest first. */
    analysesByProject: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(AnalysisEntity).find({ where: { projectId: In([...ids]) }, order: { createdAt: 'DESC', id: 'DESC' } }),
      (row) => row.projectId,
    ),
    /** Each project's analyses changed after a time, newest first. */
    analysesChangedSince: changedSinceLoader(
      (ids, since) =>
        db.getRepository(AnalysisEntity).find({ where: { projectId: In(ids), updatedAt: MoreThan(since) }, order: { createdAt: 'DESC', id: 'DESC' } }),
      (row) => row.projectId,
    ),
    outcome: rowLoader(
      (ids: readonly string[]) => db.getRepository(OutcomeEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    outcomesByAnalysis: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(OutcomeEntity).find({ where: { analysisId: In([...ids]) }, order: { createdAt: 'ASC', id: 'ASC' } }),
      (row) => row.analysisId,
    ),
    stakeholdersByAnalysis: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(StakeholderEntity).find({ where: { analysisId: In([...ids]) }, order: { position: 'ASC' } }),
      (row) => row.analysisId,
    ),
    inKindByAnalysis: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(InKindInputEntity).find({ where: { analysisId: In([...ids]) }, order: { position: 'ASC' } }),
      (row) => row.analysisId,
    ),
    measurementsByOutcome: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(MeasurementEntity).find({ where: { outcomeId: In([...ids]) }, order: { measuredOn: 'ASC', recordedAt: 'ASC', id: 'ASC' } }),
      (row) => row.outcomeId,
    ),
    /** The result each published analysis kept from its publication. */
    snapshot: rowLoader(
      (ids: readonly string[]) => db.getRepository(PublishedSnapshotEntity).findBy({ analysisId: In([...ids]) }),
      (row) => row.analysisId,
    ),
    /** Each project's books as the ledger has them now (publication reads them; reads get them through @requires). */
    forecastByBid: rowLoader(
      (ids: readonly string[]) => db.getRepository(BidForecastEntity).findBy({ bidId: In([...ids]) }),
      (row) => row.bidId,
    ),
  };
}
