import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
