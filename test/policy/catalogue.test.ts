import * as fs from 'fs';
import * as path from 'path';
import { ControlSource } from '../../src/policy/control';
import { CONTROLS, findControl } from '../../src/policy/controls';

/**
 * The control catalogue as users read it: the README's table gives, for every control, its title, the
 * tools' and standards' own check names and what happens at synth. The code and the table must agree.
 */

const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

function readmeRow(id: string): string | undefined {
  return README.split('\n').find(l => l.startsWith(`| \`${id}\` |`));
}

describe('the README table', () => {
  test.each(CONTROLS.map(c => [c.id]))('%s: title, sources and outcome', id => {
    const c = findControl(id)!;
    const sources = c.references.length === 0 ? 'this library' : c.references.map(r => `${r.source} \`${r.check}\``).join(', ');
    const outcome = c.pss ? 'error, no opt-out' : c.advisory ? 'warning' : 'error, or opt out';
    expect(readmeRow(id)).toBe(`| \`${id}\` | ${c.title} | ${sources} | ${outcome} |`);
  });

  test('lists no control the code does not have', () => {
    const start = README.indexOf('| control | asks for |');
    // The table ends at its first line that is not a row.
    const lines = README.slice(start).split('\n').slice(2);
    const table = lines.slice(0, lines.findIndex(l => !l.startsWith('|')));
    const rows = table.filter(l => l.startsWith('| `')).map(l => l.slice(3, l.indexOf('`', 3)));
    expect(rows.sort()).toEqual(CONTROLS.map(c => c.id).sort());
  });
});

describe('the catalogue', () => {
  test('Pod Security Standards controls come first, then the others in report order', () => {
    expect(CONTROLS.map(c => c.id)).toEqual([
      'pss-host-process', 'pss-host-namespaces', 'pss-privileged', 'pss-capabilities', 'pss-host-path-volumes', 'pss-host-ports',
      'pss-apparmor', 'pss-selinux', 'pss-proc-mount', 'pss-seccomp', 'pss-sysctls', 'pss-volume-types', 'pss-privilege-escalation',
      'pss-run-as-non-root', 'pss-run-as-user',
      'read-only-root-filesystem', 'high-uid-gid', 'resources', 'ephemeral-storage', 'readiness-probe', 'liveness-probe', 'startup-probe',
      'probes-differ', 'replicas', 'pod-disruption-budget', 'spread', 'network-policy', 'service-type', 'image-tag', 'image-digest',
      'image-pull-policy', 'automount-token', 'service-account', 'namespace', 'namespace-set', 'termination-grace-period',
    ]);
  });

  test('only image-digest and namespace-set are advisory', () => {
    expect(CONTROLS.filter(c => c.advisory === true).map(c => c.id)).toEqual(['image-digest', 'namespace-set']);
    expect(CONTROLS.filter(c => c.advisory !== true).every(c => c.advisory === undefined)).toBe(true);
  });

  test('the sources are the five known ones', () => {
    expect(Object.values(ControlSource)).toEqual(['PSS', 'kube-score', 'Polaris', 'kubesec', 'NSA/CISA']);
    for (const c of CONTROLS) for (const r of c.references) expect(Object.values(ControlSource)).toContain(r.source);
  });

  test('findControl finds each control and nothing else', () => {
    for (const c of CONTROLS) expect(findControl(c.id)).toBe(c);
    expect(findControl('nope')).toBeUndefined();
    expect(findControl('')).toBeUndefined();
  });
});
