import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import { freePort } from '../src/core/db/embedded.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { generate } from './generate.ts';
import { coldStart, type LoadResult, load, median, rssMb, spawnListening, stop } from './lib.ts';

/**
 * The directory benchmark of the foundation issue. Usage: `npm run bench` (or
 * `npx tsx bench/run.ts [--reuse] [--duration 10]`). Writes bench/results/directory.json.
 */
const args = process.argv.slice(2);
const reuse = args.includes('--reuse');
// --no-cache: measure with the cache of public answers off (RESPONSE_CACHE_MB=0).
const noCache = args.includes('--no-cache');
const skipFirstRun = args.includes('--skip-first-run');
const duration = Number(args[args.indexOf('--duration') + 1]) || 10;
const dataDir = path.resolve('.tmp/bench-data');
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const env = {
  PEACETALKS_DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  RESPONSE_CACHE_MB: noCache ? '0' : '64',
};

// 1. Cold start on a first run (fresh folder: initdb, migrations, seed), three times.
const firstRun: number[] = [];
for (let i = 0; i < (skipFirstRun ? 0 : 3); i++) {
  const dir = path.resolve(`.tmp/bench-first-${i}`);
  await fs.rm(dir, { recursive: true, force: true });
  const { ms, child } = await coldStart({ ...env, PEACETALKS_DATA_DIR: dir }, await freePort());
  firstRun.push(ms);
  await stop(child);
  await fs.rm(dir, { recursive: true, force: true });
}
log(`first-run cold start: ${firstRun.map((x) => x.toFixed(0)).join(', ')} ms`);

// 2. Large data.
if (!reuse) await fs.rm(dataDir, { recursive: true, force: true });
process.env.PEACETALKS_DATA_DIR = dataDir;
process.env.LOG_LEVEL = 'warn';
const { citiesMs } = await generate(log);

// 3. Cold start on existing data, five times.
const warmStarts: number[] = [];
for (let i = 0; i < 5; i++) {
  const { ms, child } = await coldStart(env, await freePort());
  warmStarts.push(ms);
  await stop(child);
}
log(`cold start on existing data: ${warmStarts.map((x) => x.toFixed(0)).join(', ')} ms`);

// 4. Load: the app and a bare Fastify route, each in its own process, in the same run.
const port = await freePort();
const app = await spawnListening(process.execPath, ['bin/peacetalks.js', 'serve'], {
  ...env,
  PORT: String(port),
});
const bare = await spawnListening(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {
  PORT: '0',
});
const base = `http://127.0.0.1:${port}`;

const opened = await openDatabase(loadConfig({ ...process.env, ...env }), () => undefined, {
  migrate: false,
});
const ids = (
  await opened.database.db.execute<{ id: string }>(
    sql`SELECT id FROM organisations ORDER BY random() LIMIT 2000`,
  )
).rows.map((r) => r.id);
const names = (
  await opened.database.db.execute<{ name: string }>(
    sql`SELECT name FROM organisations WHERE kind = 'city' ORDER BY random() LIMIT 300`,
  )
).rows.map((r) => r.name);
await opened.close();
const queries = [
  'Kyiv',
  'Kiev',
  'Київ',
  'Barcelna',
  'Paris',
  'São Paulo',
  'Kharkiv',
  'den haag',
  'Rabat',
  'Beyrouth',
  ...names,
];
const searchPaths = queries.map((q) => `/api/v1/directory/search?q=${encodeURIComponent(q)}`);
const orgPaths = ids.map((id) => `/directory/organisations/${id}`);

// Warm up before measuring: every address once (the database's buffers, and the cache of public
// answers when it is on), then the JIT.
const everyPath = [
  ...searchPaths,
  ...queries.map((q) => `/directory?q=${encodeURIComponent(q)}`),
  ...orgPaths,
];
for (let i = 0; i < everyPath.length; i += 20) {
  await Promise.all(everyPath.slice(i, i + 20).map((p) => fetch(`${base}${p}`).then((r) => r.arrayBuffer())));
}
await load('warm-up', base, [...searchPaths, ...orgPaths], { duration: 3, connections: 10 });
await load('warm-up', bare.url, ['/bare'], { duration: 2, connections: 10 });

const rss: number[] = [];
const sampler = setInterval(() => rss.push(rssMb(app.child.pid!)), 200);
const results: LoadResult[] = [];
results.push(await load('bare Fastify route', bare.url, ['/bare'], { duration }));
results.push(await load('directory search (API)', base, searchPaths, { duration }));
results.push(
  await load(
    'directory search (page)',
    base,
    queries.map((q) => `/directory?q=${encodeURIComponent(q)}`),
    { duration },
  ),
);
results.push(await load('organisation page', base, orgPaths, { duration }));
clearInterval(sampler);
await stop(app.child);
await stop(bare.child);

const baseline = results[0];
const table = results.map((r) => ({
  ...r,
  p95VsBare: +(r.p95 / baseline.p95).toFixed(2),
  rpsVsBare: +(r.rps / baseline.rps).toFixed(3),
}));
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  connections: 50,
  durationSeconds: duration,
  load: table,
  memoryMb: { median: median(rss), max: Math.max(...rss) },
  coldStartMs: {
    firstRunMedian: Math.round(median(firstRun)),
    existingDataMedian: Math.round(median(warmStarts)),
    firstRun,
    existingData: warmStarts,
  },
  citiesImportSeconds: +(citiesMs / 1000).toFixed(1),
};
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile(
  `bench/results/directory${noCache ? '-nocache' : ''}.json`,
  JSON.stringify(summary, null, 2),
);
console.log('| measurement | p50 ms | p95 ms | req/s | p95 ÷ bare | req/s ÷ bare | errors/non-2xx |');
console.log('|---|---|---|---|---|---|---|');
for (const r of table)
  console.log(
    `| ${r.name} | ${r.p50} | ${r.p95} | ${Math.round(r.rps)} | ${r.p95VsBare} | ${r.rpsVsBare} | ${r.errors}/${r.non2xx} |`,
  );
console.log(
  `\nmemory of the app under load: median ${summary.memoryMb.median} MB, max ${summary.memoryMb.max} MB`,
);
console.log(
  `cold start: first run ${summary.coldStartMs.firstRunMedian} ms, existing data ${summary.coldStartMs.existingDataMedian} ms (medians)`,
);
console.log(
  `cities import in this run: ${summary.citiesImportSeconds} s${reuse ? ' (data already there: a re-import that changes nothing)' : ''}`,
);
console.log(`cache of public answers: ${noCache ? 'off' : 'on'}`);
