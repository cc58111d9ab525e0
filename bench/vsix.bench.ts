// vsix.bytes: the size of the package a user installs, made by `npm run package` on a copy of the
// working tree (so the repository's own build output is left as it is).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const { packageToTemp } = (await import(pathToFileURL(join(process.cwd(), 'test', 'vscode', 'package-temp.mjs')).href)) as {
    packageToTemp(): Promise<{ vsix: string; output: string; cleanup(): void }>;
  };
  const t0 = Date.now();
  const pkg = await packageToTemp();
  try {
    const bytes = statSync(pkg.vsix).size;
    const files = pkg.output.match(/\((\d+) files?,/)?.[1];
    console.log(`qwen-coder.vsix: ${bytes} bytes${files ? `, ${files} files` : ''}, packaged in ${Date.now() - t0} ms`);
    console.log(`BENCH_RESULT ${JSON.stringify({
      'vsix.bytes': { value: bytes, unit: 'bytes', note: `npm run package (production build + vsce 3, no dependencies)${files ? `: ${files} files` : ''}` },
    })}`);
  } finally {
    pkg.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
