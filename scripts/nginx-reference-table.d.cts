// Types of scripts/nginx-reference-table.cjs (for the tests, which call it directly).

/** A directive as getDirectives() of @nginx/reference-lib returns it (the fields used here). */
export interface RefDirective {
  readonly name: string;
  readonly module: string;
  readonly syntax: readonly string[];
  readonly contexts: readonly string[];
  readonly isBlock: boolean;
}

/** Argument-count bounds; max is Infinity when unbounded. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** One form of a directive in the table; maxArgs is Infinity when unbounded. */
export interface TableForm {
  readonly contexts: string[];
  readonly block: boolean;
  readonly minArgs: number;
  readonly maxArgs: number;
}

export declare const CONTEXTS: readonly string[];
export declare const OVERRIDES: Readonly<Record<string, { readonly maxArgs: number; readonly reason: string }>>;
export declare function isHttpConfigModule(module: string): boolean;
export declare function normaliseContexts(contexts: readonly string[]): string[];
export declare function stripSyntax(html: string): string;
export declare function syntaxBounds(syntax: string): Bounds & { readonly block: boolean };
export declare function buildTable(directives: readonly RefDirective[]): Array<[string, TableForm[]]>;
export declare function renderReferenceModule(directives: readonly RefDirective[], version: string): string;
