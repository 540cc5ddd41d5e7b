import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { NginxSyntaxError, parseNginx, sameDirectives } from '../../src/nginx/parse';
import { renderArgument, renderDirectives } from '../../src/nginx/render';
import { LocationModifier } from '../../src/nginx/server-options';

describe('parseNginx follows nginx\'s lexer', () => {
  test('simple and block directives, comments dropped', () => {
    const tree = parseNginx('# top\nworker_processes auto; # trailing\nevents {\n  worker_connections 1024;\n}\nhttp { server { listen 8080; } }\n');
    expect(sameDirectives(tree, [
      Directive.of('worker_processes', 'auto'),
      Directive.withBlock('events', [], [Directive.of('worker_connections', '1024')]),
      Directive.withBlock('http', [], [Directive.withBlock('server', [], [Directive.of('listen', '8080')])]),
    ])).toBe(true);
  });

  test.each([
    ['double quotes with escapes', 'a "x \\"y\\" \\\\ z";', ['x "y" \\ z']],
    ['single quotes', "a 'it''s';", null],
    ['single quotes, escaped quote', "a 'it\\'s';", ["it's"]],
    ['\\n \\t \\r become control characters', 'a "1\\n2\\t3\\r";', ['1\n2\t3\r']],
    ['other escapes are kept', 'a "\\d+\\.";', ['\\d+\\.']],
    ['${var} does not open a block', 'a ${host}x;', ['${host}x']],
    ['} inside a bare word is a character', 'a b}c;', ['b}c']],
    ['# inside a word is a character', 'a b#c;', ['b#c']],
    ['empty string', 'a "";', ['']],
    ['newline inside quotes', 'a "x\ny";', ['x\ny']],
  ] as Array<[string, string, string[] | null]>)('%s', (_name, text, args) => {
    if (args === null) {
      expect(() => parseNginx(text)).toThrow(NginxSyntaxError);
    } else {
      const [d] = parseNginx(text);
      expect(d.name).toBe('a');
      expect(d.args).toEqual(args);
    }
  });

  test.each([
    ['missing ;', 'a b', /:1: unexpected end of file, expecting ";" or "}"/],
    ['unclosed block', 'a {\n b;\n', /:3: unexpected end of file, expecting "}"/],
    ['stray }', 'a;\n}', /:2: unexpected "}"/],
    ['stray ;', ';', /unexpected ";"/],
    ['unterminated quote', 'a "b;\n', /in a quoted string/],
    ['text right after a quote', 'a "b"c;', /unexpected "c" after a quoted string/],
  ])('syntax error: %s, with file and line', (_name, text, message) => {
    expect(() => parseNginx(text, 'site.conf')).toThrow(message);
    expect(() => parseNginx(text, 'site.conf')).toThrow(/^site\.conf:/);
  });

  test('round trip: the default config and a config full of awkward values', () => {
    const config = new NginxConfig({ servers: [{ name: 'default' }, { name: 'b', port: 8081, serverNames: ['*.example.org'] }] });
    config.servers[1]
      .addLocation('^/(?<name>[a-z]{2,3})/\\d+$', { modifier: LocationModifier.REGEX, directives: [Directive.of('return', '200', '$name')] })
      .addDirective(Directive.of('add_header', 'X-Odd', 'a "b" \'c\' ; { } # \\ end'))
      .addDirective(Directive.of('set', '$empty', ''));
    for (const tree of [new NginxConfig().effectiveTree(), config.effectiveTree()]) {
      expect(sameDirectives(parseNginx(renderDirectives(tree)), tree)).toBe(true);
    }
    for (const f of config.files()) {
      expect(renderDirectives(parseNginx(f.content))).toBe(f.content.replace(/^#.*\n/, ''));
    }
  });

  test('renderArgument and the lexer agree on every pair of printable ASCII characters', () => {
    const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    for (const a of chars) {
      for (const b of chars) {
        const value = a + b;
        const [d] = parseNginx(`x ${renderArgument(value)};`);
        expect(d.args).toEqual([value]);
      }
    }
  });

  test('sameDirectives tells trees apart', () => {
    const a = [Directive.withBlock('b', ['1'], [Directive.of('c')])];
    expect(sameDirectives(a, [Directive.withBlock('b', ['1'], [Directive.of('c')])])).toBe(true);
    expect(sameDirectives(a, [Directive.withBlock('b', ['2'], [Directive.of('c')])])).toBe(false);
    expect(sameDirectives(a, [Directive.of('b', '1')])).toBe(false);
    expect(sameDirectives(a, [Directive.withBlock('b', ['1'], [])])).toBe(false);
    expect(sameDirectives(a, [])).toBe(false);
  });
});
