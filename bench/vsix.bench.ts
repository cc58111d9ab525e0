// vsix.bytes: the size of the package a user installs, made by `npm run package` on a copy of the
// working tree (so the repository's own build output is left as it is). Under bench/run.mjs, which
// packages once for every bench that needs a package, that package: QWEN_BENCH_VSIX (and
// QWEN_BENCH_VSIX_FILES, the file count vsce printed).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const given = process.env.QWEN_BENCH_VSIX;
  if (given) return report(statSync(given).size, process.env.QWEN_BENCH_VSIX_FILES || undefined);
  const { packageToTemp } = (await import(pathToFileURL(join(process.cwd(), 'test', 'vscode', 'package-temp.mjs')).href)) as {
    packageToTemp(): Promise<{ vsix: string; output: string; cleanup(): void }>;
  };
  const t0 = Date.now();
  const pkg = await packageToTemp();
  try {
    const bytes = statSync(pkg.vsix).size;
    const files = pkg.output.match(/\((\d+) files?,/)?.[1];
    console.log(`packaged in ${Date.now() - t0} ms`);
    report(bytes, files);
  } finally {
    pkg.cleanup();
  }
}

function report(bytes: number, files: string | undefined): void {
  console.log(`qwen-coder.vsix: ${bytes} bytes${files ? `, ${files} files` : ''}`);
  console.log(`BENCH_RESULT ${JSON.stringify({
    'vsix.bytes': { value: bytes, unit: 'bytes', note: `npm run package (production build + vsce 3, no dependencies)${files ? `: ${files} files` : ''}` },
  })}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
