import { describe, expect, it } from 'vitest';
import { createMemoryReportStore } from '../../src/machines/createMemoryReportStore.ts';
import { answerMachineList } from '../../src/http/advertise/answerMachineList.ts';
import type { MachineReport } from '../../src/machines/MachineReport.ts';
import { parseMachineFacts } from '../../src/machines/parseMachineFacts.ts';
import { sampleFacts } from '../machines/sampleFacts.ts';
import { fakeClock } from './fakeClock.ts';
import { startFakeKubeApi, status } from './fakeKubeApi.ts';
import { runCli } from './runCli.ts';

describe('kindling node / machines: the command line', () => {
  it.each([
    [['node'], /unknown command: kindling node/],
    [['node', 'reboot', 'a'], /unknown command: kindling node reboot/],
    [['node', 'maintenance', 'a'], /expected: node maintenance NAME on\|off/],
    [['node', 'maintenance', 'a', 'off', '--reason', 'x'], /--reason and --timeout are options of "on"/],
    [['node', 'maintenance', 'a', 'on', '--timeout', 'soon'], /--timeout must be a duration such as 30m/],
    [['node', 'remove'], /expected: node remove NAME/],
    [['node', 'remove', 'a', '--forse'], /unknown flag --forse \(did you mean --force\?\)/],
    [['machines', 'list', '-o', 'yaml'], /-o: table or json/],
    [
      ['machines', 'label', '--label-facts', 'gpu.count,colour'],
      /--label-facts: unknown colour; facts: arch, cpu.count/,
    ],
    [['machines', 'label'], /--label-facts: name at least one fact/],
  ])('%j is a usage error: exit 2, with why and the usage', async (args, why) => {
    const run = await runCli(args, startFakeKubeApi());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toContain('Usage:\n  kindling node maintenance NAME on');
    expect(run.stdout).toBe('');
  });

  it('prints the usage for help, with the facts --label-facts knows', async () => {
    const run = await runCli(['node', 'help'], startFakeKubeApi());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Facts: arch, cpu.count, cpu.model, memory.gib, gpu.count');
  });

  it.each([
    ['node', '--help'],
    ['machines', '-h'],
  ])('prints the usage for %s %s too', async (group, flag) => {
    const run = await runCli([group, flag], startFakeKubeApi());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kindling node maintenance NAME on');
  });

  it('exits 1 for a node that does not exist', async () => {
    const run = await runCli(['node', 'maintenance', 'ghost', 'on'], startFakeKubeApi());
    expect(run).toMatchObject({ code: 1, stderr: 'kindling: node ghost does not exist\n' });
  });

  it('shows drain progress on stderr when it changes, and every 15 s while it does not', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.evict = () =>
      status(429, 'TooManyRequests', 'Cannot evict', [
        'The disruption budget web needs 2 healthy pods and has 2 currently',
      ]);
    const clock = fakeClock();
    const run = await runCli(['node', 'maintenance', 'node-a', 'on', '--timeout', '40s'], api, clock);
    expect(run.code).toBe(1);
    const heads = run.stderr.split('\n').filter((line) => line.startsWith('['));
    expect(heads).toEqual([
      '[   0s] node-a: 0 moved, 1 to go',
      '[  15s] node-a: 0 moved, 1 to go',
      '[  30s] node-a: 0 moved, 1 to go',
    ]);
    expect(run.stderr).toContain(
      'kindling: node-a: timed out after 40s with 1 pod still there:\n' +
        '  default/web-1  refused: The disruption budget web needs 2 healthy pods and has 2 currently\n' +
        'The node stays cordoned, not yet tainted; run the command again to carry on.\n',
    );
  });

  it('removes a node whose token it cannot tell, and warns that it may rejoin', async () => {
    const api = startFakeKubeApi();
    const run = await runCli(['node', 'remove', 'node-a'], api, fakeClock());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'node-a: cordoned node node-a\n' +
        'node-a: evicted 0 pods\n' +
        'node-a: deleted node node-a\n' +
        'node-a: no token Secret labelled kindling.dev/machine=node-a in namespace kindling and no report from the ' +
        'machine: kindling cannot tell which token it boots with\n',
    );
    expect(run.stderr).toMatch(/^warning: no token was revoked, so node-a may boot and rejoin/);
    expect(api.nodes.has('node-a')).toBe(false);
  });

  it('lists the reports of a server with a directory source, through its metrics port', async () => {
    const reports = createMemoryReportStore();
    const parsed = parseMachineFacts(sampleFacts());
    if (!parsed.ok) throw new Error(parsed.problem);
    const report: MachineReport = {
      machine: 'gpu-worker-1',
      pool: 'workers',
      identity: 'reported',
      receivedAt: '2026-11-21T12:00:00.000Z',
      tokenFingerprint: 'abcdef01',
      remoteAddress: '192.0.2.7',
      facts: parsed.facts,
    };
    await reports.put(report);
    const asked: string[] = [];
    const fetch = (async (url: string) => {
      asked.push(url);
      const { status: code, headers, body } = await answerMachineList(reports);
      return new Response(body, { status: code, headers });
    }) as typeof globalThis.fetch;
    const run = await runCli(
      ['machines', 'list', '--metrics-url', 'http://127.0.0.1:9090/', '-o', 'json'],
      startFakeKubeApi(),
      {
        fetch,
      },
    );
    expect(asked).toEqual(['http://127.0.0.1:9090/machines']);
    expect(JSON.parse(run.stdout)).toEqual([report]);
  });
});
