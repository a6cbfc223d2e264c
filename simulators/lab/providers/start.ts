import { startContainersHardware } from './containers.js';
import { startLocalHardware } from './local.js';
import type { Provider, ProviderHardware, ProviderOptions } from './provider.js';

export function startProviderHardware(provider: Provider, options: ProviderOptions): Promise<ProviderHardware> {
  return provider === 'containers' ? startContainersHardware(options) : startLocalHardware(options);
}
