import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE community.neighbourhood (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        municipality_name text NOT NULL,
        municipality_code text NOT NULL CHECK (municipality_code ~ '^GM[0-9]{4}$'),
        cbs_wijk_code text CHECK (cbs_wijk_code ~ '^WK[0-9]{6}$'),
        cbs_buurt_codes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE community.member (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES community.neighbourhood (id),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
        kind text NOT NULL CHECK (kind IN ('PERSON', 'ORGANISATION')),
        domain text NOT NULL CHECK (domain IN ('CITIZEN', 'GOVERNMENT', 'ENTREPRENEUR', 'EDUCATION_SCIENCE')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        full_name text,
        email text,
        phone text,
        address text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX member_neighbourhood_joined ON community.member (neighbourhood_id, joined_at, id)`);
    await q.query(`CREATE INDEX member_neighbourhood_domain_joined ON community.member (neighbourhood_id, domain, joined_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.member`);
    await q.query(`DROP TABLE community.neighbourhood`);
  }
}
