import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/** The browser code's sources; resolved from the package root, so a compiled gateway finds them too. */
export const BROWSER_SOURCES = join(dirname(require.resolve('@dbwe/gateway/package.json')), 'src/explorer/browser');

/** Where the files are served, each under a name with its content hash. */
export const ASSET_PATH = '/explorer/assets/';

export interface Asset {
  body: Buffer;
  contentType: string;
}

export interface Assets {
  /** By file name (`explorer-<hash>.js`), as served under ASSET_PATH. */
  files: Map<string, Asset>;
  /** The file names each page links to. */
  explorer: { script: string; style: string };
  landing: { style: string };
  sandbox: { script: string; style: string };
}

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/**
 * GraphiQL, React and our page code bundled by esbuild into files the gateway serves itself, so the
 * explorer needs nothing from the internet. Bundled once per process, on first use (about a second),
 * not at start-up: most gateways in tests and behind BI tools never show a page.
 */
async function bundle(): Promise<Assets> {
  const outdir = join(BROWSER_SOURCES, 'out');
  const result = await build({
    absWorkingDir: BROWSER_SOURCES,
    entryPoints: { explorer: 'explorer.tsx', landing: 'landing.css', sandbox: 'sandbox.ts', 'sandbox-page': 'sandbox.css' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // GraphiQL's stylesheet carries its fonts as data: URLs already; anything else it names stays inside the files.
    loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
    entryNames: '[name]-[hash]',
    legalComments: 'linked',
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const files = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = relative(outdir, file.path);
    const extension = name.slice(name.lastIndexOf('.') + 1);
    files.set(name, { body: Buffer.from(file.contents), contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' });
  }
  const outputs = Object.entries(result.metafile.outputs).map(([path, output]) => ({ name: relative(outdir, join(BROWSER_SOURCES, path)), ...output }));
  const of = (entry: string, extension: string) => {
    const output = outputs.find((o) => o.entryPoint === entry && o.name.endsWith(extension));
    if (!output) throw new Error(`the explorer's bundle has no ${extension} for ${entry}`);
    return output;
  };
  const explorer = of('explorer.tsx', '.js');
  return {
    files,
    explorer: { script: explorer.name, style: relative(outdir, join(BROWSER_SOURCES, explorer.cssBundle!)) },
    landing: { style: of('landing.css', '.css').name },
    sandbox: { script: of('sandbox.ts', '.js').name, style: of('sandbox.css', '.css').name },
  };
}

let bundled: Promise<Assets> | null = null;

/** The bundle, made on first call; a failed bundle is tried again on the next. */
export function explorerAssets(): Promise<Assets> {
  bundled ??= bundle().catch((error: unknown) => {
    bundled = null;
    throw error;
  });
  return bundled;
}
