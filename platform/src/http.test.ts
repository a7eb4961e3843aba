import { ifNoneMatchHits } from './http';

/* If-None-Match by RFC 9110 §13.1.2: weak comparison over a list of entity tags, or `*`. */
describe('If-None-Match', () => {
  const etag = '"abc"';
  it.each([
    ['the same tag', '"abc"'],
    ['the tag made weak (nginx gzip)', 'W/"abc"'],
    ['one of a list', '"x", W/"abc", "y"'],
    ['a list without spaces', '"x","abc"'],
    ['* (any current representation)', '*'],
    ['* with blanks', ' * '],
    ['a list given as several header lines', ['"x"', 'W/"abc"']],
  ])('304 for %s', (_what, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another tag', '"abd"'],
    ['a tag that contains ours', '"abcd"'],
    ['an unquoted tag (not an entity tag)', 'abc'],
    ['a list of others', '"x", W/"y"'],
    ['* inside a list (not the * form)', '"x", *'],
    ['an empty header', ''],
  ])('200 for %s', (_what, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(false);
  });

  it('compares weakly when our own tag is weak too', () => {
    expect(ifNoneMatchHits('"abc"', 'W/"abc"')).toBe(true);
  });
});
