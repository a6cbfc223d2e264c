import { constants, publicEncrypt } from 'node:crypto';
import type { ConnectorClient } from './http.js';

const keys = new WeakMap<ConnectorClient, Promise<string>>();

/** The connector's device key (`GET /device-key`) as PEM; asked once per client. */
export function deviceKey(api: ConnectorClient): Promise<string> {
  let key = keys.get(api);
  if (!key) {
    key = api.get<{ data: string }>('/device-key').then((res) => {
      const data = res.body.data;
      return data.includes('BEGIN') ? data : `-----BEGIN PUBLIC KEY-----\n${data}\n-----END PUBLIC KEY-----\n`;
    });
    keys.set(api, key);
  }
  return key;
}

/** A PIN as the SDK sends it: RSAES-PKCS1-v1_5 with the device key, base64. */
export async function encryptPin(api: ConnectorClient, pin: string): Promise<string> {
  return publicEncrypt({ key: await deviceKey(api), padding: constants.RSA_PKCS1_PADDING }, Buffer.from(pin)).toString('base64');
}
