/** Where the repository lives (package.json `repository`, `homepage`, `bugs`). */
export declare const REPOSITORY: string;
/** The Node versions the packages support: those that load ESM and `require()` it unflagged. */
export declare const NODE_ENGINES: string;
/** The problems of one package's manifest, as readable sentences (empty when it is publishable). */
export declare function manifestProblems(input: {
  readonly manifest: object;
  readonly jsr: object | undefined;
  readonly dir: string;
  readonly version: string | undefined;
}): string[];
