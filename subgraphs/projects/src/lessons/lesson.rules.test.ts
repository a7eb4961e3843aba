import { checkMediaUrl, MAX_URL_LENGTH } from './lesson.rules';

describe('checkMediaUrl', () => {
  const refusal = (raw: string) => {
    const result = checkMediaUrl('media.0.url', raw);
    return 'violation' in result ? result.violation : null;
  };

  it('keeps an https link, normalised', () => {
    expect(checkMediaUrl('media.0.url', 'https://example.org/films/werkprincipes?t=12#start')).toEqual({ url: 'https://example.org/films/werkprincipes?t=12#start' });
    expect(checkMediaUrl('media.0.url', 'HTTPS://Example.ORG')).toEqual({ url: 'https://example.org/' });
  });

  it.each([
    ['plain http', 'http://example.org/film'],
    ['another scheme', 'ftp://example.org/film'],
    ['a javascript: link', 'javascript:alert(1)'],
    ['no scheme', 'example.org/film'],
    ['a user name and password', 'https://pieter:geheim@example.org/film'],
    ['a user name only', 'https://pieter@example.org/film'],
    ['no host', 'https:///film'],
    ['no slashes', 'https:example.org/film'],
    ['a space', 'https://example.org/mijn film'],
    ['a line break', 'https://example.org/\nfilm'],
    ['too long', `https://example.org/${'a'.repeat(MAX_URL_LENGTH)}`],
  ])('refuses %s', (_case, raw) => {
    expect(refusal(raw)).toEqual({ code: 'INVALID_URL', field: 'media.0.url', url: raw, message: expect.stringMatching(/^media\.0\.url: /) });
  });

  it('accepts a link of exactly the maximum length', () => {
    const raw = `https://example.org/${'a'.repeat(MAX_URL_LENGTH - 'https://example.org/'.length)}`;
    expect(checkMediaUrl('url', raw)).toEqual({ url: raw });
  });
});
