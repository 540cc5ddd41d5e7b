import { checkSecurity } from '../../../src/nginx/checks';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

const SERVER = 'http > server (www)';

function findings(locationBody: string) {
  return checkSecurity(Object.freeze(parseNginx(`http {\nserver_tokens off;\nserver {\nlisten 8080;\nserver_name www;\nlocation / {\n${locationBody}\n}\n}\n}`)));
}

/** Exactly one finding, of this check, in location /. */
function expectOnly(locationBody: string, check = 'add-header-multiline'): string {
  const found = findings(locationBody);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([[check, Severity.ERROR, `${SERVER} > location /`]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectNone(locationBody: string): void {
  expect(findings(locationBody)).toEqual([]);
}

describe('add-header-multiline', () => {
  test('a more_set_headers value folded over lines', () => {
    const message = expectOnly(`more_set_headers -t 'text/html text/plain' 'X-Frame: one
      two';`);
    // The message shows the directive on one line.
    expect(message).toContain('"more_set_headers -t text/html text/plain X-Frame: one\\n      two"');
    expect(message).toContain('line folding');
  });

  test('one multi-line header among several, a trailing line break, a break written as \\n', () => {
    expectOnly(`more_set_headers 'X-A: fine' 'X-B: not
fine' 'X-C: fine';`);
    expectOnly('more_set_headers "X-C: foo\\n";');
    expectOnly('more_set_headers -s 404 "X-C: a\\r\\nSet-Cookie: b=1";');
  });

  test('a variable set to a text with a line break', () => {
    expectOnly(`set $policy "default-src 'self';
      img-src data:;";
      more_set_headers "Content-Security-Policy: $policy";`);
  });

  test('add_header and add_trailer with a line break are http-splitting\'s finding, reported once', () => {
    expectOnly(`add_header Content-Security-Policy "
      default-src 'none';
      img-src 'self';";`, 'http-splitting');
    expectOnly(`add_trailer X-Checksum "abc
      def";`, 'http-splitting');
  });

  test('no finding for one-line values, values built from set pieces, or line breaks in the -t and -s options', () => {
    expectNone('more_set_headers \'X-Foo: bar\' "Content-Security-Policy: default-src \'self\'; img-src \'self\' data:";');
    expectNone(`set $csp "default-src 'self'; ";
      set $csp "\${csp}img-src 'self' data:; ";
      more_set_headers "Content-Security-Policy: \${csp}font-src 'self'";`);
    expectNone(`more_set_headers -t 'text/html
      text/plain' -s '404
      500' 'X-Foo: bar';`);
    expectNone(`return 200 "line one
      line two";`);
  });

  test('no finding where headers-more skips the white space before the name or value (it sends one line)', () => {
    expectNone(`more_set_headers 'X-Foo:
      bar';`);
    expectNone(`more_set_headers '
      X-Foo: bar';`);
  });
});
