import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A machine for the advertise script to look at: a root with the /etc, /proc and /sys files it reads, and a
 * bin directory put first on PATH with `uname`, `lspci` and `ip` answering as that machine would, `sleep`
 * recording instead of sleeping, and `curl` logging its arguments before running the real one.
 */
export interface FakeMachine {
  root: string;
  bin: string;
  /** One line per call: the arguments, space-separated. */
  log: (tool: 'curl' | 'sleep') => string[];
  remove(): void;
}

export function fakeMachine({
  url,
  token,
  advertise = true,
}: {
  url: string;
  token: string;
  advertise?: boolean;
}): FakeMachine {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-machine-'));
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  const file = (path: string, contents: string, mode = 0o644) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents, { mode });
  };
  if (advertise) {
    file('/etc/kindling/advertise-url', `${url}\n`);
    file('/etc/kindling/authorization', `Authorization: Bearer ${token}\n`, 0o600);
  }
  file('/etc/machine-id', '0a1b2c3d4e5f60718293a4b5c6d7e8f9\n');
  file(
    '/etc/os-release',
    'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS \\"Noble\\""\n',
  );
  file(
    '/proc/cpuinfo',
    [0, 1, 2, 3]
      .map((n) => `processor\t: ${n}\nmodel name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n\n`)
      .join(''),
  );
  file('/proc/meminfo', 'MemTotal:       16384000 kB\nMemFree:         1000 kB\n');
  file('/proc/stat', 'cpu  1 2 3\nbtime 1763712000\n');
  file('/sys/block/nvme0n1/size', '7501476528\n');
  file('/sys/block/nvme0n1/queue/rotational', '0\n');
  file('/sys/block/nvme0n1/device/model', 'SAMSUNG MZQL23T8HCLS                    \n');
  file('/sys/block/sda/size', '1953525168\n');
  file('/sys/block/sda/queue/rotational', '1\n');
  mkdirSync(join(root, '/sys/block/sda/device'), { recursive: true });
  file('/sys/block/loop0/size', '0\n');
  const pci = (slot: string, klass: string, vendor: string, device: string) => {
    file(`/sys/bus/pci/devices/${slot}/class`, `${klass}\n`);
    file(`/sys/bus/pci/devices/${slot}/vendor`, `${vendor}\n`);
    file(`/sys/bus/pci/devices/${slot}/device`, `${device}\n`);
  };
  pci('0000:01:00.0', '0x030200', '0x10de', '0x20b2');
  pci('0000:41:00.0', '0x030200', '0x10de', '0x20b2');
  pci('0000:02:00.0', '0x030000', '0x1a03', '0x2000'); // the BMC's VGA: no GPU
  pci('0000:03:00.0', '0x030000', '0x1002', '0x73bf'); // no lspci name: named by its device id
  pci('0000:00:1f.0', '0x060100', '0x8086', '0xa1c1'); // not a display controller
  file('/sys/class/net/eth0/address', '52:54:00:12:34:56\n');
  file('/sys/class/net/lo/address', '00:00:00:00:00:00\n');
  file('/sys/class/net/veth1a2b/address', 'aa:bb:cc:dd:ee:ff\n');
  file('/sys/class/net/wg0/address', '\n');

  mkdirSync(bin);
  const tool = (name: string, script: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  };
  tool(
    'uname',
    'case $1 in -n) echo Worker-7 ;; -m) echo x86_64 ;; -r) echo 6.8.0-45-generic ;; *) exit 1 ;; esac',
  );
  tool(
    'lspci',
    `case "$*" in
  *0000:01:00.0* | *0000:41:00.0*) echo '01:00.0 "3D controller" "NVIDIA Corporation" "GA100 [A100 PCIe 80GB]" -ra1 "NVIDIA Corporation" "Device 1463"' ;;
  *) exit 0 ;;
esac`,
  );
  tool(
    'ip',
    `[ "$*" = "-o addr show dev eth0" ] || exit 0
echo '2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever'
echo '2: eth0    inet6 fe80::5054:ff:fe12:3456/64 scope link \\       valid_lft forever preferred_lft forever'`,
  );
  tool('sleep', `echo "$*" >> ${join(dir, 'sleep.log')}`);
  tool(
    'curl',
    `printf '%s ' "$@" >> ${join(dir, 'curl.log')}; echo >> ${join(dir, 'curl.log')}; exec /usr/bin/curl "$@"`,
  );
  chmodSync(bin, 0o755);
  return {
    root,
    bin,
    log(name) {
      try {
        return readFileSync(join(dir, `${name}.log`), 'utf8')
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
