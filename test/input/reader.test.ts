import { describeValue } from '../../src/input/describe';
import { PropReader, characterProblem, pathProblem } from '../../src/input/reader';

describe('describeValue: the value as a message shows it', () => {
  test.each<[unknown, string]>([
    ['a\nb', '"a\\nb"'],
    ['\u0000', '"\\u0000"'],
    ['x'.repeat(100), `"${'x'.repeat(60)}..." (100 characters)`],
    [8080, '8080'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'boolean true'],
    [BigInt(5), 'bigint 5'],
    [Symbol('s'), 'a symbol'],
    [() => 1, 'a function'],
    [[1, 2], 'a list of 2'],
    [{ a: 1 }, 'an object'],
    [new Date(0), 'an object of class Date'],
  ])('%p is shown as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});

describe('characterProblem', () => {
  test.each(['\r', '\n', '\t', '\u0000', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029'])('refuses %j, naming its code point', (c) => {
    expect(characterProblem(`a${c}b`)).toMatch(new RegExp(`control character U\\+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position 1`));
  });

  test('refuses a lone surrogate, accepts a pair and other non-ASCII text', () => {
    expect(characterProblem('a\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(characterProblem('\udc00a')).toMatch(/lone UTF-16 surrogate/);
    expect(characterProblem('😀 é ü 中')).toBeUndefined();
  });
});

describe('PropReader: every prop, whatever type arrives', () => {
  test('numbers: type, finiteness, whole, range; the fallback takes the place of a refused value', () => {
    const r = new PropReader('server \'www\'');
    const rule = { min: 1, max: 10, example: 2 };
    expect(r.integer('n', undefined, 5, rule)).toBe(5);
    expect(r.integer('n', 3, 5, rule)).toBe(3);
    expect(r.integer('n', '3', 5, rule)).toBe(5);
    expect(r.integer('n', Number.NaN, 5, rule)).toBe(5);
    expect(r.integer('n', Number.POSITIVE_INFINITY, 5, rule)).toBe(5);
    expect(r.integer('n', 1.5, 5, rule)).toBe(5);
    expect(r.integer('n', 11, 5, rule)).toBe(5);
    expect(r.integer('n', null, 5, rule)).toBe(5);
    expect(r.problems).toEqual([
      'server \'www\': n "3" is a string, not a number; use a whole number from 1 to 10, such as 2. Pass the number itself, without quotes.',
      "server 'www': n NaN is not a whole number; use a whole number from 1 to 10, such as 2.",
      "server 'www': n Infinity is not a whole number; use a whole number from 1 to 10, such as 2.",
      "server 'www': n 1.5 is not a whole number; use a whole number from 1 to 10, such as 2.",
      "server 'www': n 11 is out of range; use a whole number from 1 to 10, such as 2.",
      "server 'www': n null is null, not a number; use a whole number from 1 to 10, such as 2.",
    ]);
  });

  test('strings: type, characters, empty, pattern, length', () => {
    const r = new PropReader();
    const rule = { pattern: /^[a-z]+$/, maxLength: 5, example: 'abc', expected: 'lower-case letters' };
    expect(r.string('s', 'abc', 'x', rule)).toBe('abc');
    expect(r.string('s', 5, 'x', rule)).toBe('x');
    expect(r.string('s', 'a\nb', 'x', rule)).toBe('x');
    expect(r.string('s', '', 'x', rule)).toBe('x');
    expect(r.string('s', 'ABC', 'x', rule)).toBe('x');
    expect(r.string('s', 'abcdef', 'x', rule)).toBe('x');
    expect(r.problems).toEqual([
      's 5 is a number, not a string; use lower-case letters, such as "abc".',
      's "a\\nb" contains the control character U+000A at position 1; write it on one line without control characters; use lower-case letters, such as "abc".',
      's "" is empty; use lower-case letters, such as "abc".',
      's "ABC" is not lower-case letters; use a value such as "abc".',
      's "abcdef" is longer than 5 characters; use lower-case letters, such as "abc".',
    ]);
  });

  test('lists, maps, structs and booleans of the wrong type are refused, never spread or coerced', () => {
    const r = new PropReader();
    expect(r.stringList('names', 'www.example.com', ['localhost'], { example: 'example.com' })).toEqual(['localhost']);
    expect(r.stringList('names', ['a', 5, 'b'], [], { example: 'example.com' })).toEqual(['a', 'b']);
    expect(r.stringMap('labels', ['x'], { example: 'k' }, { example: 'v' })).toEqual({});
    expect(r.stringMap('labels', { k: 1, ok: 'v' }, { example: 'k' }, { example: 'v' })).toEqual({ ok: 'v' });
    expect(r.struct('tls', 'www-tls', "{ secretName: 'www-tls' }")).toBeUndefined();
    expect(r.boolean('gzip', 'false', true)).toBe(true);
    expect(r.enumValue('mode', 'NOPE', { A: 'A', B: 'B' }, 'A')).toBe('A');
    expect(r.problems).toEqual([
      'names "www.example.com" is a string, not a list; pass a list, such as ["example.com"].',
      'names[1] 5 is a number, not a string; use a value such as "example.com".',
      'labels a list of 1 is a list, not an object of options; pass a plain object, such as { "k": "v" }.',
      'labels["k"] 1 is a number, not a string; use a value such as "v".',
      'tls "www-tls" is a string, not an object of options; pass a plain object, such as { secretName: \'www-tls\' }.',
      'gzip "false" is a string, not a boolean; use true or false.',
      'mode "NOPE" is not one of the enum\'s values; use one of "A", "B".',
    ]);
  });
});

describe('pathProblem: absolute, normalised, portable, never a kernel filesystem', () => {
  const rule = { example: '/srv/www' };
  test.each([
    ['srv', /is not an absolute path/],
    ['/', /is the whole filesystem/],
    ['/srv/', /is not normalised/],
    ['/srv//www', /is not normalised/],
    ['/srv/./www', /is not normalised/],
    ['/srv/../www', /is not normalised/],
    ['/srv/my site', /has the segment "my site"/],
    ['/srv/$HOME', /has the segment "\$HOME"/],
    ['/srv/`id`', /has the segment/],
    ['/srv/a;b', /has the segment/],
    ['/srv/*', /has the segment/],
    [`/${'a'.repeat(256)}`, /a segment longer than 255 characters/],
    [`/a${'/b'.repeat(600)}`, /longer than 1024 characters/],
    ['/proc', /under \/proc, a kernel filesystem/],
    ['/proc/self/environ', /under \/proc/],
    ['/sys/x', /under \/sys/],
    ['/dev/shm', /under \/dev/],
    ['/srv/a\u0000b', /control character U\+0000/],
  ])('%j is refused', (path, pattern) => {
    expect(pathProblem(path, rule)?.what).toMatch(pattern);
  });

  test('the runtime folder may be under /dev/shm, nothing else under /dev', () => {
    expect(pathProblem('/dev/shm', { example: '/dev/shm', allowUnder: ['/dev/shm'] })).toBeUndefined();
    expect(pathProblem('/dev/shm/nginx', { example: '/dev/shm', allowUnder: ['/dev/shm'] })).toBeUndefined();
    expect(pathProblem('/dev/null', { example: '/dev/shm', allowUnder: ['/dev/shm'] })?.what).toMatch(/under \/dev/);
  });

  test.each(['/srv/www', '/usr/share/nginx/html', '/a/b.c/d_e-f+g@h~i', '/procedures', '/device'])('%j is accepted', (path) => {
    expect(pathProblem(path, rule)).toBeUndefined();
  });
});

test('a map key that a JavaScript object cannot carry through cdk8s (constructor, __proto__) is refused, the others kept', () => {
  const r = new PropReader();
  const value = JSON.parse('{"constructor": "x", "__proto__": "y", "ok": "v"}');
  expect(r.stringMap('podLabels', value, { example: 'k' }, { example: 'v' })).toEqual({ ok: 'v' });
  expect(r.problems).toEqual([
    'podLabels key "constructor" is a name that a JavaScript object map cannot carry through cdk8s; use another key.',
    'podLabels key "__proto__" is a name that a JavaScript object map cannot carry through cdk8s; use another key.',
  ]);
});
