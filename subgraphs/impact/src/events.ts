import type { AuditFact, DomainEvent, EventsDeclaration } from '@dbwe/platform';
import type { AnalysisEntity } from './analyses/analysis.entity';
import type { PublishedSnapshotEntity } from './analyses/published-snapshot.entity';

/*
 * The domain events impact records (docs/events.md). A draft analysis is
 * visible to its neighbourhood's stewards only, so nothing about drafts
 * travels: an analysis becomes an event when it is published, with the
 * result kept as published (exact decimals, as the API gives them).
 */
export const impactEvents: EventsDeclaration = {
  emits: ['analysis.published', 'bid.forecast-linked'],
};

export const impactEvent = {
  analysisPublished: (analysis: AnalysisEntity, snapshot: PublishedSnapshotEntity, audit: AuditFact): DomainEvent => ({
    name: 'analysis.published',
    subject: `analyses/${analysis.id}`,
    neighbourhoodId: analysis.neighbourhoodId,
    data: {
      analysisId: analysis.id,
      projectId: analysis.projectId,
      kind: analysis.kind,
      supersedesId: analysis.supersedesId,
      publishedAt: snapshot.takenAt.toISOString(),
      inputs: snapshot.inputs,
      presentValue: snapshot.presentValue,
      ratio: snapshot.ratio,
      audit,
    },
  }),
  bidForecastLinked: (analysis: AnalysisEntity, bidId: string, at: Date, audit: AuditFact): DomainEvent => ({
    name: 'bid.forecast-linked',
    subject: `bids/${bidId}`,
    neighbourhoodId: analysis.neighbourhoodId,
    data: { bidId, analysisId: analysis.id, projectId: analysis.projectId, linkedAt: at.toISOString(), audit },
  }),
};
