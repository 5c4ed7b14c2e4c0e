// Bundles the Control Center into the service's static resources (called by the Maven build through build.sh):
//   node build.mjs <output directory>      e.g. target/classes/ui
// Writes index.html (not cached by browsers; it names the current assets) and assets/ with content-hashed names
// (cached for a year), each with .gz and .br variants the service sends to browsers that accept them.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs <output directory>');
  process.exit(2);
}

await rm(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.jsx' },
  outdir: out,
  entryNames: 'assets/[name]-[hash]',
  chunkNames: 'assets/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox111', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'external',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const outputs = Object.entries(result.metafile.outputs).map(([file, meta]) => ({ file: relative(out, join(here, file)), meta }));
const script = outputs.find(({ file, meta }) => meta.entryPoint === 'src/main.jsx' && file.endsWith('.js'));
const style = script.meta.cssBundle ? { file: relative(out, join(here, script.meta.cssBundle)) } : null;
// the entry's static imports are fetched with it rather than after it has been parsed
const preloads = script.meta.imports.filter((imported) => imported.kind === 'import-statement')
  .map((imported) => relative(out, join(here, imported.path)));

const template = await readFile(join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('<!--styles-->', style ? `<link rel="stylesheet" href="/${style.file}">` : '')
  .replace('<!--scripts-->', [...preloads.map((file) => `<link rel="modulepreload" href="/${file}">`),
    `<script type="module" src="/${script.file}"></script>`].join('\n    '));
await writeFile(join(out, 'index.html'), html);

// precompressed variants: the service picks one by Accept-Encoding, so nothing is compressed per request
const assets = join(out, 'assets');
for (const name of await readdir(assets)) {
  if (!/\.(js|css|svg)$/.test(name)) continue;
  const bytes = await readFile(join(assets, name));
  await writeFile(join(assets, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  await writeFile(join(assets, `${name}.br`), brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
}
await mkdir(out, { recursive: true });
const firstPage = [script.file, ...preloads, ...(style ? [style.file] : [])];
let brotli = 0;
for (const file of firstPage) brotli += (await readFile(join(out, `${file}.br`))).length;
console.log(`[web] Control Center built into ${out}: first page ${firstPage.length} assets, ${brotli} bytes (brotli)`);
