// Ranks on separate network stacks (SPEC §8): two Linux network namespaces joined by a veth
// pair stand for two machines. mpirun runs in the first; OpenMPI's ssh launcher is replaced by
// an agent script that starts the second machine's daemon (orted) inside the second namespace,
// so rank 1 shares no network with rank 0 and the ranks talk over TCP on the veth only (no
// shared memory). The two "machines" share the filesystem, as nodes share NFS. The lake must be
// the one-process lake. Skips (77) where namespaces cannot be made (not root, no `ip`, no
// CAP_NET_ADMIN) or mpirun is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Checks, SKIP, TABLES, describeRun, expectExit, expectSameRejects, expectSameRows, loadLake, makeTempDir, openDuck,
  readReport, requireSample, runSparkify, sparkifyBin,
} from './lib/harness.mjs';

const skip = (why) => { console.log(`SKIP: ${why}`); process.exit(SKIP); };
const sh = (cmd) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
const mpirun = sh('command -v mpirun').stdout.trim();
if (!mpirun) skip('mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)');
if (typeof process.getuid !== 'function' || process.getuid() !== 0) skip('network namespaces need root');
const ip = sh('command -v ip').stdout.trim();
if (!ip) skip('`ip` (iproute2) is not installed');
const sample = requireSample();
sparkifyBin();

// Unique names: other runs of this test may be live on the same machine.
const tag = `spk${process.pid % 100000}`;
const nsA = `${tag}a`;
const nsB = `${tag}b`;
const ipA = '10.213.7.1';
const ipB = '10.213.7.2';
const run = (args) => spawnSync(ip, args, { encoding: 'utf8' });
function cleanup() {
  run(['netns', 'del', nsA]);
  run(['netns', 'del', nsB]);
}
process.on('exit', cleanup);
const setup = [
  ['netns', 'add', nsA], ['netns', 'add', nsB],
  ['link', 'add', `${tag}va`, 'type', 'veth', 'peer', 'name', `${tag}vb`],
  ['link', 'set', `${tag}va`, 'netns', nsA], ['link', 'set', `${tag}vb`, 'netns', nsB],
  ['-n', nsA, 'addr', 'add', `${ipA}/24`, 'dev', `${tag}va`],
  ['-n', nsB, 'addr', 'add', `${ipB}/24`, 'dev', `${tag}vb`],
  ['-n', nsA, 'link', 'set', `${tag}va`, 'up'], ['-n', nsB, 'link', 'set', `${tag}vb`, 'up'],
  ['-n', nsA, 'link', 'set', 'lo', 'up'], ['-n', nsB, 'link', 'set', 'lo', 'up'],
];
for (const args of setup) {
  const r = run(args);
  if (r.status !== 0) {
    cleanup();
    skip(`cannot make network namespaces here (ip ${args.join(' ')}: ${r.stderr.trim()})`);
  }
}

const checks = new Checks('e2e mpi netns');
const conn = await openDuck();
const work = makeTempDir('netns');
// OpenMPI calls the agent as `agent HOST COMMAND…` to start its daemon on HOST.
const agent = path.join(work, 'netns-agent.sh');
fs.writeFileSync(agent, `#!/bin/sh\nhost=$1; shift\n[ "$host" = "${ipB}" ] || { echo "unknown host $host" >&2; exit 1; }\n` +
  `exec ${ip} netns exec ${nsB} sh -c "$*"\n`, { mode: 0o755 });
const hosts = path.join(work, 'hosts');
fs.writeFileSync(hosts, `${ipA} slots=1\n${ipB} slots=1\n`);
const prefix = [ip, 'netns', 'exec', nsA, mpirun, '-q', '--allow-run-as-root', '-np', '2', '--hostfile', hosts,
  '--mca', 'plm_rsh_agent', agent, '--mca', 'btl', 'self,tcp',
  '--mca', 'btl_tcp_if_include', '10.213.7.0/24', '--mca', 'oob_tcp_if_include', '10.213.7.0/24'];

// Where each rank runs: its network namespace's addresses.
const where = spawnSync(prefix[0], [...prefix.slice(1), 'sh', '-c', `echo "rank $OMPI_COMM_WORLD_RANK: $(${ip} -o -4 addr show | grep -o '10\\.213\\.7\\.[0-9]*')"`],
  { encoding: 'utf8', timeout: 60_000 });
await checks.check('rank 0 runs in the first namespace, rank 1 in the second', async () => {
  const lines = where.stdout.trim().split('\n').sort();
  assert.deepEqual(lines, [`rank 0: ${ipA}`, `rank 1: ${ipB}`], `${where.stdout}\n${where.stderr}`);
});

const single = path.join(work, 'single');
const one = await runSparkify(['etl', '--input', sample, '--output', single, '--no-progress']);
const lake = path.join(work, 'lake');
const report = path.join(work, 'run.json');
const two = await runSparkify(['etl', '--input', sample, '--output', lake, '--no-progress', '--threads', '1',
  '--report', report], { prefix, guardMs: 120_000 });
await checks.check('two ranks over TCP between namespaces write the one-process lake', async () => {
  expectExit(one, 0);
  expectExit(two, 0);
  assert.equal(readReport(report).ranks, 2, describeRun(two));
  await loadLake(conn, single, 'one');
  await loadLake(conn, lake, 'two');
  for (const t of TABLES) await expectSameRows(conn, `one."${t}"`, `two."${t}"`, t);
  expectSameRejects(single, lake);
});

checks.finish();
