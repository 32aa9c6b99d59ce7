import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import {
  evaluateConfigPolicy,
  evaluateSignaturePolicy,
  IdentityResolver,
  parseConfig,
  validIdentities,
  type ChannelConfig,
  type ResolvedIdentity,
  type SignedData,
} from '../../../../gateway-client/src/audit/trust';
import { envelopeOf, genesisConfig, mspValue, org, outOf, rules, singleOrgConfig } from './support/chain';
import { createCa, issue, type SigningIdentity } from './support/pki';

const nhsa = org('NHSAMSP');
const gd = org('GuangdongMSP');
const sc = org('SichuanMSP');
const sx = org('ShaanxiMSP');

function signed(identity: SigningIdentity, data = Buffer.from('payload')): SignedData {
  return { identity: identity.serialized, data, signature: identity.sign(data) };
}

describe('policy evaluation (cauthdsl / ImplicitMeta semantics)', () => {
  let config: ChannelConfig;
  let resolver: IdentityResolver;
  const ids = (...signers: SigningIdentity[]): ResolvedIdentity[] =>
    validIdentities(
      signers.map((s) => signed(s)),
      resolver,
    ).identities as ResolvedIdentity[];
  const holds = (envelope: common.SignaturePolicyEnvelope, ...signers: SigningIdentity[]): boolean =>
    evaluateSignaturePolicy(envelope, ids(...signers), (id, p) => resolver.satisfiesPrincipal(id, p));

  before(() => {
    config = parseConfig(genesisConfig(), 'catalog');
    resolver = new IdentityResolver(config);
  });

  it('reads the config tree: orgs, MSPs with NodeOUs, policies', () => {
    expect(config.ordererOrgs).to.deep.equal(['GuangdongMSP', 'NHSAMSP', 'SichuanMSP']);
    expect(config.applicationOrgs).to.deep.equal(['GuangdongMSP', 'NHSAMSP', 'ShaanxiMSP', 'SichuanMSP']);
    expect(config.msps.get('NHSAMSP')?.nodeOus).to.deep.include({ enabled: true });
    expect(config.msps.get('NHSAMSP')?.nodeOus?.orderer?.organizationalUnitIdentifier).to.equal('orderer');
    expect(config.msps.get('ShaanxiMSP')?.rootCerts).to.have.length(1);
    const orderer = config.root.groups.get('Orderer');
    expect(orderer?.policies.get('BlockValidation')?.policy).to.deep.equal({
      kind: 'implicitMeta',
      rule: 'ANY',
      subPolicy: 'Writers',
    });
    expect(config.root.groups.get('Application')?.policies.get('LifecycleEndorsement')?.policy.kind).to.equal(
      'implicitMeta',
    );
    expect(
      config.root.groups.get('Application')?.groups.get('ShaanxiMSP')?.policies.get('Endorsement')?.policy
        .kind,
    ).to.equal('signature');
    expect(config.problems).to.deep.equal([]);
  });

  it('classifies identities by NodeOU and checks their chain', () => {
    expect(resolver.resolve(nhsa.peer.serialized)).to.include({
      mspId: 'NHSAMSP',
      valid: true,
      role: 'peer',
    });
    expect(resolver.resolve(gd.client.serialized)).to.include({ valid: true, role: 'client' });
    expect(resolver.resolve(sc.orderer.serialized)).to.include({ valid: true, role: 'orderer' });
    expect(resolver.resolve(sx.admin.serialized)).to.include({ valid: true, role: 'admin' });
    const rogue = resolver.resolve(issue(createCa('NHSAMSP'), 'peer9', 'peer').serialized);
    expect(rogue.valid).to.equal(false);
    expect(rogue.problem).to.match(/not issued by a root or intermediate CA of MSP NHSAMSP/);
    const noOu = resolver.resolve(issue(nhsa.ca, 'x', 'department7').serialized);
    expect(noOu.valid).to.equal(false);
    expect(noOu.problem).to.match(/no NodeOU/);
    expect(resolver.resolve(issue(createCa('EvilMSP'), 'p', 'peer').serialized).problem).to.match(
      /not defined/,
    );
  });

  it('NOutOf: needs n distinct satisfied rules', () => {
    const twoOfFour = outOf(2, [
      ['NHSAMSP', 'peer'],
      ['GuangdongMSP', 'peer'],
      ['SichuanMSP', 'peer'],
      ['ShaanxiMSP', 'peer'],
    ]);
    expect(holds(twoOfFour, nhsa.peer, gd.peer)).to.equal(true);
    expect(holds(twoOfFour, sx.peer, sc.peer, nhsa.client)).to.equal(true);
    expect(holds(twoOfFour, nhsa.peer)).to.equal(false);
    expect(
      holds(twoOfFour, nhsa.peer, nhsa.peer1),
      'two principals of different orgs need two orgs',
    ).to.equal(false);
    expect(holds(outOf(0, []))).to.equal(true);
    // AND(OR(A.peer, B.peer), C.peer)
    const nested = envelopeOf(
      [
        ['NHSAMSP', 'peer'],
        ['GuangdongMSP', 'peer'],
        ['SichuanMSP', 'peer'],
      ],
      rules.nOutOf(2, [rules.nOutOf(1, [rules.signedBy(0), rules.signedBy(1)]), rules.signedBy(2)]),
    );
    expect(holds(nested, gd.peer, sc.peer)).to.equal(true);
    expect(holds(nested, nhsa.peer, gd.peer)).to.equal(false);
    // an index out of range never compiles, so rejects
    expect(holds(envelopeOf([['NHSAMSP', 'peer']], rules.signedBy(3)), nhsa.peer)).to.equal(false);
  });

  it('PEER vs MEMBER vs CLIENT vs ADMIN vs ORDERER principals', () => {
    const peerOnly = outOf(1, [['NHSAMSP', 'peer']]);
    const member = outOf(1, [['NHSAMSP', 'member']]);
    expect(holds(peerOnly, nhsa.peer)).to.equal(true);
    expect(holds(peerOnly, nhsa.client)).to.equal(false);
    expect(holds(peerOnly, nhsa.orderer)).to.equal(false);
    expect(holds(peerOnly, gd.peer), 'another MSP').to.equal(false);
    for (const who of [nhsa.peer, nhsa.client, nhsa.admin, nhsa.orderer]) {
      expect(holds(member, who), who.cn).to.equal(true);
    }
    expect(holds(member, issue(createCa('NHSAMSP'), 'fake', 'client')), 'not a valid member').to.equal(false);
    expect(holds(outOf(1, [['NHSAMSP', 'client']]), nhsa.client)).to.equal(true);
    expect(holds(outOf(1, [['NHSAMSP', 'client']]), nhsa.peer)).to.equal(false);
    expect(holds(outOf(1, [['NHSAMSP', 'admin']]), nhsa.admin)).to.equal(true);
    expect(holds(outOf(1, [['NHSAMSP', 'admin']]), nhsa.client)).to.equal(false);
    expect(holds(outOf(1, [['NHSAMSP', 'orderer']]), nhsa.orderer)).to.equal(true);
    expect(holds(outOf(1, [['NHSAMSP', 'orderer']]), nhsa.peer)).to.equal(false);
  });

  it('ADMIN is also satisfied by an admin certificate listed in the MSP', () => {
    const listed = issue(nhsa.ca, 'legacy-admin', 'client');
    const config = singleOrgConfig('NHSAMSP', mspValue('NHSAMSP', { admins: [listed] }));
    const r = new IdentityResolver(parseConfig(config, 'catalog'));
    const id = validIdentities([signed(listed)], r).identities;
    expect(
      evaluateSignaturePolicy(outOf(1, [['NHSAMSP', 'admin']]), id, (i, p) => r.satisfiesPrincipal(i, p)),
    ).to.equal(true);
  });

  it('checks NodeOUs bound to a CA certificate (certifiers identifier of the chain)', () => {
    const other = createCa('NHSAMSP');
    const config = singleOrgConfig(
      'NHSAMSP',
      mspValue('NHSAMSP', { extraRoots: [other], bindOusToCa: true }),
    );
    const r = new IdentityResolver(parseConfig(config, 'catalog'));
    expect(r.resolve(nhsa.peer.serialized)).to.include({ valid: true, role: 'peer' });
    const fromOtherRoot = r.resolve(issue(other, 'peer7', 'peer').serialized);
    expect(fromOtherRoot.valid).to.equal(false);
    expect(fromOtherRoot.problem).to.match(/certifiersIdentifier does not match/);
    expect([...r.unsupported]).to.deep.equal([]);
  });

  it('counts one signer once, whatever the number of its signatures', () => {
    const twoOfFour = outOf(2, [
      ['NHSAMSP', 'peer'],
      ['NHSAMSP', 'member'],
      ['GuangdongMSP', 'peer'],
      ['SichuanMSP', 'peer'],
    ]);
    const twice = validIdentities([signed(nhsa.peer), signed(nhsa.peer, Buffer.from('other'))], resolver);
    expect(twice.identities).to.have.length(1);
    expect(twice.rejected.map((r) => r.kind)).to.deep.equal(['duplicate']);
    expect(
      evaluateSignaturePolicy(twoOfFour, twice.identities, (i, p) => resolver.satisfiesPrincipal(i, p)),
    ).to.equal(false);
    // a single identity satisfies at most one SignedBy, even if it matches several principals
    expect(holds(twoOfFour, nhsa.peer)).to.equal(false);
    expect(holds(twoOfFour, nhsa.peer, nhsa.client)).to.equal(true);
    // a bad signature first does not "use up" the identity: its later valid signature counts
    const bad = { ...signed(nhsa.peer), signature: Buffer.from(signed(gd.peer).signature) };
    const afterBad = validIdentities([bad, signed(nhsa.peer)], resolver);
    expect(afterBad.identities.map((i) => i.mspId)).to.deep.equal(['NHSAMSP']);
    expect(afterBad.rejected.map((r) => r.kind)).to.deep.equal(['signature']);
  });

  it('ImplicitMeta ANY / MAJORITY / ALL over the sub-groups', () => {
    const evaluate = (path: string, ...signers: SigningIdentity[]): boolean =>
      evaluateConfigPolicy(config, path, ids(...signers), resolver).satisfied;
    // ANY Writers of the orderer orgs: Writers = OR('<MSP>.orderer')
    expect(evaluate('/Channel/Orderer/BlockValidation', gd.orderer)).to.equal(true);
    expect(evaluate('/Channel/Orderer/BlockValidation', gd.peer, nhsa.client, sc.admin)).to.equal(false);
    expect(evaluate('/Channel/Orderer/BlockValidation', sx.orderer), 'not an orderer org').to.equal(false);
    // MAJORITY Endorsement of 4 application orgs = 3
    expect(evaluate('/Channel/Application/LifecycleEndorsement', nhsa.peer, gd.peer)).to.equal(false);
    expect(evaluate('/Channel/Application/LifecycleEndorsement', nhsa.peer, gd.peer, sx.peer)).to.equal(true);
    expect(evaluate('/Channel/Application/Endorsement', nhsa.peer, gd.client, sx.peer, sc.peer)).to.equal(
      true,
    );
    // MAJORITY Admins of the orderer group (3 orgs → 2)
    expect(evaluate('/Channel/Orderer/Admins', nhsa.admin)).to.equal(false);
    expect(evaluate('/Channel/Orderer/Admins', nhsa.admin, sc.admin)).to.equal(true);
    // nested: /Channel/Writers = ANY of Orderer/Writers and Application/Writers
    expect(evaluate('/Channel/Writers', sx.client)).to.equal(true);
    expect(evaluateConfigPolicy(config, '/Channel/Application/Nope', [], resolver).found).to.equal(false);
  });

  it('ALL, and a missing sub-policy rejects', () => {
    const meta = new common.ImplicitMetaPolicy();
    meta.setRule(common.ImplicitMetaPolicy.Rule.ALL);
    meta.setSubPolicy('Endorsement');
    const policy = new common.Policy();
    policy.setType(common.Policy.PolicyType.IMPLICIT_META);
    policy.setValue(meta.serializeBinary());
    const cp = new common.ConfigPolicy();
    cp.setPolicy(policy);
    const raw = genesisConfig();
    const app = raw.getChannelGroup()?.getGroupsMap() as unknown as {
      get(k: string): common.ConfigGroup | undefined;
    };
    (
      app.get('Application')?.getPoliciesMap() as unknown as { set(k: string, v: common.ConfigPolicy): void }
    ).set('AllEndorse', cp);
    const c = parseConfig(raw, 'catalog');
    const r = new IdentityResolver(c);
    const all = (...s: SigningIdentity[]): boolean =>
      evaluateConfigPolicy(
        c,
        '/Channel/Application/AllEndorse',
        validIdentities(
          s.map((x) => signed(x)),
          r,
        ).identities,
        r,
      ).satisfied;
    expect(all(nhsa.peer, gd.peer, sc.peer)).to.equal(false);
    expect(all(nhsa.peer, gd.peer, sc.peer, sx.peer)).to.equal(true);
    // the orderer orgs have no Endorsement policy: ALL of them cannot be met
    meta.setSubPolicy('Endorsement');
    expect(
      evaluateConfigPolicy(
        c,
        '/Channel/Orderer/BlockValidation',
        validIdentities([signed(nhsa.peer)], r).identities,
        r,
      ).satisfied,
    ).to.equal(false);
  });
});
