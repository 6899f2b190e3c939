/**
 * BullMQ on an in-process Kvik: 5,000 jobs of every kind BullMQ's Lua scripts handle (plain,
 * delayed, retried with backoff, failing for good), priorities, a job scheduler and a flow, all
 * run to completion with exact counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await kvik.close();
});

function connection() {
  return { host: '127.0.0.1', port: kvik.port, maxRetriesPerRequest: null };
}

function queue(name: string): Queue {
  const q = new Queue(name, { connection: connection() });
  closers.push(() => q.close());
  return q;
}

function worker<T>(name: string, process: (job: Job) => Promise<T>, concurrency = 1): Worker {
  const w = new Worker(name, process, { connection: connection(), concurrency });
  closers.push(() => w.close());
  return w;
}

/** Resolves once `predicate` holds, polling every 20 ms, or rejects after `ms`. */
async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const PLAIN = 4_500;
const DELAYED = 200;
const RETRIED = 200;
const FAILING = 100;
const TOTAL = PLAIN + DELAYED + RETRIED + FAILING;

describe('BullMQ', () => {
  it('runs 5,000 plain, delayed, retried and failing jobs to completion with exact counts', async () => {
    const q = queue('bulk');
    const delayMs = 300;
    const added = Date.now();
    await q.addBulk([
      ...Array.from({ length: PLAIN }, (_, n) => ({ name: 'plain', data: { n } })),
      ...Array.from({ length: DELAYED }, (_, n) => ({
        name: 'delayed',
        data: { n },
        opts: { delay: delayMs },
      })),
      ...Array.from({ length: RETRIED }, (_, n) => ({
        name: 'retried',
        data: { n },
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 20 } },
      })),
      ...Array.from({ length: FAILING }, (_, n) => ({
        name: 'failing',
        data: { n },
        opts: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      })),
    ]);
    let processedDelayedEarly = 0;
    worker(
      'bulk',
      async (job) => {
        if (job.name === 'delayed' && Date.now() - added < delayMs) processedDelayedEarly++;
        if (job.name === 'retried' && job.attemptsMade < 2) throw new Error('not yet');
        if (job.name === 'failing') throw new Error('never');
        return (job.data as { n: number }).n * 2;
      },
      50,
    );
    await until(
      async () => {
        const counts = await q.getJobCounts('completed', 'failed');
        return counts.completed + counts.failed === TOTAL;
      },
      // About 8 s on an idle machine; a loaded CI machine may need several times that.
      60_000,
      'all jobs to finish',
    );
    const counts = await q.getJobCounts();
    assert.equal(counts.completed, PLAIN + DELAYED + RETRIED);
    assert.equal(counts.failed, FAILING);
    assert.equal(counts.waiting + counts.active + counts.delayed + counts.prioritized, 0);
    assert.equal(processedDelayedEarly, 0);

    const completed = await q.getCompleted(0, -1);
    for (const job of completed) assert.equal(job.returnvalue, (job.data as { n: number }).n * 2);
    const retried = completed.filter((job) => job.name === 'retried');
    assert.equal(retried.length, RETRIED);
    for (const job of retried) assert.equal(job.attemptsMade, 3);
    const failed = await q.getFailed(0, -1);
    assert.equal(failed.length, FAILING);
    for (const job of failed) {
      assert.equal(job.attemptsMade, 2);
      assert.equal(job.failedReason, 'never');
    }
  });

  it('hands out waiting jobs by priority, FIFO within one priority', async () => {
    const q = queue('priorities');
    const priorities = [5, 1, 3, 1, 10, 3, 5, 1, 2, 10];
    await q.addBulk(
      priorities.map((priority, n) => ({ name: 'p', data: { n, priority }, opts: { priority } })),
    );
    const order: { n: number; priority: number }[] = [];
    worker('priorities', async (job) => {
      order.push(job.data as { n: number; priority: number });
    });
    await until(() => order.length === priorities.length, 5_000, 'prioritized jobs');
    const expected = priorities
      .map((priority, n) => ({ n, priority }))
      .sort((a, b) => a.priority - b.priority || a.n - b.n);
    assert.deepEqual(order, expected);
  });

  it('repeats a job scheduler every 100 ms until it is removed', async () => {
    const q = queue('repeat');
    const runs: number[] = [];
    worker('repeat', async (job) => {
      runs.push(Date.now());
      return job.name;
    });
    await q.upsertJobScheduler('tick', { every: 100 }, { name: 'tick', data: {} });
    await until(() => runs.length >= 3, 5_000, 'three repetitions');
    // Slots are aligned to multiples of `every`, so the first gap may be short; the spread is not.
    assert.ok(runs.at(-1)! - runs[0]! >= 100 * (runs.length - 2));
    await q.removeJobScheduler('tick');
    const atRemoval = runs.length;
    assert.deepEqual(await q.getJobSchedulers(), []);
    await new Promise((r) => setTimeout(r, 350));
    // A job already handed to the worker may still finish; no new one is scheduled.
    assert.ok(runs.length <= atRemoval + 1, `${runs.length} runs, ${atRemoval} at removal`);
    assert.ok((await q.getJobCounts('completed')).completed >= 3);
  });

  it('completes a flow parent after its children, with their results', async () => {
    const flows = new FlowProducer({ connection: connection() });
    closers.push(() => flows.close());
    const finishedChildren: string[] = [];
    worker('flow-children', async (job) => {
      finishedChildren.push(job.name);
      return `done ${job.name}`;
    });
    let parentResult: Record<string, string> | undefined;
    worker('flow-parent', async (job) => {
      assert.equal(finishedChildren.length, 4);
      parentResult = await job.getChildrenValues();
      return 'assembled';
    });
    const tree = await flows.add({
      name: 'car',
      queueName: 'flow-parent',
      children: ['wheels', 'engine', 'doors', 'seats'].map((name) => ({
        name,
        queueName: 'flow-children',
      })),
    });
    await until(async () => (await tree.job.getState()) === 'completed', 5_000, 'flow parent');
    assert.deepEqual(Object.values(parentResult ?? {}).sort(), [
      'done doors',
      'done engine',
      'done seats',
      'done wheels',
    ]);
    const parent = await queue('flow-parent').getJob(tree.job.id!);
    assert.equal(parent?.returnvalue, 'assembled');
  });
});
