import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A Dutch municipality (gemeente) the installation serves neighbourhoods in, by its CBS code. */
@Entity({ name: 'municipality' })
export class MunicipalityEntity {
  /** CBS municipality code, `GM` and 4 digits (GM0202 is Arnhem). */
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
