import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

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
 * Where `npm run build` leaves the bundle beside the compiled gateway (scripts/build-layout.ts), so
 * the production image serves it without esbuild, GraphiQL or React among its dependencies.
 */
export const PREBUILT_ASSETS = join(__dirname, 'prebuilt');
const MANIFEST = 'assets.json';

/**
 * GraphiQL, React and our page code bundled by esbuild into files the gateway serves itself, so the
 * explorer needs nothing from the internet. From the TypeScript sources (npm start, the tests) it is
 * bundled once per process, on first use (about a second), not at start-up: most gateways in tests
 * and behind BI tools never show a page.
 */
export async function bundle(): Promise<Assets> {
  const outdir = join(BROWSER_SOURCES, 'out');
  // A development dependency, loaded only here: the production image serves the prebuilt bundle instead.
  // require, not import(): jest's module sandbox refuses dynamic imports.
  const { build } = require('esbuild') as typeof import('esbuild');
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

/** Writes the bundle to a folder, as `npm run build` does for the production image. */
export function writeAssets(assets: Assets, folder: string): void {
  mkdirSync(folder, { recursive: true });
  for (const [name, asset] of assets.files) writeFileSync(join(folder, name), asset.body);
  const { files, ...pages } = assets;
  const types = Object.fromEntries([...files].map(([name, asset]) => [name, asset.contentType]));
  writeFileSync(join(folder, MANIFEST), `${JSON.stringify({ pages, types }, null, 2)}\n`);
}

function readAssets(folder: string): Assets {
  const { pages, types } = JSON.parse(readFileSync(join(folder, MANIFEST), 'utf8')) as { pages: Omit<Assets, 'files'>; types: Record<string, string> };
  const files = new Map<string, Asset>();
  for (const name of readdirSync(folder)) if (Object.hasOwn(types, name)) files.set(name, { body: readFileSync(join(folder, name)), contentType: types[name] });
  return { files, ...pages };
}

let bundled: Promise<Assets> | null = null;

/** The prebuilt bundle when there is one, else bundled on first call; a failed bundle is tried again on the next. */
export function explorerAssets(): Promise<Assets> {
  if (existsSync(join(PREBUILT_ASSETS, MANIFEST))) {
    bundled ??= Promise.resolve(readAssets(PREBUILT_ASSETS));
    return bundled;
  }
  bundled ??= bundle().catch((error: unknown) => {
    bundled = null;
    throw error;
  });
  return bundled;
}
