import { PropReader } from '../../input/reader';
import { Directive } from '../directive';
import { NginxModule } from '../modules';

/**
 * A typed nginx feature of the `http { }` block. One file under `nginx/features/` owns everything about it:
 *
 * - its props: an interface that `NginxConfigProps` extends (documented there, with true `@default`s);
 * - `read`: how the props are read from any caller (wrong values become problems, never exceptions);
 * - `directives`: what the value renders to in `http { }` (the nginx renderer quotes it);
 * - `modules`: the dynamic modules the value needs (loaded with `load_module`, copied into the image, and
 *   their directives known to the checks);
 * - `imported`/`importProps`: which http directives of an imported config map back to its props.
 *
 * The checks need nothing from a feature: they run over the rendered tree, so a feature's directives are
 * checked like any others. Features are listed in `registry.ts`, in the order their directives appear.
 * Internal: not exported from the package (jsii has no generics).
 */
export interface HttpFeature<T> {
  /** The http directives of an imported configuration that this feature owns (they are not kept as they are). */
  readonly imported: ReadonlySet<string>;
  /** The feature's value from the props (`reader` collects the problems). */
  read(reader: PropReader, props: { readonly [key: string]: unknown }): T;
  /** Its directives in `http { }`. */
  directives(value: T): Directive[];
  /** The dynamic modules its value needs. */
  modules(value: T): NginxModule[];
  /** The props that an imported `http { }` gives this feature. */
  importProps(http: readonly Directive[]): { [key: string]: unknown };
}

/** The value of `name` in an imported block, when it is set once with one argument. */
export function importedArgument(http: readonly Directive[], name: string): string | undefined {
  const found = http.filter(d => d.name === name);
  return found.length === 1 && found[0].args.length === 1 ? found[0].args[0] : undefined;
}
