export { PROVIDERS, type Provider, type ProviderHardware, type ProviderOptions } from './provider.js';
export { startProviderHardware } from './start.js';
export { resolveProvider } from './resolve.js';
