export { DeviceKey, DEVICE_KEY_FILE } from './device-key.js';
export { decodePin, type PinDecryptor } from './pin.js';
export { createPkcs1Decryptor, type Pkcs1Decryptor } from './rsa-pkcs1-decrypt.js';
