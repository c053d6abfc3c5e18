/**
 * The parts of a config the semantic rules read, as every spec 3.0–3.6 schema shapes them. Only valid to
 * apply to a config that passed its strict schema; keys a given spec lacks are simply absent.
 */
export interface ConfigShape {
  ignition: {
    version: string;
    config?: { merge?: ResourceShape[]; replace?: ResourceShape };
    // Spec 3.0 allows null certificate authorities.
    security?: { tls?: { certificateAuthorities?: (ResourceShape | null)[] } };
  };
  storage?: {
    disks?: { device: string }[];
    raid?: { name: string }[];
    luks?: { name: string; keyFile?: ResourceShape }[];
    filesystems?: { device: string }[];
    files?: FileShape[];
    directories?: DirectoryShape[];
    links?: LinkShape[];
  };
  systemd?: { units?: UnitShape[] };
  passwd?: { users?: { name: string }[]; groups?: { name: string }[] };
  kernelArguments?: { shouldExist?: string[]; shouldNotExist?: string[] };
}

export interface ResourceShape {
  source?: string | null;
  compression?: string | null;
  httpHeaders?: { name: string; value?: string | null }[];
  verification?: { hash?: string | null };
}

export interface NodeShape {
  path: string;
  overwrite?: boolean | null;
  user?: OwnerShape;
  group?: OwnerShape;
}

export interface OwnerShape {
  id?: number | null;
  name?: string | null;
}

export interface FileShape extends NodeShape {
  mode?: number | null;
  contents?: ResourceShape;
  append?: ResourceShape[];
}

export interface DirectoryShape extends NodeShape {
  mode?: number | null;
}

export interface LinkShape extends NodeShape {
  target?: string | null;
  hard?: boolean | null;
}

export interface UnitShape {
  name: string;
  enabled?: boolean | null;
  mask?: boolean | null;
  contents?: string | null;
  dropins?: { name: string; contents?: string | null }[];
}
