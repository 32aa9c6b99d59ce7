import type { NewProvince } from '../../../../network/src/add-org';

/** The province the add-org unit tests add (the real Hubei's names and codes). */
export const HUBEI: NewProvince = {
  name: 'hubei',
  mspId: 'HubeiMSP',
  province: 'Hubei',
  zh: '湖北省',
  zhShort: '湖北',
  abbr: '鄂',
  code: 'HB',
  division: '420000',
};
