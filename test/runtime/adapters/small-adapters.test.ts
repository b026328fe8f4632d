import { StaticPipelineRegistry } from '../../../runtime/adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../../../runtime/adapters/random-ids';
import { systemClock } from '../../../runtime/adapters/system-clock';

describe('ids, clock and pipeline registry', () => {
  it('job ids are 32 lower-case hex and request ids upper-case UUIDs, all distinct', () => {
    const jobIds = new Set(Array.from({ length: 1000 }, () => randomIds.jobId()));
    expect(jobIds.size).toBe(1000);
    for (const id of jobIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    const requestIds = new Set(Array.from({ length: 1000 }, () => randomIds.requestId()));
    expect(requestIds.size).toBe(1000);
    for (const id of requestIds) expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('the system clock reads the current time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('the static registry finds pipelines by id and knows the default', async () => {
    const p = { id: 'a'.repeat(32), name: 'default', state: 'Active' as const, topic: 't' };
    const registry = new StaticPipelineRegistry([p], p.id);
    expect(await registry.get(p.id)).toEqual(p);
    expect(await registry.get('b'.repeat(32))).toBeUndefined();
    expect(registry.defaultPipelineId).toBe(p.id);
    expect(new StaticPipelineRegistry([]).defaultPipelineId).toBeUndefined();
    expect(() => new StaticPipelineRegistry([p], 'c'.repeat(32))).toThrow(/default pipeline/);
  });
});
