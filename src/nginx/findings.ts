import { Directive } from './directive';

/** How serious a finding about an nginx configuration is. */
export enum Severity {
  /** The configuration is wrong or unsafe: synthesis fails. */
  ERROR = 'ERROR',
  /** The configuration works but is risky or wasteful: reported, synthesis goes on. */
  WARNING = 'WARNING',
}

/** One problem found in an nginx configuration tree. */
export interface ConfigFinding {
  /** Stable id of the check, for example `alias-traversal`. */
  readonly check: string;
  /** Error or warning. */
  readonly severity: Severity;
  /** Where in the tree, for example `http > server (www) > location /static`. */
  readonly where: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** A readable position of a directive: its parent blocks and itself, for finding messages. */
export function describeWhere(parents: readonly Directive[], directive?: Directive): string {
  const label = (d: Directive) => {
    if (d.name === 'server') {
      const names = d.block?.find(c => c.name === 'server_name')?.args.join(' ');
      return names ? `server (${names})` : 'server';
    }
    return d.args.length > 0 ? `${d.name} ${d.args.join(' ')}` : d.name;
  };
  const chain = [...parents, ...(directive ? [directive] : [])].map(label);
  return chain.length > 0 ? chain.join(' > ') : 'main';
}
