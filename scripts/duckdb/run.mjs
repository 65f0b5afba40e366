// The DuckDB half of issue 9's comparison (scripts/bench.sh --vs-duckdb, to come): runs
// features.sql with DuckDB for Node (@duckdb/node-api, installed by the bench in a cache folder
// outside the repository) on THREADS threads, prints the wall time and the number of subscribers
// as JSON, and writes the features to OUT (CSV, by id) when given.
//   node run.mjs CDR.csv SUBSCRIBERS.csv THREADS [OUT.csv]
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [cdr, subscribers, threads, out] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const sql = readFileSync(join(here, 'features.sql'), 'utf8')
  .replaceAll('${CDR}', cdr).replaceAll('${SUBSCRIBERS}', subscribers);
const started = performance.now();
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
for (const statement of sql.replace(/--.*$/gm, '').split(';').map((s) => s.trim()).filter(Boolean))
  await con.run(statement);
const n = (await con.runAndReadAll('SELECT count(*) FROM features')).getRows()[0][0];
const seconds = (performance.now() - started) / 1000;
if (out) await con.run(`COPY (SELECT * FROM features ORDER BY id) TO '${out}' (HEADER, DELIMITER ',')`);
console.log(JSON.stringify({ engine: 'duckdb', threads: Number(threads), seconds, subscribers: Number(n) }));
