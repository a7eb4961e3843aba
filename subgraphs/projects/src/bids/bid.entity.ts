import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { AssessmentCriterion, BidAction, BidStatus } from './bid-lifecycle';

/** bigint columns arrive from pg as strings; in code they are exact bigints. */
const cents: ValueTransformer = {
  to: (value: bigint | undefined) => (value === undefined ? undefined : value.toString()),
  from: (value: string) => BigInt(value),
};

export type BidMode = 'TAKE_OVER' | 'CO_STEER';
export type BidOutcome = 'HONOURED' | 'HONOURED_WITH_CONDITIONS' | 'REJECTED';

@Entity({ name: 'bid' })
export class BidEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'collective_name', type: 'text', nullable: true })
  collectiveName!: string | null;

  @Column({ type: 'text' })
  task!: string;

  @Column({ name: 'task_description', type: 'text' })
  taskDescription!: string;

  @Column({ type: 'text' })
  mode!: BidMode;

  @Column({ name: 'current_annual_cost_cents', type: 'bigint', transformer: cents })
  currentAnnualCostCents!: bigint;

  @Column({ name: 'budget_line', type: 'text' })
  budgetLine!: string;

  @Column({ type: 'text', nullable: true })
  taakveld!: string | null;

  @Column({ name: 'proposed_annual_budget_cents', type: 'bigint', transformer: cents })
  proposedAnnualBudgetCents!: bigint;

  @Column({ name: 'quality_commitments', type: 'text', array: true })
  qualityCommitments!: string[];

  @Column({ name: 'social_added_value', type: 'text' })
  socialAddedValue!: string;

  @Column({ name: 'supporter_count', type: 'integer' })
  supporterCount!: number;

  @Column({ name: 'support_evidence', type: 'text', nullable: true })
  supportEvidence!: string | null;

  @Column({ type: 'text' })
  status!: BidStatus;

  @Column({ name: 'decision_outcome', type: 'text', nullable: true })
  decisionOutcome!: BidOutcome | null;

  @Column({ name: 'decision_rationale', type: 'text', nullable: true })
  decisionRationale!: string | null;

  @Column({ name: 'decision_conditions', type: 'text', nullable: true })
  decisionConditions!: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'executing_project_id', type: 'uuid', nullable: true })
  executingProjectId!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'bid_challenger' })
export class BidChallengerEntity {
  @PrimaryColumn({ name: 'bid_id', type: 'uuid' })
  bidId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @Column({ type: 'smallint' })
  position!: number;
}

@Entity({ name: 'bid_assessment' })
export class BidAssessmentEntity {
  @PrimaryColumn({ name: 'bid_id', type: 'uuid' })
  bidId!: string;

  @PrimaryColumn({ type: 'text' })
  criterion!: AssessmentCriterion;

  @Column({ type: 'smallint' })
  score!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'assessed_by', type: 'uuid' })
  assessedBy!: string;

  @Column({ name: 'assessed_at', type: 'timestamptz' })
  assessedAt!: Date;
}

export type BidEventAction = 'DRAFT' | BidAction | 'ASSESS_CRITERION';

/** One row of a bid's public timeline; the database refuses UPDATE and DELETE. */
@Entity({ name: 'bid_event' })
export class BidEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'bid_id', type: 'uuid' })
  bidId!: string;

  @Column({ type: 'text' })
  action!: BidEventAction;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: BidStatus | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: BidStatus;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Insertion order, for events that share a timestamp; the database assigns it. */
  @Column({ type: 'bigint', insert: false, update: false, select: false })
  seq!: string;

  @Column({ type: 'text', nullable: true })
  rationale!: string | null;

  @Column({ type: 'text', nullable: true })
  criterion!: AssessmentCriterion | null;
}
