/** Normalising item and overlay inputs into stored records. */
import { raise } from '../lib/errors';
import { computeItemId, normaliseIdText } from '../lib/item-id';
import { normaliseProvince } from '../lib/orgs';
import type {
  Governance,
  Item,
  ItemInput,
  ItemSummary,
  Overlay,
  OverlayInput,
  RestrictionRules,
} from './types';

/** Checks an item's (or, with `province`, an overlay's) restriction rules; null when there are none. */
function checkRules(
  rules: RestrictionRules | null | undefined,
  itemId: string,
  province: string | null = null,
): RestrictionRules | null {
  if (rules === null || rules === undefined) {
    return null;
  }
  const { minAge, maxAge } = rules;
  if (minAge !== undefined && maxAge !== undefined && minAge > maxAge) {
    if (province === null) raise('INVALID_INPUT.ageRange', { itemId, minAge, maxAge });
    raise('INVALID_INPUT.overlayAgeRange', { itemId, province, minAge, maxAge });
  }
  return Object.keys(rules).length === 0 ? null : rules;
}

/** The id prefix an item of this kind (and owning province code) must carry. */
function idPrefix(kind: Item['kind'], provinceCode: string | null): string {
  switch (kind) {
    case 'drug':
      return 'D-';
    case 'herbal':
      return 'H-';
    case 'service':
      return `S-${provinceCode ?? ''}-`;
    case 'material':
      return `M-${provinceCode ?? ''}-`;
  }
}

/**
 * Validates the cross-field rules of an item and fills every optional field; the province, in any
 * form the governance record lists, becomes its canonical name.
 */
export function normaliseItem(g: Pick<Governance, 'provinces'>, input: ItemInput): Item {
  const provincial = input.kind === 'service' || input.kind === 'material';
  const province =
    input.province === undefined || input.province === null ? null : normaliseProvince(g, input.province);
  if (provincial && province === null) {
    raise('INVALID_INPUT.provinceRequired', { kind: input.kind });
  }
  if (!provincial && province !== null) {
    raise('INVALID_INPUT.provinceNotAllowed', { kind: input.kind });
  }
  const period = input.agreementPeriod ?? null;
  if (period !== null && period.from > period.to) {
    raise('INVALID_INPUT.agreementPeriod', { from: period.from, to: period.to });
  }
  if (input.id !== undefined) {
    const prefix = idPrefix(input.kind, province?.code ?? null);
    if (!input.id.startsWith(prefix) || input.id.length === prefix.length) {
      raise('ID_MISMATCH.prefix', { itemId: input.id, kind: input.kind, prefix });
    }
  }
  const id =
    input.id ??
    computeItemId({
      kind: input.kind,
      name: input.name,
      dosageForm: input.dosageForm ?? null,
      provinceCode: province?.code ?? null,
      code: input.code ?? null,
    });
  const codes = input.codes ?? [];
  return {
    id,
    kind: input.kind,
    section: input.section,
    number: input.number ?? null,
    class: input.class ?? null,
    categoryCode: input.categoryCode ?? null,
    categoryPath: input.categoryPath ?? [],
    name: input.name,
    dosageForm: input.dosageForm ?? null,
    remark: input.remark ?? null,
    rules: checkRules(input.rules, id),
    paymentStandard: input.paymentStandard ?? null,
    agreementPeriod: period,
    fundPayable: input.fundPayable,
    provenance: {
      edition: input.provenance.edition,
      sourceRow: input.provenance.sourceRow ?? null,
      source: input.provenance.source ?? null,
    },
    province: province?.name ?? null,
    code: input.code ?? null,
    // absent when none, so the records of items without further codes stay as they were
    ...(codes.length === 0 ? {} : { codes: [...codes].sort() }),
    unit: input.unit ?? null,
    prices: input.prices ?? null,
  };
}

/** The organisation owning an item's keys: the province for service/material, else NHSA. */
export function ownerMspOf(
  g: Pick<Governance, 'nationalMsp' | 'provinces'>,
  item: Pick<Item, 'province'>,
): string {
  return item.province === null ? g.nationalMsp : normaliseProvince(g, item.province).mspId;
}

/** Fills an overlay's optional fields; the province becomes its canonical name. */
export function normaliseOverlay(g: Pick<Governance, 'provinces'>, input: OverlayInput): Overlay {
  const province = normaliseProvince(g, input.province).name;
  return {
    itemId: input.itemId,
    province,
    prices: input.prices ?? null,
    selfPayRatio: input.selfPayRatio ?? null,
    restriction: input.restriction ?? null,
    rules: checkRules(input.rules, input.itemId, province),
    suspended: input.suspended ?? false,
  };
}

/** The search summary of an item. */
export function summarise(item: Item): ItemSummary {
  return {
    itemId: item.id,
    kind: item.kind,
    name: item.name,
    dosageForm: item.dosageForm,
    section: item.section,
    number: item.number,
    class: item.class,
    categoryCode: item.categoryCode,
    province: item.province,
    code: item.code,
    fundPayable: item.fundPayable,
  };
}

/** Text normalisation for name search (NFKC, no whitespace, upper-case ASCII). */
export const normaliseSearchText = normaliseIdText;
