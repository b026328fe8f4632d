/** The Tablestore part of the construct: instance, tables, indexes, outputs and their props. */
import { JOB_INDEX_COLUMNS } from '../../runtime/core/tablestore-layout';
import { ACCOUNT, ref, REGION, resource, resources, synthPipeline } from './synth';

describe('Tablestore for job records and nonces', () => {
  test('a capacity instance, a job table with the TTL, one version, no UpdateRow, and five key-only global indexes', () => {
    const { tf, pipeline } = synthPipeline({ region: REGION, accountId: ACCOUNT, jobRecordExpirationDays: 30 });
    const instance = resource(tf, 'alicloud_ots_instance', 'JobTable/Instance');
    expect(instance).toMatchObject({ instance_type: 'Capacity', network_type_acl: ['INTERNET', 'VPC'] });
    expect(instance.name).toMatch(/^[a-z][a-z0-9]{0,8}-[0-9a-f]{6}$/);
    expect(instance.name.length).toBeLessThanOrEqual(16);

    const jobs = resource(tf, 'alicloud_ots_table', 'JobTable/Jobs');
    const instanceName = ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name');
    expect(jobs).toMatchObject({
      instance_name: instanceName,
      table_name: `${pipeline.namePrefix.replace(/-/g, '_')}_jobs`,
      primary_key: [{ name: 'id', type: 'String' }],
      time_to_live: 30 * 86_400,
      max_version: 1,
      allow_update: false,
    });
    expect(jobs.defined_column.map((c: { name: string }) => c.name).sort()).toEqual(['created', 'pending', 'pipeline', 'pipeline_state', 'state']);

    const indexes = resources(tf, 'alicloud_ots_secondary_index').map(([, r]) => r);
    expect(indexes).toHaveLength(5);
    for (const i of indexes) {
      expect(i).toMatchObject({ instance_name: instanceName, table_name: ref(tf, 'alicloud_ots_table', 'JobTable/Jobs', 'table_name'), index_type: 'Global', include_base_data: true, defined_columns: [] });
      expect(i.index_name.startsWith(`${jobs.table_name}_`)).toBe(true);
    }
    expect(indexes.map((i) => i.primary_keys.join(',')).sort()).toEqual(Object.values(JOB_INDEX_COLUMNS).map((c) => c.join(',')).sort());

    expect(resource(tf, 'alicloud_ots_table', 'JobTable/Nonces')).toMatchObject({ primary_key: [{ name: 'key', type: 'String' }], time_to_live: 86_400, max_version: 1, allow_update: false });
    const outputs = Object.fromEntries(Object.entries(tf.output).map(([k, o]) => [k.replace(/_[0-9A-F]{8}$/, '').replace(/^Snapshots_/, ''), (o as { value: string }).value]));
    expect(outputs).toMatchObject({ tablestore_instance: instanceName, job_table: jobs.table_name, nonce_table: `${jobs.table_name.replace(/_jobs$/, '')}_nonces` });
    expect(outputs.tablestore_endpoint).toBe(`https://${instanceName}.${REGION}.ots.aliyuncs.com`);
  });

  test('an existing instance is used by name: no instance resource, the tables are created in it', () => {
    const { tf, pipeline } = synthPipeline({ region: REGION, accountId: ACCOUNT, existingTablestoreInstanceName: 'shared-ots', jobTableName: 'team_jobs', nonceTableName: 'team_nonces' });
    expect(resources(tf, 'alicloud_ots_instance')).toHaveLength(0);
    expect(resource(tf, 'alicloud_ots_table', 'JobTable/Jobs')).toMatchObject({ instance_name: 'shared-ots', table_name: 'team_jobs', time_to_live: 90 * 86_400 });
    expect(pipeline.tablestoreEndpoint).toBe(`https://shared-ots.${REGION}.ots.aliyuncs.com`);
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables).toMatchObject({
      SNAPSHOT_OTS_INSTANCE: 'shared-ots',
      SNAPSHOT_OTS_JOB_TABLE: 'team_jobs',
      SNAPSHOT_OTS_NONCE_TABLE: 'team_nonces',
    });
  });

  test('invalid Tablestore props are reported together', () => {
    expect(() =>
      synthPipeline({ tablestoreInstanceName: 'ok-name', existingTablestoreInstanceName: 'x', jobTableName: '1jobs', nonceTableName: 'same', jobRecordExpirationDays: 0 }),
    ).toThrow(
      [
        'jobRecordExpirationDays must be an integer in 1..24855, got 0',
        'existingTablestoreInstanceName must be 3..16 letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "x"',
        'tablestoreInstanceName and existingTablestoreInstanceName are exclusive: name the instance to create, or the one to use',
        'jobTableName must be letters, digits and underscores, not starting with a digit, got "1jobs"',
      ].join('\n  '),
    );
    expect(() => synthPipeline({ jobTableName: 'same', nonceTableName: 'same' })).toThrow('jobTableName and nonceTableName must differ (both "same")');
  });
});
