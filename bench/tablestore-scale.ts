/**
 * `npx tsx bench/tablestore-scale.ts [records]` (default 1,000,000): loads that many job records
 * straight into the memory of the protocol-level Tablestore server (test/support/tablestore-server),
 * then times the queries the API and the sweep make through the real `TablestoreJobStore` and the
 * official SDK over loopback HTTP, and prints the requests the server counted for each.
 *
 * Not part of `npm test` (loading a million rows takes a minute and ~2 GB). The same measurement
 * at 20,000 records is test/runtime/adapters/tablestore-scale.test.ts. Latency here is loopback:
 * add the network round trip to Tablestore (a few ms in-region) per request for the cloud.
 */
import { TablestoreJobStore } from '../runtime/adapters/job-store/tablestore-job-store';
import { loadJobRows, measureQueries, type Measured } from '../test/support/tablestore-server/job-load';
import { createJobTable, OTS_INSTANCE, startTablestore } from '../test/support/tablestore-server/job-tables';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const unfinished = 50;
  const creds = { accessKeyId: 'LTAIbench', accessKeySecret: 'bench-secret' };
  const ots = await startTablestore([creds]);
  try {
    createJobTable(ots, 'jobs');
    const nowMs = Date.now();
    let t0 = performance.now();
    const { oldestMs } = loadJobRows(ots, 'jobs', { count, unfinished, nowMs });
    const loadS = (performance.now() - t0) / 1000;
    const store = new TablestoreJobStore({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table: 'jobs' });
    // One warm-up round (SDK and connection set-up, JIT), then the median of five.
    await measureQueries(ots, store, { oldestMs, nowMs });
    const rounds: Measured[][] = [];
    t0 = performance.now();
    for (let i = 0; i < 5; i++) rounds.push(await measureQueries(ots, store, { oldestMs, nowMs }));
    console.log(`${(count + unfinished).toLocaleString('en')} job records (${unfinished} unfinished) loaded in ${loadS.toFixed(1)} s; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
    console.log('| query | requests | median ms | rows |');
    console.log('|---|---:|---:|---:|');
    rounds[0].forEach((m, i) => {
      const ms = rounds.map((r) => r[i].ms).sort((a, b) => a - b)[2];
      const requests = new Set(rounds.map((r) => r[i].requests));
      console.log(`| ${m.what} | ${[...requests].join('/')} | ${ms.toFixed(1)} | ${m.results} |`);
    });
  } finally {
    await ots.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
