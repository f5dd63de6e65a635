// `--help` for the bench scripts: each script's usage is its leading comment block, printed as
// is (less the comment markers), so the help and the file's own documentation cannot drift.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The leading `//` comment block of the script at `metaUrl`, without the markers. */
export function usageOf(metaUrl) {
  const lines = readFileSync(fileURLToPath(metaUrl), 'utf8').split('\n');
  const block = [];
  for (const line of lines) {
    if (!line.startsWith('//')) break;
    block.push(line.replace(/^\/\/ ?/, ''));
  }
  return block.join('\n');
}

/** Prints the script's usage and exits 0 when its arguments ask for help (--help or -h). */
export function exitOnHelp(metaUrl, argv = process.argv.slice(2)) {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  console.log(usageOf(metaUrl));
  process.exit(0);
}
