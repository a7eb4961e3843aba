import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lessons that travel: a lesson's themes and its links to media (films,
 * recordings, documents). Like the lesson itself, both are only ever added to.
 */
export class LessonThemesMedia1768000000000 implements MigrationInterface {
  name = 'LessonThemesMedia1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projects.lesson ADD CONSTRAINT lesson_id_neighbourhood UNIQUE (id, neighbourhood_id)`);

    // A theme belongs to one neighbourhood, but its slug ("groen") is the vocabulary neighbourhoods
    // share: the slug is kept with the link, as the community gave it when the lesson was recorded
    // (a theme's slug never changes), so "every neighbourhood's lessons on groen" needs no graph call.
    // The composite key keeps a lesson's themes in the lesson's own neighbourhood.
    await q.query(`
      CREATE TABLE projects.lesson_theme (
        lesson_id uuid NOT NULL,
        neighbourhood_id uuid NOT NULL,
        theme_id uuid NOT NULL,
        theme_slug text NOT NULL CONSTRAINT lesson_theme_slug_format CHECK (theme_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        position smallint NOT NULL CONSTRAINT lesson_theme_position_range CHECK (position BETWEEN 0 AND 9),
        PRIMARY KEY (lesson_id, theme_id),
        CONSTRAINT lesson_theme_position_unique UNIQUE (lesson_id, position),
        CONSTRAINT lesson_theme_lesson FOREIGN KEY (lesson_id, neighbourhood_id) REFERENCES projects.lesson (id, neighbourhood_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX lesson_theme_by_theme ON projects.lesson_theme (theme_id, lesson_id)`);
    await q.query(`CREATE INDEX lesson_theme_by_slug ON projects.lesson_theme (theme_slug, lesson_id)`);

    // The same URL rules as the API's (https, a host, no credentials, at most 2048 characters), so a
    // row written past the service still cannot carry a plain-http or credentialed link.
    await q.query(`
      CREATE TABLE projects.lesson_media (
        id uuid PRIMARY KEY,
        lesson_id uuid NOT NULL REFERENCES projects.lesson (id) ON DELETE CASCADE,
        position smallint NOT NULL CONSTRAINT lesson_media_position_range CHECK (position BETWEEN 0 AND 9),
        url text NOT NULL CONSTRAINT lesson_media_url_https CHECK (
          length(url) <= 2048 AND url ~ '^https://[^/?#[:space:]]+([/?#][^[:space:]]*)?$' AND url !~ '^https://[^/?#]*@'),
        kind text NOT NULL CONSTRAINT lesson_media_kind CHECK (kind IN ('VIDEO', 'AUDIO', 'DOCUMENT', 'IMAGE', 'WEBPAGE')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        CONSTRAINT lesson_media_position_unique UNIQUE (lesson_id, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projects.lesson_media`);
    await q.query(`DROP TABLE projects.lesson_theme`);
    await q.query(`ALTER TABLE projects.lesson DROP CONSTRAINT lesson_id_neighbourhood`);
  }
}
