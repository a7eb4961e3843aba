import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The chart-of-accounts templates a neighbourhood can start from (the database CHECK lists the same). */
export const CHART_TEMPLATES = ['dutch-wijkeconomie-2026'] as const;
export type ChartTemplateKey = (typeof CHART_TEMPLATES)[number];

@Entity({ name: 'neighbourhood' })
export class NeighbourhoodEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'municipality_name', type: 'text' })
  municipalityName!: string;

  @Column({ name: 'municipality_code', type: 'text' })
  municipalityCode!: string;

  @Column({ name: 'cbs_wijk_code', type: 'text', nullable: true })
  cbsWijkCode!: string | null;

  @Column({ name: 'cbs_buurt_codes', type: 'text', array: true })
  cbsBuurtCodes!: string[];

  /** The points a priority poll gives each member when it names no budget of its own. */
  @Column({ name: 'poll_points_budget', type: 'integer', default: 100 })
  pollPointsBudget!: number;

  /** The chart-of-accounts template the neighbourhood's books start from, e.g. `dutch-wijkeconomie-2026`. */
  @Column({ name: 'chart_template', type: 'text', default: 'dutch-wijkeconomie-2026' })
  chartTemplate!: ChartTemplateKey;

  /** The identity that onboarded the neighbourhood; null for the operator at the command line and for neighbourhoods from before onboarding. */
  @Column({ name: 'onboarded_by', type: 'uuid', nullable: true })
  onboardedBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
