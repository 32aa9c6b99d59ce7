/**
 * Test doubles for the network tooling: a scripted command runner standing in for every Fabric CLI
 * (nothing real runs), a fake Fabric installation whose binaries only answer `version`, a small fake
 * chaincode folder, and a topology moved off the ports of a network that may be running.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setChaincodeSource, type ChaincodeSource } from '../../../../network/src/chaincode-package';
import { missingParts, type FabricInstall } from '../../../../network/src/fabric-home';
import { CommandError, setCommandRunner, type CommandRunner } from '../../../../network/src/run-command';
import type { Topology } from '../../../../network/src/topology';

/** One command the code under test ran. */
export interface Call {
  /** Base name of the binary: `peer`, `osnadmin`, `configtxgen`, `fabric-ca-client`, `fabric-ca-server`. */
  readonly bin: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Answers one call with its output; throw (e.g. {@link failure}) to make the command fail. */
export type Responder = (call: Call) => string | Promise<string>;

/** The `args.join(' ')` of a call, to match on. */
export function line(call: Pick<Call, 'args'>): string {
  return call.args.join(' ');
}

/** The value after `flag` in a call's arguments. */
export function argAfter(call: Pick<Call, 'args'>, flag: string): string {
  const at = call.args.indexOf(flag);
  const value = at >= 0 ? call.args[at + 1] : undefined;
  if (value === undefined) throw new Error(`no ${flag} in ${line(call)}`);
  return value;
}

/** A failed command, as runCommand reports it. */
export function failure(call: Pick<Call, 'bin' | 'args'>, output: string): CommandError {
  return new CommandError(`${call.bin} ${call.args[0] ?? ''} failed: ${output}`, '', output);
}

/** Replaces runCommand with `respond` and records every call; `restore()` puts the real runner back. */
export class ScriptedRunner {
  public readonly calls: Call[] = [];
  private previous: CommandRunner | null = null;

  public constructor(public respond: Responder) {}

  public install(): this {
    this.previous = setCommandRunner((command, args, env, timeoutMs) => {
      const call: Call = { bin: path.basename(command), command, args: [...args], env, timeoutMs };
      this.calls.push(call);
      return Promise.resolve().then(() => this.respond(call));
    });
    return this;
  }

  public restore(): void {
    setCommandRunner(this.previous);
    this.previous = null;
  }

  /** The calls of one binary (optionally whose arguments start with `prefix`). */
  public of(bin: string, prefix = ''): Call[] {
    return this.calls.filter((call) => call.bin === bin && line(call).startsWith(prefix));
  }
}

/** Throws for a call no test expected, so nothing unplanned can pass silently. */
export function unexpected(call: Call): never {
  throw new Error(`unscripted command: ${call.bin} ${line(call)}`);
}

/** A FabricInstall value for code that only needs the binaries' paths (nothing is run from it). */
export function fabricAt(home: string): FabricInstall {
  return {
    home,
    binDir: path.join(home, 'bin'),
    configDir: path.join(home, 'config'),
    source: 'FABRIC_HOME',
    version: '3.1.5',
    caVersion: '1.5.21',
  };
}

/**
 * Lays out a complete fake Fabric installation in `home`: every binary is a shell script that only
 * prints a version (for findFabric's check), config/ holds a minimal core.yaml and orderer.yaml.
 * It is complete, so findFabric never falls back to a real installation in the per-user cache.
 */
export function fakeFabricHome(home: string): FabricInstall {
  mkdirSync(path.join(home, 'bin'), { recursive: true });
  mkdirSync(path.join(home, 'config'), { recursive: true });
  for (const binary of ['peer', 'orderer', 'configtxgen', 'osnadmin', 'fabric-ca-client']) {
    writeFileSync(path.join(home, 'bin', binary), '#!/bin/sh\necho " Version: 3.1.5"\n');
    chmodSync(path.join(home, 'bin', binary), 0o755);
  }
  writeFileSync(path.join(home, 'bin', 'fabric-ca-server'), '#!/bin/sh\necho " Version: 1.5.21"\n');
  chmodSync(path.join(home, 'bin', 'fabric-ca-server'), 0o755);
  writeFileSync(path.join(home, 'config', 'core.yaml'), 'peer:\n  id: x\nchaincode:\n  mode: net\n');
  writeFileSync(path.join(home, 'config', 'orderer.yaml'), 'General: {}\n');
  const missing = missingParts(home);
  if (missing.length > 0) throw new Error(`fake Fabric incomplete: ${missing.join(', ')}`);
  return fabricAt(home);
}

/** Sets FABRIC_HOME for the duration of a test; returns the function that restores it. */
export function withFabricHome(home: string): () => void {
  const before = process.env.FABRIC_HOME;
  process.env.FABRIC_HOME = home;
  return () => {
    if (before === undefined) delete process.env.FABRIC_HOME;
    else process.env.FABRIC_HOME = before;
  };
}

/** What a {@link FakeChaincode} saw. */
export interface FakeChaincode {
  readonly source: ChaincodeSource;
  compiled: number;
  installs: string[];
}

/**
 * A small chaincode folder (manifest, lockfile, `dist/`) in `dir`, with a compile step that does
 * nothing and a dependency install that writes one module into the staging folder.
 */
export function fakeChaincode(dir: string, code = 'module.exports = {};\n'): FakeChaincode {
  mkdirSync(path.join(dir, 'dist', 'lib'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fake-cc","version":"1.0.0"}\n');
  writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
  writeFileSync(path.join(dir, 'dist', 'index.js'), code);
  writeFileSync(path.join(dir, 'dist', 'lib', 'util.js'), 'exports.x = 1;\n');
  const fake: FakeChaincode = {
    compiled: 0,
    installs: [],
    source: {
      dir,
      compile: () => {
        fake.compiled += 1;
      },
      installDependencies: (stage) => {
        fake.installs.push(stage);
        mkdirSync(path.join(stage, 'node_modules', 'dep'), { recursive: true });
        writeFileSync(path.join(stage, 'node_modules', 'dep', 'index.js'), 'exports.dep = true;\n');
      },
    },
  };
  return fake;
}

/** Points the package build at `fake` until the returned function is called. */
export function useChaincode(fake: FakeChaincode): () => void {
  const previous = setChaincodeSource(fake.source);
  return () => {
    setChaincodeSource(previous);
  };
}

/** `topology` with every port moved by `by` (away from 21000-21499, where a real network may run). */
export function shiftPorts(topology: Topology, by: number): Topology {
  const shift = <T extends object>(ports: T): T =>
    Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, (value as number) + by])) as T;
  return {
    ...topology,
    orgs: topology.orgs.map((org) => ({
      ...org,
      ca: shift(org.ca),
      peer: shift(org.peer),
      ...(org.orderer ? { orderer: shift(org.orderer) } : {}),
    })),
  };
}

/** What the fake Fabric CA wrote: one counter so every enrolment gets distinct files. */
export interface FakeCa {
  readonly respond: Responder;
  enrolments: number;
}

/**
 * Answers `fabric-ca-server init` and `fabric-ca-client enroll|register` as the real ones would lay
 * out their files: init writes the CA home (certificate, configuration, a key with a loose mode),
 * enroll writes `cacerts/`, `keystore/` and `signcerts/cert.pem` into `--mspdir`.
 */
export function fakeCa(): FakeCa {
  const ca: FakeCa = {
    enrolments: 0,
    respond: (call) => {
      if (call.bin === 'fabric-ca-server' && call.args[0] === 'init') {
        const home = argAfter(call, '--home');
        mkdirSync(path.join(home, 'msp', 'keystore'), { recursive: true });
        writeFileSync(path.join(home, 'ca-cert.pem'), `CA certificate of ${argAfter(call, '--ca.name')}\n`);
        writeFileSync(path.join(home, 'fabric-ca-server-config.yaml'), 'registry: {}\n', { mode: 0o644 });
        writeFileSync(path.join(home, 'msp', 'keystore', 'ca_sk'), 'CA key', { mode: 0o644 });
        return 'Initialized CA\n';
      }
      if (call.bin === 'fabric-ca-client' && call.args[0] === 'enroll') {
        ca.enrolments += 1;
        const msp = argAfter(call, '--mspdir');
        for (const sub of ['cacerts', 'keystore', 'signcerts'])
          mkdirSync(path.join(msp, sub), { recursive: true });
        writeFileSync(path.join(msp, 'cacerts', '127-0-0-1-7054.pem'), 'CA certificate\n');
        writeFileSync(path.join(msp, 'keystore', `key${ca.enrolments}_sk`), `key ${ca.enrolments}`, {
          mode: 0o644,
        });
        writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), `certificate ${ca.enrolments}\n`);
        return 'Stored client certificate\n';
      }
      if (call.bin === 'fabric-ca-client' && call.args[0] === 'register') return '';
      return unexpected(call);
    },
  };
  return ca;
}
