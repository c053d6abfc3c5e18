import { z } from 'zod';
import { SPEC_VERSIONS } from '../payload/SpecVersion.ts';
import { labelKey, labelValue, qualifiedName } from './kubernetesLabels.ts';
import { checkTemplateRules } from './checkTemplateRules.ts';
import {
  absolutePath,
  bootstrapTokenValue,
  caCertHashValue,
  certificateKeyValue,
  dnsLabel,
  dnsSubdomain,
  downloadHash,
  hostPort,
  hostname,
  httpUrl,
  scalarText,
  singleLine,
} from './templateFormats.ts';

/*
 * kindling.dev/v1 NodeTemplate: what a token Secret's `data.template` holds. Every object is strict, so a
 * misspelt field is an error rather than a silently ignored setting. Defaults are applied here, so a parsed
 * template is complete; README.md ("Node templates") lists them.
 */

const oneOf = (keys: readonly string[]) => (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const set = keys.filter((key) => value[key] !== undefined);
  if (set.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `set exactly one of ${keys.join(', ')}` });
  }
};

const bootstrapToken = z
  .strictObject({
    value: bootstrapTokenValue.optional(),
    secretRef: z
      .strictObject({
        name: z
          .string()
          .regex(
            /^bootstrap-token-[a-z0-9]{6}$/,
            'must be bootstrap-token-<token id> (a Secret in kube-system)',
          ),
      })
      .optional(),
  })
  .superRefine(oneOf(['value', 'secretRef']));

const secretKeyRef = z.strictObject({
  namespace: dnsLabel,
  name: dnsSubdomain,
  key: z.string().regex(/^[-._A-Za-z0-9]+$/, 'must be a Secret data key ([-._A-Za-z0-9])'),
});

const cluster = z.strictObject({
  apiServerEndpoint: hostPort.optional(),
  bootstrapToken,
  caCertHashes: z.array(caCertHashValue).min(1, 'list at least one hash, or leave the field out').optional(),
});

const controlPlane = z.strictObject({
  certificateKey: z
    .strictObject({ value: certificateKeyValue.optional(), secretRef: secretKeyRef.optional() })
    .superRefine(oneOf(['value', 'secretRef'])),
  advertiseAddress: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  bindPort: z.int().min(1).max(65535).default(6443),
});

const hostnamePolicy = z
  .discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('keep') }),
    z.strictObject({ policy: z.literal('fixed'), name: hostname }),
    z.strictObject({ policy: z.literal('machine-name') }),
    z.strictObject({
      policy: z.literal('machine-id'),
      prefix: z
        .string()
        .regex(/^[a-z0-9][-a-z0-9]{0,49}$/, 'must be 1–50 characters [a-z0-9-], starting alphanumeric')
        .default('node-'),
    }),
  ])
  .prefault({ policy: 'keep' });

const taint = z.strictObject({
  key: qualifiedName,
  value: labelValue.optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const node = z
  .strictObject({
    hostname: hostnamePolicy,
    labels: z.record(labelKey, scalarText.pipe(labelValue)).default({}),
    taints: z.array(taint).optional(),
    kubeletExtraArgs: z
      .record(
        z.string().regex(/^[a-z0-9][-a-z0-9]*$/, 'must be a kubelet flag name, without the leading --'),
        scalarText,
      )
      .default({}),
    criSocket: z
      .string()
      .regex(/^unix:\/\/\/[^\s]+$/, 'must be a unix:/// socket URL')
      .default('unix:///run/containerd/containerd.sock'),
    ignorePreflightErrors: z
      .array(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a kubeadm preflight check name'))
      .default([]),
  })
  .prefault({});

const DEFAULT_SYSCTLS = {
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'net.ipv4.ip_forward': '1',
};

const host = z
  .strictObject({
    disableSwap: z.boolean().default(true),
    kernelModules: z
      .array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a kernel module name'))
      .default(['overlay', 'br_netfilter']),
    sysctls: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9_][-A-Za-z0-9_.*/]*$/, 'must be a sysctl name, such as net.ipv4.ip_forward'),
        scalarText.pipe(singleLine),
      )
      .default(DEFAULT_SYSCTLS),
    containerd: z
      .strictObject({ configure: z.boolean().default(true), systemdCgroup: z.boolean().default(true) })
      .prefault({}),
  })
  .prefault({});

const download = z.strictObject({ url: httpUrl, hash: downloadHash });

const binaries = z
  .discriminatedUnion('source', [
    z.strictObject({ source: z.literal('image') }),
    z.strictObject({
      source: z.literal('download'),
      directory: absolutePath.default('/opt/bin'),
      kubeadm: download,
      kubelet: download,
      kubectl: download.optional(),
    }),
  ])
  .prefault({ source: 'image' });

const user = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a user name ([a-z_][a-z0-9_-], at most 32)'),
  sshAuthorizedKeys: z.array(singleLine.min(1, 'must not be empty')).default([]),
  groups: z.array(z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a group name')).default([]),
  passwordHash: singleLine.min(1, 'must not be empty').optional(),
  shell: absolutePath.optional(),
});

const ignition = z
  .strictObject({
    version: z.enum(SPEC_VERSIONS).default('3.4.0'),
    fragment: z.record(z.string(), z.unknown()).optional(),
  })
  .prefault({});

const fields = z.strictObject({
  apiVersion: z.literal('kindling.dev/v1'),
  kind: z.literal('NodeTemplate'),
  cluster,
  role: z.enum(['worker', 'control-plane']).default('worker'),
  controlPlane: controlPlane.optional(),
  node,
  host,
  binaries,
  users: z.array(user).default([]),
  ignition,
});

/** A parsed template, every default applied. */
export type NodeTemplate = z.output<typeof fields>;

export const NodeTemplateSchema = fields.superRefine(checkTemplateRules);
/** What a template author writes. */
export type NodeTemplateInput = z.input<typeof NodeTemplateSchema>;
export type SecretKeyRef = z.output<typeof secretKeyRef>;
